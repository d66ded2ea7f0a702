using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static partial class Libc
{
    [LibraryImport("libc", EntryPoint = "isatty")]
    private static partial int IsATtyRaw(int fd);

    /// <summary><c>isatty(3)</c>: whether the descriptor is a terminal (System.Console would write to one when asked).</summary>
    public static bool IsATty(int fd) => IsATtyRaw(fd) == 1;
}

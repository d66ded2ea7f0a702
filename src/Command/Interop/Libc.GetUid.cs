using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static partial class Libc
{
    /// <summary><c>uid_t getuid(void)</c>: the user the command serves (node directory owner, peers it accepts).</summary>
    [LibraryImport("libc", EntryPoint = "getuid")]
    public static partial uint GetUid();
}

using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static partial class Libc
{
    /// <summary><c>int dlclose(void *handle)</c>.</summary>
    [LibraryImport("libc", EntryPoint = "dlclose")]
    public static partial int Dlclose(nint handle);
}

using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static unsafe partial class Shim
{
    /// <summary><c>int native_snapc_open_mode(const char *path, int flags, unsigned int mode)</c> (src/shim/posix_calls.c).</summary>
    [LibraryImport("native_snapc_shim", EntryPoint = "native_snapc_open_mode", SetLastError = true)]
    public static partial int OpenMode(byte* path, int flags, uint mode);
}

using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static unsafe partial class Shim
{
    /// <summary><c>int native_snapc_open(const char *path, int flags)</c> (src/shim/posix_calls.c): open(2) without O_CREAT.</summary>
    [LibraryImport("native_snapc_shim", EntryPoint = "native_snapc_open", SetLastError = true)]
    public static partial int Open(byte* path, int flags);
}

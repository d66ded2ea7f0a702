using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static unsafe partial class Shim
{
    /// <summary>
    /// <c>int native_snapc_execvp(char *const argv[])</c> (src/shim/posix_calls.h): execvp of argv[0] with an
    /// empty signal mask; returns only on failure (-1, errno set).
    /// </summary>
    [LibraryImport("native_snapc_shim", EntryPoint = "native_snapc_execvp", SetLastError = true)]
    public static partial int Execvp(byte** argv);
}

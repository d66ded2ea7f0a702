using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static unsafe partial class Shim
{
    /// <summary>
    /// <c>int native_snapc_spawnp(pid_t *pid, char *const argv[])</c> (src/shim/posix_calls.h): posix_spawnp of
    /// argv[0] with the current environ and an empty signal mask; 0, or an errno value.
    /// </summary>
    [LibraryImport("native_snapc_shim", EntryPoint = "native_snapc_spawnp")]
    public static partial int Spawnp(int* pid, byte** argv);
}

using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static unsafe partial class Shim
{
    /// <summary>
    /// <c>int native_snapc_spawn_detached(pid_t *pid, char *const argv[], const char *log_path)</c>
    /// (src/shim/posix_calls.h): argv[0] started in a session of its own, standard input /dev/null, standard output
    /// and error appended to <paramref name="logPath"/>, no other descriptor inherited; 0, or an errno value.
    /// </summary>
    [LibraryImport("native_snapc_shim", EntryPoint = "native_snapc_spawn_detached")]
    public static partial int SpawnDetached(int* pid, byte** argv, byte* logPath);
}

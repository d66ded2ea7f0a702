using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static partial class Shim
{
    /// <summary><c>int native_snapc_signal_arm(int signo, int *request_cell)</c>: 0, or EINVAL (src/shim/checkpoint_signal.h).</summary>
    [LibraryImport("native_snapc_shim", EntryPoint = "native_snapc_signal_arm")]
    public static unsafe partial int SignalArm(int signo, int* requestCell);
}

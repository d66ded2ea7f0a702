using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static partial class Shim
{
    /// <summary>
    /// <c>int native_snapc_signal_wait_request(long timeout_ns)</c>: waits (futex, woken by the signal handler) for a
    /// request on the armed cell; 0, ETIMEDOUT, EINTR, or EINVAL when disarmed (src/shim/checkpoint_signal.h).
    /// </summary>
    [LibraryImport("native_snapc_shim", EntryPoint = "native_snapc_signal_wait_request")]
    public static partial int SignalWaitRequest(nint timeoutNanoseconds);
}

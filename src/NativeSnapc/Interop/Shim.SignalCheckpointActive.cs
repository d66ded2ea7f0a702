using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static partial class Shim
{
    /// <summary><c>int native_snapc_signal_checkpoint_active(void)</c>: 1 while a request's checkpoint has not ended (src/shim/checkpoint_signal.h).</summary>
    [LibraryImport("native_snapc_shim", EntryPoint = "native_snapc_signal_checkpoint_active")]
    public static unsafe partial int SignalCheckpointActive();
}

using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static partial class Shim
{
    /// <summary><c>void native_snapc_signal_end_checkpoint(void)</c> (src/shim/checkpoint_signal.h).</summary>
    [LibraryImport("native_snapc_shim", EntryPoint = "native_snapc_signal_end_checkpoint")]
    public static unsafe partial void SignalEndCheckpoint();
}

using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static partial class Shim
{
    /// <summary><c>void native_snapc_signal_disarm(void)</c> (src/shim/checkpoint_signal.h).</summary>
    [LibraryImport("native_snapc_shim", EntryPoint = "native_snapc_signal_disarm")]
    public static unsafe partial void SignalDisarm();
}

using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static partial class Shim
{
    /// <summary><c>long native_snapc_signal_take_ignored(void)</c>: requests ignored since the last call (long is 64-bit on LP64) (src/shim/checkpoint_signal.h).</summary>
    [LibraryImport("native_snapc_shim", EntryPoint = "native_snapc_signal_take_ignored")]
    public static unsafe partial nint SignalTakeIgnored();
}

using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static partial class Shim
{
    /// <summary><c>int native_snapc_signal_armed(void)</c>: the armed signal number, 0 when disarmed (src/shim/checkpoint_signal.h).</summary>
    [LibraryImport("native_snapc_shim", EntryPoint = "native_snapc_signal_armed")]
    public static unsafe partial int SignalArmed();
}

using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static partial class Shim
{
    /// <summary><c>void *native_snapc_signal_handler_address(void)</c>: the C handler, for sa_handler (src/shim/checkpoint_signal.h).</summary>
    [LibraryImport("native_snapc_shim", EntryPoint = "native_snapc_signal_handler_address")]
    public static unsafe partial void* SignalHandlerAddress();
}

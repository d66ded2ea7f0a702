using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static partial class Shim
{
    /// <summary>
    /// <c>void native_snapc_host_output(opal_output_fn, int output_id, const char *line)</c>: the host's variadic
    /// <c>opal_output(output_id, "%s", line)</c> (src/shim/host_calls.h).
    /// </summary>
    [LibraryImport("native_snapc_shim", EntryPoint = "native_snapc_host_output")]
    public static unsafe partial void HostOutput(nint opalOutput, int outputId, byte* line);
}

using NativeSnapc.Diagnostics;

namespace NativeSnapc.Host.OpenMpi;

/// <summary>Routes the library's log to the host's <c>opal_output</c> when a component is loaded into an initialised Open MPI process.</summary>
internal static class HostLogSink
{
    private static nint s_opalOutput;

    /// <summary>
    /// Attaches the sink unless one is attached; only once the host's MCA variable system is up (opal_output is
    /// usable then). Before that, and without Open MPI, lines go to stderr.
    /// </summary>
    public static void AttachIfHostInitialized()
    {
        if (Log.Sink is not null || !McaComponentRegistrar.HostVariableSystemInitialized())
        {
            return;
        }
        var output = HostSymbols.ResolveCached(ref s_opalOutput, "opal_output");
        if (output != 0)
        {
            Log.Sink = HostOutput.CreateSink(output);
        }
    }
}

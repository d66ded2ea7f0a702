using System;
using System.IO;

namespace NativeSnapc.Command.Cli;

/// <summary>
/// Where the rest of native-snapc is, seen from the command: installed as <c>&lt;prefix&gt;/bin/native-snapc</c>, the
/// activation library is <c>&lt;prefix&gt;/lib/libnative_snapc_mpi.so</c> and the MCA components
/// <c>&lt;prefix&gt;/lib/openmpi</c>. Variables override both (the build tree has another layout).
/// </summary>
internal static class Installation
{
    public const string ActivationVariable = "NATIVE_SNAPC_ACTIVATION_LIBRARY";
    public const string ComponentDirectoryVariable = "NATIVE_SNAPC_COMPONENT_DIR";

    /// <summary>This executable.</summary>
    public static string Self => Environment.ProcessPath ?? "native-snapc";

    private static string Prefix => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Self) ?? ".", ".."));

    /// <summary>
    /// The activation library the ranks preload: NATIVE_SNAPC_ACTIVATION_LIBRARY when set (empty: none), else
    /// <c>&lt;prefix&gt;/lib/libnative_snapc_mpi.so</c>; null (with a warning) when it is not there, so the program still runs.
    /// </summary>
    public static string? ActivationLibrary()
    {
        var configured = Environment.GetEnvironmentVariable(ActivationVariable);
        if (configured is not null)
        {
            return configured.Length == 0 ? null : Path.GetFullPath(configured);
        }
        var candidate = Path.Combine(Prefix, "lib", "libnative_snapc_mpi.so");
        if (File.Exists(candidate))
        {
            return candidate;
        }
        StandardStreams.Error.WriteLine($"native-snapc: warning: no activation library at {candidate}; ranks checkpoint only if the program links it (set {ActivationVariable})");
        return null;
    }

    /// <summary>
    /// The MCA component directory (mca_crs_self.so, mca_snapc_full.so): NATIVE_SNAPC_COMPONENT_DIR when set, else
    /// <c>openmpi/</c> beside a configured activation library (as the ranks' runtime finds it beside itself), else
    /// <c>&lt;prefix&gt;/lib/openmpi</c>.
    /// </summary>
    public static string ComponentDirectory()
    {
        if (Environment.GetEnvironmentVariable(ComponentDirectoryVariable) is { Length: > 0 } configured)
        {
            return Path.GetFullPath(configured);
        }
        if (Environment.GetEnvironmentVariable(ActivationVariable) is { Length: > 0 } library)
        {
            return Path.Combine(Path.GetDirectoryName(Path.GetFullPath(library)) ?? ".", "openmpi");
        }
        return Path.Combine(Prefix, "lib", "openmpi");
    }
}

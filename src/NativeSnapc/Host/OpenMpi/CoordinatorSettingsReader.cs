using System;
using System.Globalization;
using NativeSnapc.Coordinator;
using NativeSnapc.Diagnostics;
using NativeSnapc.Interop;

namespace NativeSnapc.Host.OpenMpi;

/// <summary>
/// Builds <see cref="CoordinatorSettings"/> from the component's MCA parameters (<c>snapc_full_*</c>). The
/// lookup yields a variable's raw text, or null when it is not set; the Open MPI host asks its MCA variable
/// system first and the environment (<c>OMPI_MCA_snapc_full_&lt;name&gt;</c>) second. An unusable value is
/// logged and replaced by the default, so a typo never disables a bound.
/// </summary>
internal static class CoordinatorSettingsReader
{
    /// <summary>The MCA framework and component the variables belong to: full names are <c>snapc_full_&lt;variable&gt;</c>.</summary>
    public const string Framework = "snapc";
    public const string Component = "full";

    public const string Verbose = "verbose";
    public const string SkipApp = "skip_app";
    public const string HandshakeTimeout = "handshake_timeout";
    public const string ReleaseTimeout = "release_timeout";
    public const string ReplyTimeout = "reply_timeout";
    public const string TermTimeout = "term_timeout";

    /// <summary>The full MCA name of a variable, e.g. <c>snapc_full_verbose</c>.</summary>
    public static string FullName(string variable) => $"{Framework}_{Component}_{variable}";

    /// <summary>The environment variable Open MPI reads for a variable, e.g. <c>OMPI_MCA_snapc_full_verbose</c>.</summary>
    public static string EnvironmentName(string variable) => "OMPI_MCA_" + FullName(variable);

    /// <summary>
    /// The raw environment value of a variable (no host needed), from the process's live environment (libc's,
    /// as the CRS reads its own): a host that sets OMPI_MCA_* after the library started is seen.
    /// </summary>
    public static string? FromEnvironment(string variable) => Libc.Getenv(EnvironmentName(variable));

    /// <param name="lookup">Raw text of a variable given its short name (<see cref="Verbose"/>, ...), or null when unset.</param>
    public static CoordinatorSettings Read(Func<string, string?> lookup)
    {
        var defaults = new CoordinatorSettings();
        return new CoordinatorSettings
        {
            Verbose = ReadVerbose(lookup(Verbose), defaults.Verbose),
            SkipApp = ReadBool(SkipApp, lookup(SkipApp), defaults.SkipApp),
            HandshakeTimeout = ReadSeconds(HandshakeTimeout, lookup(HandshakeTimeout), defaults.HandshakeTimeout),
            ReleaseTimeout = ReadSeconds(ReleaseTimeout, lookup(ReleaseTimeout), defaults.ReleaseTimeout),
            ReplyTimeout = ReadSeconds(ReplyTimeout, lookup(ReplyTimeout), defaults.ReplyTimeout),
            TermTimeout = ReadSeconds(TermTimeout, lookup(TermTimeout), defaults.TermTimeout),
        };
    }

    /// <summary>The settings from <c>OMPI_MCA_*</c> alone (no host bound); also sets <see cref="Log.Verbosity"/>.</summary>
    public static CoordinatorSettings ReadFromEnvironment()
    {
        var settings = Read(FromEnvironment);
        Log.Verbosity = settings.Verbose;
        return settings;
    }

    private static int ReadVerbose(string? text, int fallback)
    {
        if (text is null)
        {
            return fallback;
        }
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var level) && level >= 0)
        {
            return level;
        }
        Log.Error($"native-snapc: MCA parameter {FullName(Verbose)}=\"{text}\" is not a level >= 0; using {fallback}");
        return fallback;
    }

    private static TimeSpan ReadSeconds(string variable, string? text, TimeSpan fallback)
    {
        if (text is null)
        {
            return fallback;
        }
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }
        Log.Error($"native-snapc: MCA parameter {FullName(variable)}=\"{text}\" is not a whole number of seconds > 0; using {fallback.TotalSeconds:F0}");
        return fallback;
    }

    private static bool ReadBool(string variable, string? text, bool fallback)
    {
        if (text is null)
        {
            return fallback;
        }
        if (McaValueText.TryParseBool(text, out var value))
        {
            return value;
        }
        Log.Error($"native-snapc: MCA parameter {FullName(variable)}=\"{text}\" is not a boolean; using {(fallback ? "true" : "false")}");
        return fallback;
    }
}

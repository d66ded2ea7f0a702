using System;
using System.Runtime.CompilerServices;

namespace NativeSnapc.Diagnostics;

/// <summary>
/// The library's log. Until a host sink is attached (the Open MPI host adapter routes lines to
/// opal_output) lines go to descriptor 2 through <see cref="StandardErrorLines"/>, never through Console. Verbose lines use the original's levels (OPAL_OUTPUT_VERBOSE) and are
/// written only when <see cref="Verbosity"/> (MCA snapc_full_verbose) reaches them; errors always are.
/// Never throws: it is called from catch blocks at the C boundary.
/// </summary>
internal static class Log
{
    /// <summary>Where lines go once a host is bound; null means descriptor 2.</summary>
    public static Action<string>? Sink { get; set; }

    /// <summary>The highest verbose level written.</summary>
    public static int Verbosity { get; set; }

    public static bool IsEnabled(int level) => level <= Verbosity;

    public static void Error(string message) => Write(message);

    public static void Verbose(int level, string message)
    {
        if (IsEnabled(level))
        {
            Write(message);
        }
    }

    /// <summary>An interpolated verbose line: formatted only when <paramref name="level"/> is enabled.</summary>
    public static void Verbose(int level, [InterpolatedStringHandlerArgument("level")] ref VerboseMessageHandler message)
    {
        if (message.Enabled)
        {
            Write(message.ToStringAndClear());
        }
    }

    public static void Write(string message)
    {
        try
        {
            var sink = Sink;
            if (sink is not null)
            {
                sink(message);
                return;
            }
            StandardErrorLines.Write(message);
        }
        catch
        {
            // Nothing left to report to; losing a log line must not cost the host process.
        }
    }
}

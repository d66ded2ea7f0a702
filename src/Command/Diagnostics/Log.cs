using System;
using System.Globalization;

namespace NativeSnapc.Command.Diagnostics;

/// <summary>
/// The command's own messages, on stderr with write(2) (a detached local coordinator's stderr is its local.log): a
/// time, the role, the text. Verbose lines are written when NATIVE_SNAPC_VERBOSE reaches their level; errors always.
/// Never throws.
/// </summary>
internal static class Log
{
    private static readonly object Gate = new();

    /// <summary>"run", "local", "checkpoint"…: which part of the command speaks.</summary>
    public static string Role { get; set; } = "native-snapc";

    public static int Verbosity { get; set; } = ReadVerbosity();

    /// <summary>Where lines go; stderr unless a test captures them.</summary>
    public static Action<string>? Sink { get; set; }

    public static bool IsEnabled(int level) => level <= Verbosity;

    public static void Error(string message) => Write("error: " + message);

    public static void Info(string message) => Write(message);

    public static void Verbose(int level, string message)
    {
        if (IsEnabled(level))
        {
            Write(message);
        }
    }

    private static void Write(string message)
    {
        try
        {
            var line = $"{DateTime.Now.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)} native-snapc {Role}[{Environment.ProcessId}]: {message}";
            lock (Gate)
            {
                if (Sink is { } sink)
                {
                    sink(line);
                }
                else
                {
                    WriteStandardError(line);
                }
            }
        }
        catch
        {
            // Nothing left to report to.
        }
    }

    /// <summary>
    /// One line to descriptor 2 with write(2), never through System.Console: on a terminal its first use writes
    /// terminal control sequences to standard output, which for `local` (started by a rank) and `restart-rank` is
    /// the program's.
    /// </summary>
    public static unsafe void WriteStandardError(string line)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(line + "\n");
        fixed (byte* data = bytes)
        {
            var offset = 0;
            while (offset < bytes.Length && !Interop.Libc.Write(2, data + offset, bytes.Length - offset, out var written).IsError && written > 0)
            {
                offset += written;
            }
        }
    }

    private static int ReadVerbosity() =>
        int.TryParse(Environment.GetEnvironmentVariable("NATIVE_SNAPC_VERBOSE"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var level) ? level : 0;
}

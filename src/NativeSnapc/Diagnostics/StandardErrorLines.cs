using System;
using System.Buffers;
using System.Globalization;
using System.Text;
using NativeSnapc.Interop;

namespace NativeSnapc.Diagnostics;

/// <summary>
/// The library's own lines, written to descriptor 2 with plain <c>write</c> when the host's
/// <c>opal_output</c> is not (yet) available. Never <see cref="Console"/>: its first use can send terminal
/// control sequences to standard output (on a terminal, as <c>mpirun</c> gives ranks a pty), and an MPI
/// program's standard output is its data. Each line is prefixed as opal_output prefixes its stream 0,
/// <c>[host:pid] </c>, followed by the process name once the host is bound, so the lines of several ranks
/// can be told apart.
/// </summary>
internal static unsafe class StandardErrorLines
{
    private const int StandardError = 2;

    private static string? s_processName;

    /// <summary>The ORTE process name (<c>[[job,local],vpid]</c>) put after the prefix, once known.</summary>
    public static string? ProcessName
    {
        get => s_processName;
        set => s_processName = string.IsNullOrEmpty(value) ? null : value;
    }

    /// <summary>The prefix of a line: <c>[host:pid] </c> (pid at least five digits, as opal_output), then the process name.</summary>
    public static string Prefix()
    {
        var host = Libc.GetHostName() ?? "unknown";
        var pid = Libc.GetPid().ToString("D5", CultureInfo.InvariantCulture);
        var name = s_processName;
        return name is null ? $"[{host}:{pid}] " : $"[{host}:{pid}] {name} ";
    }

    /// <summary>Writes the prefix, <paramref name="message"/> and a newline to descriptor 2 in one write where it fits.</summary>
    public static void Write(string message)
    {
        var line = Prefix() + message + "\n";
        var size = Encoding.UTF8.GetMaxByteCount(line.Length);
        var rented = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var length = Encoding.UTF8.GetBytes(line, rented);
            fixed (byte* bytes = rented)
            {
                var sent = 0;
                while (sent < length)
                {
                    var error = Libc.Write(StandardError, bytes + sent, length - sent, out var written);
                    if (error.IsError || written == 0)
                    {
                        return; // nowhere left to report to
                    }
                    sent += written;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}

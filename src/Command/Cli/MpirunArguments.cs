using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using NativeSnapc.Interop;

namespace NativeSnapc.Command.Cli;

/// <summary>
/// The little the command reads of mpirun's arguments, which it otherwise passes on untouched: the process count a
/// restart must match, and where the program starts (what comes before it are mpirun's options).
/// </summary>
internal static class MpirunArguments
{
    /// <summary>mpirun's spellings of the process count (orterun's -c, -np, --np, -n, --n).</summary>
    private static readonly HashSet<string> CountOptions = new(StringComparer.Ordinal) { "-np", "--np", "-n", "--n", "-c" };

    /// <summary>
    /// The process count given (the last one wins, as in mpirun), null when none is; false with a message when a
    /// count option has no positive number after it.
    /// </summary>
    public static bool TryProcessCount(IReadOnlyList<string> arguments, out int? count, out string error)
    {
        count = null;
        error = "";
        for (var i = 0; i < arguments.Count; i++)
        {
            if (!CountOptions.Contains(arguments[i]))
            {
                continue;
            }
            if (i + 1 >= arguments.Count || !int.TryParse(arguments[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                error = $"mpirun's {arguments[i]} needs a positive number";
                return false;
            }
            count = n;
            i++;
        }
        return true;
    }

    /// <summary>
    /// The index of the first argument that names the executable <paramref name="programRealPath"/> (a path, or a
    /// name looked up in PATH as mpirun does), or -1.
    /// </summary>
    public static int FindProgram(IReadOnlyList<string> arguments, string programRealPath)
    {
        for (var i = 0; i < arguments.Count; i++)
        {
            if (Executable(arguments[i]) is { } resolved && resolved == programRealPath)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>The real path of the executable an argument names, or null when it names none.</summary>
    public static string? Executable(string argument)
    {
        if (argument.Length == 0 || argument.StartsWith('-'))
        {
            return null;
        }
        if (argument.Contains('/'))
        {
            return File.Exists(argument) ? Libc.RealPath(argument) : null;
        }
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, argument);
            if (File.Exists(candidate))
            {
                return Libc.RealPath(candidate);
            }
        }
        return null;
    }
}

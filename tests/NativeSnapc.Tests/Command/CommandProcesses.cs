using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace NativeSnapc.Tests.Command;

/// <summary>What the jobs of the built command (<see cref="CommandJob"/>, <see cref="ProductJob"/>) share: a transcript for failure messages, and ending a job's process tree.</summary>
internal static class CommandProcesses
{
    /// <summary>The job's standard output and error, then every node's local coordinator log under the runtime directory.</summary>
    public static string Transcript(string runtimeDirectory, IEnumerable<string> output, IEnumerable<string> errors, string label)
    {
        var logs = Directory.Exists(runtimeDirectory)
            ? string.Join("\n", Directory.EnumerateFiles(runtimeDirectory, "local.log", SearchOption.AllDirectories).Select(f => $"--- {f} ---\n{File.ReadAllText(f)}"))
            : "";
        return $"--- {label}stdout ---\n{string.Join("\n", output)}\n--- {label}stderr ---\n{string.Join("\n", errors)}\n{logs}";
    }

    /// <summary>The exit status of <paramref name="process"/>; past <paramref name="bound"/> it is killed and the test fails with the transcript.</summary>
    public static int WaitForExit(Process process, TimeSpan bound, string what, Func<string> transcript)
    {
        if (!process.WaitForExit(bound))
        {
            KillTree(process);
            NUnit.Framework.Assert.Fail($"{what} did not end within {bound.TotalSeconds} s:\n{transcript()}");
        }
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>Kills the process and everything it started, if it still runs (bounded).</summary>
    public static void KillTree(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }
}

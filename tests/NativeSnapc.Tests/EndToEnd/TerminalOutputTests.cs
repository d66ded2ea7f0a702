using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using NativeSnapc.Tests.Support;
using NUnit.Framework;

namespace NativeSnapc.Tests.EndToEnd;

/// <summary>
/// An MPI program's standard output is its data, and mpirun gives ranks a terminal. The library logs before
/// it has the host's opal_output (here: app_coord_init in a stock Open MPI 4.1 process, which it refuses); those
/// lines must go to descriptor 2 only, prefixed like opal_output's, and nothing — no terminal control sequence
/// of an initialised System.Console — may reach standard output.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class TerminalOutputTests
{
    [Test]
    public void On_a_terminal_the_library_writes_nothing_to_stdout_and_prefixed_lines_to_stderr()
    {
        var work = TestEnvironment.ScratchDir("terminal-output");
        var stderrFile = Path.Combine(work, "stderr.txt");
        var app = TestEnvironment.BuiltTool("runtime/ref_app");
        // ref_app's own stdout stays on the terminal; only descriptor 2 goes to the file.
        var command = $"'{app}' --no-host --library '{TestEnvironment.LibraryPath}' --timeout 60 init 2>'{stderrFile}'";
        var environment = new Dictionary<string, string> { ["TERM"] = "xterm" };

        var result = ProcessRunner.Run("script", ["--quiet", "--return", "--command", command, "/dev/null"],
            TimeSpan.FromSeconds(90), environment: environment);

        var terminal = result.StandardOutput;
        Assert.That(terminal, Does.Contain("STEP 1 init"), result.Describe);
        Assert.That(terminal.IndexOf('\u001b'), Is.EqualTo(-1),
            () => "an escape sequence reached the terminal (standard output): " + Escape(terminal));
        Assert.That(terminal, Does.Not.Contain("cannot bind"), "the library's line reached standard output");

        var lines = File.ReadAllLines(stderrFile).Where(l => l.Contains("cannot bind to the Open MPI 4.1 host")).ToList();
        Assert.That(lines, Has.Count.EqualTo(1), () => File.ReadAllText(stderrFile));
        // [host:pid] as opal_output prefixes stream 0, then the ORTE process name MPI_Init gave this singleton.
        Assert.That(lines[0], Does.Match(@"^\[[^\]:]+:\d{5,}\] \[\[\d+,\d+\],0\] App\) init: Error: native-snapc: cannot bind"));
        Assert.That(lines[0], Does.Contain($"[{Environment.MachineName}:"));
    }

    private static string Escape(string text) => Regex.Replace(text, @"[\x00-\x08\x0b-\x1f\x7f]", m => $"\\x{(int)m.Value[0]:x2}");
}

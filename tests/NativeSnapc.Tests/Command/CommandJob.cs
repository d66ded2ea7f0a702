using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using NativeSnapc.Tests.Support;
using NUnit.Framework;

namespace NativeSnapc.Tests.Command;

/// <summary>
/// A real job under the built `native-snapc run`: Debian's mpirun runs ranks of the reference runtime's ref_app
/// (real Open MPI 4.1 processes hosting libnative_snapc.so), each started through a wrapper that does what the
/// rank side will do — start `native-snapc local` for its node, point opal_cr_tmp_dir at the node directory and
/// connect to local.sock. Every wait is bounded; whatever is left running at Dispose is killed.
/// </summary>
internal sealed class CommandJob : IDisposable
{
    private readonly Process _run;
    private readonly List<string> _stdout = new();
    private readonly List<string> _stderr = new();

    public CommandJob(string name, int ranks, IEnumerable<string> steps, IEnumerable<string>? appOptions = null, IEnumerable<string>? runOptions = null)
    {
        Scratch = TestEnvironment.ScratchDir("command-" + name);
        Snapshots = Path.Combine(Scratch, "snapshots");
        Tmp = Path.Combine(Scratch, "tmp");
        Directory.CreateDirectory(Tmp);
        var build = TestEnvironment.BuildDir;
        var appArguments = new List<string> { "--timeout", "120" };
        appArguments.AddRange(appOptions ?? ["--crs-select", Path.Combine(build, "publish", "openmpi")]);
        var wrapper = Path.Combine(Scratch, "rank.sh");
        File.WriteAllText(wrapper,
            "#!/bin/sh\n" +
            "node=\"$NATIVE_SNAPC_RUNTIME_DIR/$(hostname)\"\n" +
            "\"$NATIVE_SNAPC_COMMAND\" local --job-file \"$NATIVE_SNAPC_JOB_FILE\" --node-dir \"$node\" || exit 90\n" +
            "export OMPI_MCA_opal_cr_tmp_dir=\"$node\"\n" +
            $"exec '{TestEnvironment.BuiltTool("runtime/ref_app")}' --peer \"$node/local.sock\" --library '{TestEnvironment.LibraryPath}' " +
            string.Join(" ", appArguments.Concat(steps).Select(a => $"'{a}'")) + "\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var arguments = new List<string> { "run", "--snapshots", Snapshots };
        arguments.AddRange(runOptions ?? []);
        arguments.AddRange(["--", "--oversubscribe", "-np", ranks.ToString(System.Globalization.CultureInfo.InvariantCulture), wrapper]);
        var start = new ProcessStartInfo(Executable) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in Environment)
        {
            start.Environment[key] = value;
        }
        _run = Process.Start(start) ?? throw new InvalidOperationException("cannot start native-snapc run");
        _run.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.Add(e.Data); };
        _run.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.Add(e.Data); };
        _run.BeginOutputReadLine();
        _run.BeginErrorReadLine();
    }

    /// <summary>The built command (CMake passes its path; the NativeAOT executable, not the test build).</summary>
    public static string Executable
    {
        get
        {
            var path = System.Environment.GetEnvironmentVariable("NATIVE_SNAPC_COMMAND_UNDER_TEST")
                       ?? Path.Combine(TestEnvironment.BuildDir, "publish-command", "native-snapc");
            if (!File.Exists(path))
            {
                Assert.Fail($"{path} does not exist: build with the README's test command");
            }
            return path;
        }
    }

    public string Scratch { get; }
    public string Snapshots { get; }
    public string Tmp { get; }
    public int JobId => _run.Id;
    public string RuntimeDirectory => Path.Combine(Tmp, $"native-snapc-{TestLibc.GetUid()}", JobId.ToString(System.Globalization.CultureInfo.InvariantCulture));
    public string GlobalDirectory => Path.Combine(Snapshots, $"ompi_global_snapshot_{JobId}.ckpt");
    public string Metadata => File.ReadAllText(Path.Combine(GlobalDirectory, "global_snapshot_meta.data"));

    public Dictionary<string, string> Environment => new()
    {
        ["TMPDIR"] = Tmp,
        ["OMPI_ALLOW_RUN_AS_ROOT"] = "1",
        ["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1",
        ["NATIVE_SNAPC_KEEP_RUNTIME_DIR"] = "1",
        ["NATIVE_SNAPC_ACTIVATION_LIBRARY"] = "",
        ["NATIVE_SNAPC_VERBOSE"] = "5",
    };

    public IReadOnlyList<string> Output { get { lock (_stdout) return _stdout.ToArray(); } }
    public IReadOnlyList<string> Errors { get { lock (_stderr) return _stderr.ToArray(); } }

    /// <summary>Runs another verb of the command against this job's environment.</summary>
    public ProcessResult Command(params string[] arguments) =>
        ProcessRunner.Run(Executable, arguments, TimeSpan.FromSeconds(120), environment: Environment);

    /// <summary>Waits until `status` says every rank is connected and the job initialized.</summary>
    public void WaitReady(int ranks)
    {
        var watch = Stopwatch.StartNew();
        string last = "";
        while (watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            var status = Command("status", "--json", JobId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            last = status.Describe();
            if (status.ExitCode == 0)
            {
                using var json = JsonDocument.Parse(status.StandardOutput);
                if (json.RootElement.GetProperty("ranks_connected").GetInt32() == ranks && json.RootElement.GetProperty("checkpointable").GetBoolean())
                {
                    return;
                }
            }
            Thread.Sleep(200);
        }
        Assert.Fail($"the job never got ready:\n{last}\n{Transcript()}");
    }

    public int WaitForExit(TimeSpan bound) => CommandProcesses.WaitForExit(_run, bound, "native-snapc run", Transcript);

    /// <summary>The pid each rank printed (IDENT vpid= … pid=).</summary>
    public int RankPid(int vpid)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            var line = Output.FirstOrDefault(l => l.StartsWith($"IDENT vpid={vpid} ", StringComparison.Ordinal));
            if (line is not null)
            {
                var pid = line.Split(' ').First(f => f.StartsWith("pid=", StringComparison.Ordinal))[4..];
                return int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture);
            }
            Thread.Sleep(100);
        }
        Assert.Fail($"no IDENT line of vpid {vpid}:\n{Transcript()}");
        return -1;
    }

    public string Transcript() => CommandProcesses.Transcript(RuntimeDirectory, Output, Errors, "run ");

    public void Dispose()
    {
        CommandProcesses.KillTree(_run);
        _run.Dispose();
    }
}

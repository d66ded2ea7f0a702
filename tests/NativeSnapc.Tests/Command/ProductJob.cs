using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using NativeSnapc.Tests.Support;
using NUnit.Framework;

namespace NativeSnapc.Tests.Command;

/// <summary>
/// Where the product-path jobs of one test live: a TMPDIR of their own (runtime directories, control sockets), the
/// snapshot base, and the simulated-node agent. Jobs started from one place share its snapshots, as the jobs of
/// one user on one cluster do.
/// </summary>
internal sealed class ProductPlace
{
    public ProductPlace(string name)
    {
        Scratch = TestEnvironment.ScratchDir("p-" + name);
        Snapshots = Path.Combine(Scratch, "snap");
        Tmp = Path.Combine(Scratch, "tmp");
        Directory.CreateDirectory(Tmp);
        // plm_rsh_agent: "ssh" to a simulated node is a UTS namespace with that host name on this machine, so ORTE
        // starts one orted per node, each seeing its own hostname (docs/runtime.md, multi-node).
        Agent = Path.Combine(Scratch, "agent.sh");
        File.WriteAllText(Agent, "#!/bin/sh\nhost=$1; shift\nexec unshare --uts sh -c 'hostname \"$0\"; exec \"$@\"' \"$host\" sh -c \"$*\"\n");
        File.SetUnixFileMode(Agent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Scratch { get; }
    public string Snapshots { get; }
    public string Tmp { get; }
    public string Agent { get; }

    /// <summary>The only global snapshot under the snapshot base.</summary>
    public string GlobalDirectory => Directory.EnumerateDirectories(Snapshots).Single();

    public string Metadata => File.ReadAllText(Path.Combine(GlobalDirectory, "global_snapshot_meta.data"));

    public IReadOnlyList<int> FinishedSequences => !Directory.Exists(Snapshots) || Directory.GetDirectories(Snapshots).Length == 0
        || !File.Exists(Path.Combine(GlobalDirectory, "global_snapshot_meta.data")) ? [] : Metadata.Split('\n')
        .Where(l => l.StartsWith("# Finished Seq: ", StringComparison.Ordinal))
        .Select(l => int.Parse(l["# Finished Seq: ".Length..], CultureInfo.InvariantCulture)).ToList();

    /// <summary>mpirun's options for simulated nodes: two ranks on each of <paramref name="nodes"/>.</summary>
    public string[] Nodes(params string[] nodes) =>
        ["--host", string.Join(",", nodes.Select(n => n + ":2")), "--mca", "plm_rsh_agent", Agent,
         "--mca", "oob_tcp_if_include", "lo", "--mca", "btl", "self,tcp"];

    public Dictionary<string, string> Environment => new()
    {
        ["TMPDIR"] = Tmp,
        ["OMPI_ALLOW_RUN_AS_ROOT"] = "1",
        ["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1",
        ["NATIVE_SNAPC_KEEP_RUNTIME_DIR"] = "1",
        // the build tree's layout: the activation library, its components in publish/openmpi beside it
        ["NATIVE_SNAPC_ACTIVATION_LIBRARY"] = Path.Combine(TestEnvironment.BuildDir, "publish", "libnative_snapc_mpi.so"),
        ["NATIVE_SNAPC_VERBOSE"] = "2",
        // a global snapshot named without a path is looked up under $HOME, as ompi-restart looks in its base directory
        ["HOME"] = Snapshots,
    };

    /// <summary>Another verb of the command, to completion (bounded).</summary>
    public ProcessResult Command(params string[] arguments) =>
        ProcessRunner.Run(CommandJob.Executable, arguments, TimeSpan.FromSeconds(120), environment: Environment);

    /// <summary>cr_app's arguments: a counting program with a safe point per iteration (or another mode).</summary>
    public static string[] CrApp(int iterations, int pauseUs = 1000, string mode = "safe", params string[] more) =>
        [TestEnvironment.BuiltTool("runtime/cr_app"), "--iterations", iterations.ToString(CultureInfo.InvariantCulture),
         "--pause-us", pauseUs.ToString(CultureInfo.InvariantCulture), "--mode", mode, .. more];

    /// <summary>What cr_app prints at the end of an uninterrupted run of <paramref name="ranks"/> ranks: sum over ranks and iterations of (rank+1)·(i+1).</summary>
    public static string Result(int ranks, long iterations) =>
        $"RESULT sum={(long)ranks * (ranks + 1) / 2 * (iterations * (iterations + 1) / 2)} iterations={iterations}";

    public ProductJob Start(params string[] arguments) => new(this, arguments);
}

/// <summary>
/// One `native-snapc run` or `restart` of the built command with real ranks under Debian's mpirun: cr_app (a program
/// on &lt;mpi.h&gt; and native-snapc's public headers) with the runtime put in by LD_PRELOAD. Output is collected
/// line by line with the time it arrived; every wait is bounded; what is left running at Dispose is killed.
/// </summary>
internal sealed class ProductJob : IDisposable
{
    private readonly ProductPlace _place;
    private readonly Process _process;
    private readonly List<(TimeSpan At, string Line)> _stdout = new();
    private readonly List<(TimeSpan At, string Line)> _stderr = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public ProductJob(ProductPlace place, IReadOnlyList<string> arguments)
    {
        _place = place;
        var start = new ProcessStartInfo(CommandJob.Executable) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in place.Environment)
        {
            start.Environment[key] = value;
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException("cannot start native-snapc");
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.Add((_clock.Elapsed, e.Data)); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.Add((_clock.Elapsed, e.Data)); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int JobId => _process.Id;
    public string Job => JobId.ToString(CultureInfo.InvariantCulture);
    public TimeSpan Elapsed => _clock.Elapsed;
    public string RuntimeDirectory => Path.Combine(_place.Tmp, $"native-snapc-{TestLibc.GetUid()}", Job);
    public IReadOnlyList<string> Output { get { lock (_stdout) return _stdout.Select(l => l.Line).ToArray(); } }
    public IReadOnlyList<string> Errors { get { lock (_stderr) return _stderr.Select(l => l.Line).ToArray(); } }

    /// <summary>When the first stderr line matching arrived (since the job started), or null.</summary>
    public TimeSpan? ErrorLineAt(Func<string, bool> match)
    {
        lock (_stderr)
        {
            return _stderr.Where(l => match(l.Line)).Select(l => (TimeSpan?)l.At).FirstOrDefault();
        }
    }

    public void Signal(int signal) => TestLibc.Kill(JobId, signal);

    /// <summary>Waits until `status --json` says every rank is connected and checkpointable; that JSON.</summary>
    public JsonElement WaitReady(int ranks)
    {
        var watch = Stopwatch.StartNew();
        var last = "";
        while (watch.Elapsed < TimeSpan.FromSeconds(90))
        {
            var status = _place.Command("status", "--json", Job);
            last = status.Describe();
            if (status.ExitCode == 0)
            {
                using var json = JsonDocument.Parse(status.StandardOutput);
                if (json.RootElement.GetProperty("ranks_connected").GetInt32() == ranks && json.RootElement.GetProperty("checkpointable").GetBoolean())
                {
                    return json.RootElement.Clone();
                }
            }
            if (_process.HasExited)
            {
                break;
            }
            Thread.Sleep(200);
        }
        Assert.Fail($"the job never got ready:\n{last}\n{Transcript()}");
        return default;
    }

    /// <summary>`native-snapc checkpoint [--term]` of this job: its result.</summary>
    public ProcessResult Checkpoint(bool term = false) =>
        term ? _place.Command("checkpoint", "--term", Job) : _place.Command("checkpoint", Job);

    /// <summary>The pids of the program's ranks (cr_app's "CRAPP start … pid=" lines), once every rank printed one.</summary>
    public IReadOnlyList<int> RankPids(int ranks)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            var pids = Output.Where(l => l.StartsWith("CRAPP start ", StringComparison.Ordinal))
                .Select(l => int.Parse(l.Split(' ').First(f => f.StartsWith("pid=", StringComparison.Ordinal))[4..], CultureInfo.InvariantCulture))
                .Distinct().ToList();
            if (pids.Count >= ranks)
            {
                return pids;
            }
            Thread.Sleep(100);
        }
        Assert.Fail($"not every rank started:\n{Transcript()}");
        return [];
    }

    /// <summary>Waits (bounded) until <paramref name="count"/> stdout lines match; how many did.</summary>
    public int WaitForOutput(Func<string, bool> match, int count, TimeSpan? bound = null)
    {
        var watch = Stopwatch.StartNew();
        int seen;
        while ((seen = Output.Count(match)) < count && watch.Elapsed < (bound ?? TimeSpan.FromSeconds(30)) && !_process.HasExited)
        {
            Thread.Sleep(50);
        }
        return _process.HasExited ? Output.Count(match) : seen;
    }

    /// <summary>SIGKILL to every rank from outside (a node failure, a batch system's kill).</summary>
    public void KillRanks(int ranks)
    {
        foreach (var pid in RankPids(ranks))
        {
            TestLibc.Kill(pid, 9);
        }
    }

    public int WaitForExit(TimeSpan bound) => CommandProcesses.WaitForExit(_process, bound, "native-snapc", Transcript);

    public string Transcript() => CommandProcesses.Transcript(RuntimeDirectory, Output, Errors, "");

    public void Dispose()
    {
        CommandProcesses.KillTree(_process);
        _process.Dispose();
    }
}

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using NUnit.Framework;

namespace NativeSnapc.Tests.Support;

/// <summary>
/// One run of the reference runtime (tests/runtime/README.md): a ref_peer process playing the local
/// coordinator, HNP and sstore daemon, and ref_app processes — a singleton or ranks under Debian's
/// mpirun — hosting the built libnative_snapc.so. Real processes, FIFOs and signals; every wait bounded.
/// </summary>
internal sealed class ReferenceRuntime : IDisposable
{
    private readonly Process _peer;
    private readonly List<string> _peerLines = new();
    private readonly List<AppRun> _apps = new();

    /// <summary>
    /// Starts the peer. <paramref name="peerArguments"/> come after the socket, base and pipe options. With
    /// <paramref name="nodeLayout"/> the peer stands where a node's local coordinator does for the native-snapc
    /// runtime (docs/runtime.md): its socket and the FIFOs in the node directory <c>&lt;RuntimeDir&gt;/&lt;hostname&gt;</c>.
    /// </summary>
    public ReferenceRuntime(IEnumerable<string>? peerArguments = null, int apps = 1, IReadOnlyDictionary<string, string>? environment = null,
        bool nodeLayout = false)
    {
        // Unix socket paths are limited to 107 bytes: keep the work directory short.
        WorkDir = Directory.CreateTempSubdirectory("nsnapc_e2e_").FullName;
        StoreDir = Path.Combine(WorkDir, "store");
        RuntimeDir = Path.Combine(WorkDir, "rt");
        if (nodeLayout)
        {
            PipeDir = Path.Combine(RuntimeDir, System.Environment.MachineName);
            Directory.CreateDirectory(RuntimeDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Directory.CreateDirectory(PipeDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Socket = Path.Combine(PipeDir, "local.sock");
        }
        else
        {
            PipeDir = Path.Combine(WorkDir, "pipes");
            Directory.CreateDirectory(PipeDir);
            Socket = Path.Combine(WorkDir, "peer.sock");
        }
        Environment = new Dictionary<string, string>
        {
            // Both sides find the FIFOs through the same MCA variable.
            ["OMPI_MCA_opal_cr_tmp_dir"] = PipeDir,
            // Bounds short enough for tests; a test that needs another value overrides it.
            ["OMPI_MCA_snapc_full_handshake_timeout"] = "10",
            ["OMPI_MCA_snapc_full_release_timeout"] = "20",
            ["OMPI_MCA_snapc_full_reply_timeout"] = "20",
            ["OMPI_MCA_snapc_full_term_timeout"] = "3",
        };
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                Environment[key] = value;
            }
        }

        var arguments = new List<string> { "--socket", Socket, "--base", StoreDir, "--apps", apps.ToString(), "--timeout", "240", "--pipe-dir", PipeDir };
        arguments.AddRange(peerArguments ?? Array.Empty<string>());
        _peer = Launch(TestEnvironment.BuiltTool("runtime/ref_peer"), arguments, Environment, _peerLines, redirectInput: true);
        WaitForPeerLine(l => l.StartsWith("PEER ready", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
    }

    public string WorkDir { get; }

    /// <summary>NATIVE_SNAPC_RUNTIME_DIR of a program run with the runtime (its node directory is <see cref="PipeDir"/>).</summary>
    public string RuntimeDir { get; }
    public string PipeDir { get; }
    public string StoreDir { get; }
    public string Socket { get; }

    /// <summary>The environment both sides get (the MCA variables of the run).</summary>
    public Dictionary<string, string> Environment { get; }

    /// <summary>Starts ref_app: a singleton for one rank, otherwise <paramref name="ranks"/> ranks under mpirun.</summary>
    public AppRun StartApp(IEnumerable<string> steps, int ranks = 1, IEnumerable<string>? appOptions = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var env = new Dictionary<string, string>(Environment);
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                env[key] = value;
            }
        }
        var appArguments = new List<string> { "--peer", Socket, "--library", TestEnvironment.LibraryPath, "--timeout", "180" };
        appArguments.AddRange(appOptions ?? Array.Empty<string>());
        appArguments.AddRange(steps);

        string program;
        List<string> arguments;
        if (ranks == 1)
        {
            program = TestEnvironment.BuiltTool("runtime/ref_app");
            arguments = appArguments;
        }
        else
        {
            // Debian's real mpirun: real PMIx fence, real ranks.
            program = "mpirun";
            env["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
            env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
            arguments = new List<string> { "--oversubscribe", "-np", ranks.ToString(), "--tag-output" };
            foreach (var key in env.Keys.Where(k => k.StartsWith("OMPI_MCA_", StringComparison.Ordinal) || k.StartsWith("NSNAPC_", StringComparison.Ordinal)))
            {
                arguments.Add("-x");
                arguments.Add(key);
            }
            arguments.Add(TestEnvironment.BuiltTool("runtime/ref_app"));
            arguments.AddRange(appArguments);
        }
        var lines = new List<string>();
        var process = Launch(program, arguments, env, lines, redirectInput: false);
        var run = new AppRun(process, lines);
        _apps.Add(run);
        return run;
    }

    /// <summary>
    /// Starts an MPI program under Debian's mpirun on <paramref name="ranks"/> ranks with the native-snapc runtime put
    /// into every rank (LD_PRELOAD of the built libnative_snapc_mpi.so, NATIVE_SNAPC_RUNTIME_DIR = <see cref="RuntimeDir"/>),
    /// or without it. Lines of stdout and stderr are collected together.
    /// </summary>
    public AppRun StartProgram(string program, IEnumerable<string> arguments, int ranks, bool withRuntime = true,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var env = new Dictionary<string, string>(Environment);
        env.Remove("OMPI_MCA_opal_cr_tmp_dir"); // the runtime puts the FIFOs in the node directory itself
        env["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
        env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
        if (withRuntime)
        {
            env["LD_PRELOAD"] = TestEnvironment.ActivationLibraryPath;
            env["NATIVE_SNAPC_RUNTIME_DIR"] = RuntimeDir;
        }
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                env[key] = value;
            }
        }
        var mpirun = new List<string> { "--oversubscribe", "-np", ranks.ToString() };
        foreach (var key in env.Keys.Where(k => k.StartsWith("OMPI_MCA_", StringComparison.Ordinal) || k.StartsWith("NATIVE_SNAPC_", StringComparison.Ordinal)))
        {
            mpirun.Add("-x");
            mpirun.Add(key);
        }
        if (env.Remove("LD_PRELOAD", out var preload))
        {
            // The ranks carry the runtime; mpirun itself does not.
            mpirun.Add("-x");
            mpirun.Add("LD_PRELOAD=" + preload);
        }
        mpirun.Add(program);
        mpirun.AddRange(arguments);
        var lines = new List<string>();
        var process = Launch("mpirun", mpirun, env, lines, redirectInput: false);
        var run = new AppRun(process, lines);
        _apps.Add(run);
        return run;
    }

    /// <summary>Runs ref_app to its end (bounded) and returns it.</summary>
    public AppRun RunApp(IEnumerable<string> steps, int ranks = 1, IEnumerable<string>? appOptions = null,
        IReadOnlyDictionary<string, string>? environment = null, TimeSpan? bound = null)
    {
        var run = StartApp(steps, ranks, appOptions, environment);
        run.WaitForExit(bound ?? TimeSpan.FromSeconds(150));
        return run;
    }

    /// <summary>A control command for the peer (tests/runtime/README.md, "Control commands").</summary>
    public void PeerCommand(string command)
    {
        _peer.StandardInput.WriteLine(command);
        _peer.StandardInput.Flush();
    }

    /// <summary>The peer's lines so far.</summary>
    public IReadOnlyList<string> PeerLines
    {
        get
        {
            lock (_peerLines)
            {
                return _peerLines.ToList();
            }
        }
    }

    public IReadOnlyList<string> PeerLinesStartingWith(string prefix) =>
        PeerLines.Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).ToList();

    public string WaitForPeerLine(Func<string, bool> match, TimeSpan bound)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < bound)
        {
            var found = PeerLines.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }
            if (_peer.HasExited)
            {
                break;
            }
            Thread.Sleep(10);
        }
        Assert.Fail($"the peer printed no expected line within {bound.TotalSeconds:F0} s:\n{string.Join("\n", PeerLines)}");
        return "";
    }

    /// <summary>Waits for the peer to end (it ends when every app disconnected); returns its exit code.</summary>
    public int WaitForPeer(TimeSpan? bound = null)
    {
        var limit = bound ?? TimeSpan.FromSeconds(30);
        if (!_peer.WaitForExit(limit))
        {
            PeerCommand("quit");
            if (!_peer.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                Kill(_peer);
            }
            Assert.Fail($"ref_peer did not end within {limit.TotalSeconds:F0} s:\n{string.Join("\n", PeerLines)}");
        }
        _peer.WaitForExit();
        return _peer.ExitCode;
    }

    /// <summary>FIFOs (or anything else) left in the pipe directory.</summary>
    public IReadOnlyList<string> LeftoverPipeFiles() =>
        Directory.EnumerateFileSystemEntries(PipeDir).Select(Path.GetFileName).Select(n => n!).ToList();

    /// <summary>Everything both sides printed, for a failure message.</summary>
    public string Transcript() =>
        "--- peer ---\n" + string.Join("\n", PeerLines) + "\n" +
        string.Join("\n", _apps.Select((a, i) => $"--- app {i} (exit {(a.HasExited ? a.ExitCode.ToString() : "running")}) ---\n{string.Join("\n", a.Lines)}"));

    public void Dispose()
    {
        foreach (var app in _apps)
        {
            Kill(app.Process);
        }
        if (!_peer.HasExited)
        {
            try { PeerCommand("quit"); } catch (IOException) { }
            if (!_peer.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                Kill(_peer);
            }
        }
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            TestContext.Out.WriteLine(Transcript());
        }
        try
        {
            Directory.Delete(WorkDir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static Process Launch(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment,
        List<string> lines, bool redirectInput)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start " + program);
        DataReceivedEventHandler collect = (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (lines)
                {
                    lines.Add(e.Data);
                }
            }
        };
        process.OutputDataReceived += collect;
        process.ErrorDataReceived += collect;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!redirectInput)
        {
            process.StandardInput.Close();
        }
        return process;
    }

    private static void Kill(Process process)
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
        }
    }
}

/// <summary>A running or finished ref_app (or mpirun of ref_apps) and its parsed output.</summary>
internal sealed partial class AppRun(Process process, List<string> lines)
{
    public Process Process { get; } = process;

    public bool HasExited => Process.HasExited;

    public int ExitCode => Process.ExitCode;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (lines)
            {
                return lines.ToList();
            }
        }
    }

    public void WaitForExit(TimeSpan bound)
    {
        if (!Process.WaitForExit(bound))
        {
            try { Process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            Assert.Fail($"ref_app did not end within {bound.TotalSeconds:F0} s:\n{string.Join("\n", Lines)}");
        }
        Process.WaitForExit();
    }

    /// <summary>
    /// The STEP lines, per rank: "STEP n step rc=.. key=value.. ms=..". Under mpirun --tag-output the rank
    /// comes from the "[job,rank]&lt;stdout&gt;:" prefix; a singleton is rank 0.
    /// </summary>
    public IReadOnlyList<StepResult> Steps => Lines.Select(StepResult.TryParse).Where(s => s is not null).Select(s => s!).ToList();

    public IReadOnlyList<StepResult> StepsOf(int rank) => Steps.Where(s => s.Rank == rank).ToList();

    /// <summary>The single STEP line of a rank whose step text is <paramref name="step"/> (the first if repeated).</summary>
    public StepResult Step(string step, int rank = 0)
    {
        var found = StepsOf(rank).FirstOrDefault(s => s.Step == step);
        Assert.That(found, Is.Not.Null, $"no STEP line for '{step}' on rank {rank}:\n{string.Join("\n", Lines)}");
        return found!;
    }

    /// <summary>Lines (prefix stripped) that start with <paramref name="prefix"/>, from any rank.</summary>
    public IReadOnlyList<string> LinesStartingWith(string prefix) =>
        Lines.Select(StripTag).Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).ToList();

    public static string StripTag(string line)
    {
        var match = TagPrefix().Match(line);
        return match.Success ? line[match.Length..] : line;
    }

    [GeneratedRegex(@"^\[\d+,(\d+)\]<std(?:out|err)>:")]
    internal static partial Regex TagPrefix();
}

/// <summary>One STEP line of ref_app.</summary>
internal sealed partial record StepResult(int Rank, int Index, string Step, int Rc, IReadOnlyDictionary<string, string> Fields)
{
    public string this[string key] => Fields.TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"STEP {Step} has no {key}=");

    public static StepResult? TryParse(string line)
    {
        var rank = 0;
        var tag = AppRun.TagPrefix().Match(line);
        if (tag.Success)
        {
            rank = int.Parse(tag.Groups[1].Value);
            line = line[tag.Length..];
        }
        var match = StepLine().Match(line);
        if (!match.Success)
        {
            return null;
        }
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match field in Field().Matches(match.Groups[3].Value))
        {
            fields[field.Groups[1].Value] = field.Groups[2].Value;
        }
        return new StepResult(rank, int.Parse(match.Groups[1].Value), match.Groups[2].Value, int.Parse(fields["rc"]), fields);
    }

    [GeneratedRegex(@"^STEP (\d+) (\S+) (.*)$")]
    private static partial Regex StepLine();

    [GeneratedRegex(@"(\w+)=(\S*)")]
    private static partial Regex Field();
}

/// <summary>Reads key=value fields of a peer or app line.</summary>
internal static partial class LineFields
{
    public static IReadOnlyDictionary<string, string> Parse(string line)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match field in Field().Matches(line))
        {
            fields[field.Groups[1].Value] = field.Groups[2].Value;
        }
        return fields;
    }

    [GeneratedRegex(@"(\w+)=(\S*)")]
    private static partial Regex Field();
}

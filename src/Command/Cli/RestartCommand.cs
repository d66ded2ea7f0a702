using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using NativeSnapc.Command.Diagnostics;
using NativeSnapc.Command.Restart;

namespace NativeSnapc.Command.Cli;

/// <summary>How a job is hosted, whichever way it starts.</summary>
internal sealed record JobOptions(TimeSpan? Interval, int? Keep, IPAddress Bind, int? CheckpointOn);

/// <summary>What `native-snapc restart` was asked.</summary>
internal sealed record RestartOptions(string Snapshot, int? Seq, TimeSpan? Interval, int? Keep, string Bind, int? CheckpointOn,
    IReadOnlyList<string> MpirunArguments);

/// <summary>
/// `native-snapc restart [--seq N] SNAPSHOT [-- MPIRUN_OPTIONS…]`, ompi-restart's part: the global snapshot's last
/// finished sequence (or N) is checked to be restartable, then the job runs again under a new global coordinator in
/// this process that goes on with the SAME snapshot (its next sequences follow the last one in its metadata), each
/// rank started by `mpirun -np &lt;ranks&gt; … native-snapc restart-rank`, which does opal-restart's part and execs the
/// program's restart command. The mpirun options (hosts, --oversubscribe, …) may differ from the first run's:
/// snapshots live in the shared snapshot directory, so the job may come back on other nodes.
/// </summary>
internal static class RestartCommand
{
    public static int Execute(RestartOptions options)
    {
        Log.Role = "restart";
        if (!IPAddress.TryParse(options.Bind, out var bind))
        {
            StandardStreams.Error.WriteLine($"native-snapc restart: --bind {options.Bind} is not an IP address");
            return ExitCodes.Usage;
        }
        var directory = GlobalSnapshot.Resolve(options.Snapshot, Environment.GetEnvironmentVariable("HOME") ?? Directory.GetCurrentDirectory());
        var plan = GlobalSnapshot.Plan(directory, options.Seq, out var error);
        if (plan is null)
        {
            StandardStreams.Error.WriteLine($"native-snapc restart: {error}");
            return ExitCodes.NotRestartable;
        }
        StandardStreams.Error.WriteLine($"native-snapc restart: restarting {plan.GlobalDirectory} from seq {plan.Seq} ({plan.Ranks} ranks)");
        return Launch("restart", plan, options.MpirunArguments, new JobOptions(options.Interval, options.Keep, bind, options.CheckpointOn));
    }

    /// <summary>The restarted job: one `restart-rank` per rank of the plan under mpirun, with <paramref name="mpirunOptions"/> (no program) in front.</summary>
    public static int Launch(string verb, RestartPlan plan, IReadOnlyList<string> mpirunOptions, JobOptions job)
    {
        if (!MpirunArguments.TryProcessCount(mpirunOptions, out var count, out var countError))
        {
            StandardStreams.Error.WriteLine($"native-snapc {verb}: {countError}");
            return ExitCodes.Usage;
        }
        if (count is { } asked && asked != plan.Ranks)
        {
            StandardStreams.Error.WriteLine($"native-snapc {verb}: seq {plan.Seq} of {plan.GlobalDirectory} holds {plan.Ranks} ranks, but mpirun is asked for {asked}: a job restarts with as many ranks as it was checkpointed with");
            return ExitCodes.Usage;
        }
        if (verb == "restart" && Interop.Libc.RealPath(plan.Program) is { } program && MpirunArguments.FindProgram(mpirunOptions, program) is var at and >= 0)
        {
            StandardStreams.Error.WriteLine($"native-snapc restart: \"{mpirunOptions[at]}\" is the snapshot's program: restart takes mpirun's options only, the program and its arguments come from the snapshot");
            return ExitCodes.Usage;
        }
        if (RunningJobWriting(plan.GlobalDirectory) is { } running)
        {
            StandardStreams.Error.WriteLine($"native-snapc {verb}: job {running} is running and checkpoints into {plan.GlobalDirectory}: end it first (native-snapc checkpoint --term {running})");
            return ExitCodes.NotRestartable;
        }
        var components = Installation.ComponentDirectory();
        var componentFile = Path.Combine(components, $"mca_crs_{plan.Component}.so");
        if (!File.Exists(componentFile))
        {
            StandardStreams.Error.WriteLine($"native-snapc {verb}: the snapshot was taken with checkpointer \"{plan.Component}\", but {componentFile} does not exist (set {Installation.ComponentDirectoryVariable} to the directory of native-snapc's MCA components)");
            return ExitCodes.NotRestartable;
        }
        var arguments = new List<string>();
        if (count is null)
        {
            arguments.AddRange(["-np", plan.Ranks.ToString(CultureInfo.InvariantCulture)]);
        }
        arguments.AddRange(mpirunOptions);
        arguments.AddRange([Installation.Self, "restart-rank", "--seq", plan.Seq.ToString(CultureInfo.InvariantCulture), "--component-dir", components, plan.GlobalDirectory]);
        var snapshotBase = Path.GetDirectoryName(plan.GlobalDirectory) ?? ".";
        return JobHost.Run(new JobSpec(verb, snapshotBase, plan.Reference, job.Interval, job.Keep, job.Bind, job.CheckpointOn, arguments, RanksRestart: true));
    }

    /// <summary>A running job of this user whose checkpoints go to <paramref name="globalDirectory"/> (its job file says so), or null.</summary>
    private static int? RunningJobWriting(string globalDirectory)
    {
        foreach (var job in Jobs.Running())
        {
            if (Links.JobFile.TryRead(Path.Combine(Jobs.RuntimeDirectory(job), Links.JobFile.FileName), out var file, out _)
                && string.Equals(Path.GetFullPath(file!.SnapshotDirectory), Path.GetFullPath(globalDirectory), StringComparison.Ordinal))
            {
                return job;
            }
        }
        return null;
    }
}

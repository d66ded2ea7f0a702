using System;
using System.CommandLine;
using System.Globalization;
using System.Linq;
using NativeSnapc.Interop;
using SubCommand = System.CommandLine.Command;

namespace NativeSnapc.Command.Cli;

/// <summary>The command's verbs and options (System.CommandLine), each verb handing over to its own class.</summary>
internal static class CommandLine
{
    public static int Run(string[] args)
    {
        var root = new RootCommand("native-snapc: checkpoint/restart for MPI jobs of a stock Open MPI 4.1 (snapc full, sstore central, CRS self)");
        var json = new Option<bool>("--json") { Description = "print the result as one JSON object" };

        var snapshots = new Option<string?>("--snapshots") { Description = "base directory of the global snapshots (default $HOME, as Open MPI's sstore_base_global_snapshot_dir)" };
        var interval = new Option<string?>("--interval") { Description = "checkpoint the job periodically, e.g. 30s, 10m, 1h" };
        var keep = new Option<int?>("--keep") { Description = "keep only the newest N finished sequences (the newest finished one is never removed)" };
        var bind = new Option<string>("--bind") { Description = "address the global coordinator listens on for the nodes (default 127.0.0.1; a node-reachable address for multi-node jobs)", DefaultValueFactory = _ => "127.0.0.1" };
        var checkpointOn = new Option<string?>("--checkpoint-on") { Description = "on this signal (e.g. USR1, as a batch system sends before the time limit) checkpoint the job and end it: exit 75 when the checkpoint finished, 76 when it failed" };
        var resume = new Option<bool>("--resume") { Description = "if --snapshots holds a restartable snapshot of this program, restart from its newest finished sequence instead of starting afresh" };
        var mpirunArguments = new Argument<string[]>("mpirun-arguments") { Description = "mpirun's arguments, after --", Arity = ArgumentArity.ZeroOrMore };
        var run = new SubCommand("run", "run an MPI job under mpirun with checkpointing: the global coordinator lives in this process") { snapshots, interval, keep, bind, checkpointOn, resume, mpirunArguments };
        run.SetAction(result =>
        {
            if (!JobOptionsFrom(result, "run", interval, keep, checkpointOn, out var every, out var signal))
            {
                return ExitCodes.Usage;
            }
            return RunCommand.Execute(new RunOptions(result.GetValue(snapshots), every, result.GetValue(keep), result.GetValue(bind)!, signal,
                result.GetValue(resume), result.GetValue(mpirunArguments) ?? []));
        });

        var seq = new Option<int?>("--seq") { Description = "the sequence to restart (default: the last finished one)" };
        var snapshot = new Argument<string>("snapshot") { Description = "the global snapshot: its directory, or its name under $HOME (e.g. ompi_global_snapshot_1234.ckpt)" };
        var restartArguments = new Argument<string[]>("mpirun-options") { Description = "mpirun's options, after -- (hosts, --oversubscribe…; -np defaults to the snapshot's ranks)", Arity = ArgumentArity.ZeroOrMore };
        var restart = new SubCommand("restart", "restart every rank of a checkpointed job from a global snapshot; its checkpoints go on in the same snapshot") { seq, interval, keep, bind, checkpointOn, snapshot, restartArguments };
        restart.SetAction(result =>
        {
            if (!JobOptionsFrom(result, "restart", interval, keep, checkpointOn, out var every, out var signal))
            {
                return ExitCodes.Usage;
            }
            if (result.GetValue(seq) is < 0)
            {
                StandardStreams.Error.WriteLine("native-snapc restart: --seq needs a sequence number (0 or more)");
                return ExitCodes.Usage;
            }
            return RestartCommand.Execute(new RestartOptions(result.GetValue(snapshot)!, result.GetValue(seq), every, result.GetValue(keep), result.GetValue(bind)!, signal,
                result.GetValue(restartArguments) ?? []));
        });

        var term = new Option<bool>("--term") { Description = "end the job once the checkpoint is taken" };
        var job = new Argument<int?>("job") { Description = "the job: the pid of its `native-snapc run` (optional when exactly one of your jobs runs)", Arity = ArgumentArity.ZeroOrOne };
        var checkpoint = new SubCommand("checkpoint", "checkpoint every rank of a running job; prints the global snapshot directory and the sequence") { term, json, job };
        checkpoint.SetAction(result => ControlClient.Checkpoint(result.GetValue(job), result.GetValue(term), result.GetValue(json)));

        var statusJob = new Argument<int?>("job") { Description = "the job (optional when exactly one runs)", Arity = ArgumentArity.ZeroOrOne };
        var status = new SubCommand("status", "the state of a running job: ranks, nodes, checkpoint state, last finished sequence") { json, statusJob };
        status.SetAction(result => ControlClient.Status(result.GetValue(statusJob), result.GetValue(json)));

        var directory = new Argument<string?>("directory") { Description = "a snapshot base directory or one global snapshot (default $HOME)", Arity = ArgumentArity.ZeroOrOne };
        var list = new SubCommand("list", "the global snapshots in a directory: sequences, finished or not, ranks, sizes, times") { json, directory };
        list.SetAction(result => ListCommand.Execute(result.GetValue(directory), result.GetValue(json)));

        root.Subcommands.Add(run);
        root.Subcommands.Add(restart);
        root.Subcommands.Add(checkpoint);
        root.Subcommands.Add(status);
        root.Subcommands.Add(list);
        // local and restart-rank (internal) are dispatched in Program before System.CommandLine.

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                StandardStreams.Error.WriteLine($"native-snapc: {error.Message}");
            }
            StandardStreams.Error.WriteLine("see native-snapc --help");
            return ExitCodes.Usage;
        }
        return parsed.Invoke(new InvocationConfiguration { Output = StandardStreams.Out, Error = StandardStreams.Error });
    }

    /// <summary>--interval, --keep and --checkpoint-on of run and restart, checked; false (with a message) on bad input.</summary>
    private static bool JobOptionsFrom(ParseResult result, string verb, Option<string?> interval, Option<int?> keep, Option<string?> checkpointOn,
        out TimeSpan? every, out int? signal)
    {
        every = null;
        signal = null;
        if (result.GetValue(interval) is { } text)
        {
            if (ParseDuration(text) is not { } parsed)
            {
                StandardStreams.Error.WriteLine($"native-snapc {verb}: --interval {text}: not a duration (e.g. 30s, 10m, 1h)");
                return false;
            }
            every = parsed;
        }
        if (result.GetValue(keep) is < 1)
        {
            StandardStreams.Error.WriteLine($"native-snapc {verb}: --keep needs at least 1");
            return false;
        }
        if (result.GetValue(checkpointOn) is { } name)
        {
            if (ParseSignal(name) is not { } number)
            {
                StandardStreams.Error.WriteLine($"native-snapc {verb}: --checkpoint-on {name}: not a signal a job can be checkpointed on (HUP, INT, QUIT, USR1, USR2, ALRM, TERM, XCPU)");
                return false;
            }
            signal = number;
        }
        return true;
    }

    /// <summary>"USR1", "SIGUSR1", "usr1" or its number: the signals a batch system sends before it ends a job, and the usual others; null otherwise.</summary>
    public static int? ParseSignal(string text)
    {
        var name = text.Trim().ToUpperInvariant();
        if (name.StartsWith("SIG", StringComparison.Ordinal))
        {
            name = name[3..];
        }
        var signals = new (string Name, int Number)[]
        {
            ("HUP", Libc.SIGHUP), ("INT", Libc.SIGINT), ("QUIT", Libc.SIGQUIT), ("USR1", Libc.SIGUSR1), ("USR2", Libc.SIGUSR2),
            ("ALRM", Libc.SIGALRM), ("TERM", Libc.SIGTERM), ("XCPU", Libc.SIGXCPU),
        };
        foreach (var (signalName, number) in signals)
        {
            if (name == signalName || name == number.ToString(CultureInfo.InvariantCulture))
            {
                return number;
            }
        }
        return null;
    }

    /// <summary>"90", "90s", "10m", "2h", "1.5h": a positive duration; null when it is not one.</summary>
    public static TimeSpan? ParseDuration(string text)
    {
        text = text.Trim();
        var unit = text.Length > 0 && char.IsLetter(text[^1]) ? char.ToLowerInvariant(text[^1]) : 's';
        var number = char.IsLetter(text.LastOrDefault()) ? text[..^1] : text;
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value <= 0 || double.IsInfinity(value))
        {
            return null;
        }
        return unit switch
        {
            's' => TimeSpan.FromSeconds(value),
            'm' => TimeSpan.FromMinutes(value),
            'h' => TimeSpan.FromHours(value),
            _ => null,
        };
    }
}

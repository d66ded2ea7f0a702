using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using NativeSnapc.Command.Diagnostics;
using NativeSnapc.Command.Restart;

namespace NativeSnapc.Command.Cli;

/// <summary>What `native-snapc run` was asked.</summary>
internal sealed record RunOptions(string? Snapshots, TimeSpan? Interval, int? Keep, string Bind, int? CheckpointOn, bool Resume,
    IReadOnlyList<string> MpirunArguments);

/// <summary>
/// `native-snapc run`: a job under mpirun with checkpointing (<see cref="JobHost"/>). With <c>--resume</c>, a job
/// whose program has a restartable global snapshot under <c>--snapshots</c> is restarted from it instead
/// (<see cref="FindResumable"/>), so a requeued batch script needs no logic of its own.
/// </summary>
internal static class RunCommand
{
    public static int Execute(RunOptions options)
    {
        Log.Role = "run";
        if (options.MpirunArguments.Count == 0)
        {
            StandardStreams.Error.WriteLine("native-snapc run: nothing to run; give mpirun's arguments after --, e.g. native-snapc run -- -np 4 ./app");
            return ExitCodes.Usage;
        }
        if (!IPAddress.TryParse(options.Bind, out var bind))
        {
            StandardStreams.Error.WriteLine($"native-snapc run: --bind {options.Bind} is not an IP address");
            return ExitCodes.Usage;
        }
        var snapshotBase = Path.GetFullPath(options.Snapshots ?? Environment.GetEnvironmentVariable("HOME") ?? Directory.GetCurrentDirectory());
        if (options.Resume)
        {
            var found = FindResumable(snapshotBase, options.MpirunArguments, out var programIndex);
            if (found is not null)
            {
                StandardStreams.Error.WriteLine($"native-snapc run --resume: resuming {found.GlobalDirectory} from seq {found.Seq} ({found.Ranks} ranks)");
                var mpirunOptions = options.MpirunArguments.Take(programIndex).ToList();
                return RestartCommand.Launch("run", found, mpirunOptions, new JobOptions(options.Interval, options.Keep, bind, options.CheckpointOn));
            }
            StandardStreams.Error.WriteLine($"native-snapc run --resume: no restartable snapshot of this program in {snapshotBase}; starting it afresh");
        }
        return JobHost.Run(new JobSpec("run", snapshotBase, null, options.Interval, options.Keep, bind, options.CheckpointOn, options.MpirunArguments, RanksRestart: false));
    }

    /// <summary>
    /// The snapshot a requeued job resumes from: among the global snapshots directly under
    /// <paramref name="snapshotBase"/>, those with a finished sequence whose recorded restart command runs the
    /// program the mpirun arguments start (the first argument naming that executable, by real path); of these the
    /// one whose metadata was written last. Null when there is none (start afresh). A snapshot whose newest
    /// finished sequence cannot be restarted (a rank's snapshot removed or torn) is passed over with a warning.
    /// </summary>
    public static RestartPlan? FindResumable(string snapshotBase, IReadOnlyList<string> mpirunArguments, out int programIndex)
    {
        programIndex = -1;
        RestartPlan? best = null;
        foreach (var directory in GlobalSnapshot.Under(snapshotBase))
        {
            var plan = GlobalSnapshot.Plan(directory, null, out var error);
            if (plan is null)
            {
                StandardStreams.Error.WriteLine($"native-snapc run --resume: passing over {directory}: {error}");
                continue;
            }
            var program = Interop.Libc.RealPath(plan.Program);
            var index = program is null ? -1 : MpirunArguments.FindProgram(mpirunArguments, program);
            if (index < 0)
            {
                Log.Verbose(2, $"--resume: skipping {directory}: its program {plan.Program} is not the one started here");
                continue;
            }
            if (best is null || plan.Finished > best.Finished)
            {
                best = plan;
                programIndex = index;
            }
        }
        return best;
    }
}

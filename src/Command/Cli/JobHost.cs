using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Threading;
using NativeSnapc.Command.Diagnostics;
using NativeSnapc.Command.Global;
using NativeSnapc.Command.Links;
using NativeSnapc.Command.Restart;
using NativeSnapc.Command.Store;
using NativeSnapc.Interop;

namespace NativeSnapc.Command.Cli;

/// <summary>How `run` and `restart` host a job.</summary>
/// <param name="Verb">"run" or "restart", for messages.</param>
/// <param name="SnapshotBase">The base directory of the global snapshots.</param>
/// <param name="Reference">The global snapshot the job's checkpoints go to; null: a new one named after the job.</param>
/// <param name="MpirunArguments">mpirun's arguments, complete (the runtime's own -x are put in front).</param>
/// <param name="RanksRestart">The ranks are `native-snapc restart-rank`: the activation library is handed to the restarted program, not preloaded into them.</param>
internal sealed record JobSpec(string Verb, string SnapshotBase, string? Reference, TimeSpan? Interval, int? Keep, IPAddress Bind,
    int? CheckpointOn, IReadOnlyList<string> MpirunArguments, bool RanksRestart);

/// <summary>
/// The `run` process of a job: the global coordinator and sstore/central's HNP side, the control socket, Debian's
/// mpirun with the runtime's variables in front of the arguments, SIGINT/SIGTERM passed on to mpirun, the interval
/// timer, `--keep`, `--checkpoint-on`; mpirun's exit status returned (docs/runtime.md lists the others).
/// </summary>
internal static class JobHost
{
    public static int Run(JobSpec spec)
    {
        var jobId = Environment.ProcessId;
        var runtimeDirectory = Jobs.RuntimeDirectory(jobId);
        if (Jobs.SocketPathProblem(runtimeDirectory) is { } tooLong)
        {
            StandardStreams.Error.WriteLine($"native-snapc {spec.Verb}: {tooLong}");
            return ExitCodes.RunSetupFailed;
        }
        if (PrepareRuntimeDirectory(runtimeDirectory) is { } dirError)
        {
            StandardStreams.Error.WriteLine($"native-snapc {spec.Verb}: {dirError}");
            return ExitCodes.RunSetupFailed;
        }
        SnapshotStore store;
        try
        {
            Directory.CreateDirectory(spec.SnapshotBase);
            store = new SnapshotStore(spec.SnapshotBase, spec.Reference ?? SnapshotStore.DefaultReference(jobId));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            StandardStreams.Error.WriteLine($"native-snapc {spec.Verb}: cannot use the snapshot directory {spec.SnapshotBase}: {e.Message}");
            return ExitCodes.RunSetupFailed;
        }

        Process? mpirun = null;
        var terminatedByUs = 0;
        var secret = RandomNumberGenerator.GetBytes(32);
        GlobalServer server;
        try
        {
            server = new GlobalServer(spec.Bind, secret, store, GlobalSettings.Default, () =>
            {
                Interlocked.Exchange(ref terminatedByUs, 1);
                if (mpirun is { } process)
                {
                    Libc.Kill(process.Id, Libc.SIGTERM);
                }
            });
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException)
        {
            StandardStreams.Error.WriteLine($"native-snapc {spec.Verb}: cannot listen on {spec.Bind}: {e.Message}");
            return ExitCodes.RunSetupFailed;
        }
        if (spec.Keep is { } keep)
        {
            server.Coordinator.SequenceFinished = _ =>
            {
                foreach (var removed in store.Prune(keep))
                {
                    Log.Info($"--keep {keep}: removed seq {removed}");
                }
            };
        }
        var jobFilePath = Path.Combine(runtimeDirectory, JobFile.FileName);
        ControlServer control;
        try
        {
            new JobFile(jobId, server.EndPoint, secret, store.GlobalDirectory).Write(jobFilePath);
            control = new ControlServer(runtimeDirectory, server.Coordinator, jobId);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Net.Sockets.SocketException or ArgumentException)
        {
            StandardStreams.Error.WriteLine($"native-snapc {spec.Verb}: cannot set up {runtimeDirectory}: {e.Message}");
            server.Dispose();
            return ExitCodes.RunSetupFailed;
        }
        server.Start();
        control.Start();
        StandardStreams.Error.WriteLine($"native-snapc: job {jobId}, snapshots in {store.GlobalDirectory}");

        var arguments = new List<string>();
        if (Installation.ActivationLibrary() is { } library)
        {
            // A restarted rank is native-snapc itself until it execs the program: the program gets the preload then.
            arguments.AddRange(["-x", spec.RanksRestart ? $"{RestartRankCommand.PreloadVariable}={library}" : $"LD_PRELOAD={library}"]);
        }
        arguments.AddRange(["-x", $"NATIVE_SNAPC_RUNTIME_DIR={runtimeDirectory}", "-x", $"NATIVE_SNAPC_COMMAND={Installation.Self}", "-x", $"NATIVE_SNAPC_JOB_FILE={jobFilePath}"]);
        arguments.AddRange(spec.MpirunArguments);
        var prestart = Local.LocalPrestart.Begin(runtimeDirectory, jobFilePath, spec.MpirunArguments);
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("NATIVE_SNAPC_MPIRUN") is { Length: > 0 } m ? m : "mpirun") { UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // --checkpoint-on: the first signal takes a term checkpoint (the coordinator ends the job once it is
        // finished); a failed one ends the job too. A second signal while it runs ends the job at once.
        var signalled = 0;
        CheckpointOutcome? signalOutcome = null;
        void CheckpointOnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            if (Interlocked.Exchange(ref signalled, 1) == 1)
            {
                Log.Info($"signal {(int)context.Signal} again: ending the job now");
                Interlocked.Exchange(ref terminatedByUs, 1);
                server.Coordinator.ExpectJobEnd();
                if (mpirun is { } again)
                {
                    Libc.Kill(again.Id, Libc.SIGTERM);
                }
                return;
            }
            Log.Info($"signal {(int)context.Signal}: checkpointing job {jobId}, then ending it (--checkpoint-on)");
            server.Coordinator.RequestCheckpoint(true, outcome =>
            {
                signalOutcome = outcome;
                if (outcome.Succeeded)
                {
                    Log.Info($"checkpoint seq {outcome.Seq} finished; the job ends (resume it with --resume or native-snapc restart {store.GlobalDirectory})");
                    return; // the coordinator ends the job (term)
                }
                Log.Error($"the checkpoint on signal failed ({outcome.Error}); ending the job anyway");
                Interlocked.Exchange(ref terminatedByUs, 1);
                server.Coordinator.ExpectJobEnd();
                if (mpirun is { } process)
                {
                    Libc.Kill(process.Id, Libc.SIGTERM);
                }
            });
        }

        using var interrupt = spec.CheckpointOn == Libc.SIGINT ? null : PosixSignalRegistration.Create(PosixSignal.SIGINT, Forward);
        using var terminate = spec.CheckpointOn == Libc.SIGTERM ? null : PosixSignalRegistration.Create(PosixSignal.SIGTERM, Forward);
        using var checkpointOn = spec.CheckpointOn is { } signo ? PosixSignalRegistration.Create((PosixSignal)signo, CheckpointOnSignal) : null;
        try
        {
            mpirun = Process.Start(start);
        }
        catch (Win32Exception e)
        {
            StandardStreams.Error.WriteLine($"native-snapc {spec.Verb}: cannot start {start.FileName}: {e.Message}");
            prestart?.Wait();
            Shutdown(server, control, runtimeDirectory);
            return ExitCodes.MpirunNotStarted;
        }
        if (mpirun is null)
        {
            prestart?.Wait();
            Shutdown(server, control, runtimeDirectory);
            return ExitCodes.MpirunNotStarted;
        }

        using var stopInterval = new CancellationTokenSource();
        if (spec.Interval is { } interval)
        {
            new Thread(() => Periodic(server.Coordinator, interval, stopInterval.Token)) { IsBackground = true, Name = "interval" }.Start();
        }
        mpirun.WaitForExit();
        stopInterval.Cancel();
        var status = mpirun.ExitCode;
        server.Coordinator.EndJob($"the job ended (mpirun exit status {status})");
        prestart?.Wait();
        Shutdown(server, control, runtimeDirectory);
        if (Volatile.Read(ref terminatedByUs) == 0)
        {
            return status;
        }
        if (Volatile.Read(ref signalled) == 1)
        {
            if (signalOutcome is { Succeeded: true } done)
            {
                StandardStreams.Error.WriteLine($"native-snapc: job {jobId} checkpointed (seq {done.Seq} of {done.GlobalDirectory}) and stopped on signal {spec.CheckpointOn}");
                return ExitCodes.CheckpointedAndStopped;
            }
            StandardStreams.Error.WriteLine($"native-snapc: job {jobId} stopped on signal {spec.CheckpointOn}; its checkpoint failed ({signalOutcome?.Error ?? "not taken"})");
            return ExitCodes.StoppedWithoutCheckpoint;
        }
        StandardStreams.Error.WriteLine($"native-snapc: job {jobId} ended after its term checkpoint");
        return ExitCodes.Ok;

        void Forward(PosixSignalContext context)
        {
            context.Cancel = true;
            if (mpirun is { } process)
            {
                Libc.Kill(process.Id, (int)context.Signal == (int)PosixSignal.SIGINT ? Libc.SIGINT : Libc.SIGTERM);
            }
        }
    }

    private static void Periodic(GlobalCoordinator coordinator, TimeSpan interval, CancellationToken stop)
    {
        while (!stop.WaitHandle.WaitOne(interval))
        {
            coordinator.RequestCheckpoint(false, outcome =>
            {
                if (!outcome.Succeeded)
                {
                    Log.Error($"periodic checkpoint failed: {outcome.Error}");
                }
            });
        }
    }

    private static void Shutdown(GlobalServer server, ControlServer control, string runtimeDirectory)
    {
        control.Dispose();
        server.Dispose();
        if (Environment.GetEnvironmentVariable("NATIVE_SNAPC_KEEP_RUNTIME_DIR") != "1")
        {
            // The local coordinators leave once the global link closes; give them a moment to remove their sockets.
            Thread.Sleep(300);
            try
            {
                Directory.Delete(runtimeDirectory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Log.Verbose(1, $"cannot remove {runtimeDirectory}: {e.Message}");
            }
        }
    }

    /// <summary>The job's runtime directory and its parent, created 0700 and checked to be the user's own.</summary>
    private static string? PrepareRuntimeDirectory(string path)
    {
        foreach (var directory in new[] { Path.GetDirectoryName(path)!, path })
        {
            try
            {
                if (!Directory.Exists(directory))
                {
                    Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return $"cannot create {directory}: {e.Message}";
            }
            if (Local.NodeDirectory.Check(directory) is { } problem)
            {
                return problem;
            }
        }
        return null;
    }
}

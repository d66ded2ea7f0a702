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
using NativeSnapc.Command.Interop;
using NativeSnapc.Command.Links;
using NativeSnapc.Command.Store;

namespace NativeSnapc.Command.Cli;

/// <summary>What `native-snapc run` was asked.</summary>
internal sealed record RunOptions(string? Snapshots, TimeSpan? Interval, int? Keep, string Bind, IReadOnlyList<string> MpirunArguments);

/// <summary>
/// `native-snapc run`: the global coordinator and sstore/central's HNP side for one job, then Debian's mpirun with
/// the runtime's variables in front of the user's arguments (never parsed), SIGINT/SIGTERM passed on to mpirun,
/// and mpirun's exit status returned.
/// </summary>
internal static class RunCommand
{
    public static int Execute(RunOptions options)
    {
        Log.Role = "run";
        var jobId = Environment.ProcessId;
        if (options.MpirunArguments.Count == 0)
        {
            Console.Error.WriteLine("native-snapc run: nothing to run; give mpirun's arguments after --, e.g. native-snapc run -- -np 4 ./app");
            return ExitCodes.Usage;
        }
        if (!IPAddress.TryParse(options.Bind, out var bind))
        {
            Console.Error.WriteLine($"native-snapc run: --bind {options.Bind} is not an IP address");
            return ExitCodes.Usage;
        }

        var runtimeDirectory = Jobs.RuntimeDirectory(jobId);
        if (PrepareRuntimeDirectory(runtimeDirectory) is { } dirError)
        {
            Console.Error.WriteLine($"native-snapc run: {dirError}");
            return ExitCodes.RunSetupFailed;
        }
        var snapshotBase = options.Snapshots ?? Environment.GetEnvironmentVariable("HOME") ?? Directory.GetCurrentDirectory();
        SnapshotStore store;
        try
        {
            Directory.CreateDirectory(snapshotBase);
            store = new SnapshotStore(snapshotBase, SnapshotStore.DefaultReference(jobId));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"native-snapc run: cannot use the snapshot directory {snapshotBase}: {e.Message}");
            return ExitCodes.RunSetupFailed;
        }

        Process? mpirun = null;
        var terminatedByUs = 0;
        var secret = RandomNumberGenerator.GetBytes(32);
        GlobalServer server;
        try
        {
            server = new GlobalServer(bind, secret, store, GlobalSettings.Default, () =>
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
            Console.Error.WriteLine($"native-snapc run: cannot listen on {bind}: {e.Message}");
            return ExitCodes.RunSetupFailed;
        }
        if (options.Keep is { } keep)
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
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Net.Sockets.SocketException)
        {
            Console.Error.WriteLine($"native-snapc run: cannot set up {runtimeDirectory}: {e.Message}");
            server.Dispose();
            return ExitCodes.RunSetupFailed;
        }
        server.Start();
        control.Start();
        Console.Error.WriteLine($"native-snapc: job {jobId}, snapshots in {store.GlobalDirectory}");

        var arguments = new List<string>();
        var self = Environment.ProcessPath ?? "native-snapc";
        if (ActivationLibrary(self) is { } library)
        {
            arguments.AddRange(["-x", $"LD_PRELOAD={library}"]);
        }
        arguments.AddRange(["-x", $"NATIVE_SNAPC_RUNTIME_DIR={runtimeDirectory}", "-x", $"NATIVE_SNAPC_COMMAND={self}", "-x", $"NATIVE_SNAPC_JOB_FILE={jobFilePath}"]);
        arguments.AddRange(options.MpirunArguments);
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("NATIVE_SNAPC_MPIRUN") is { Length: > 0 } m ? m : "mpirun") { UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Forward);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Forward);
        try
        {
            mpirun = Process.Start(start);
        }
        catch (Win32Exception e)
        {
            Console.Error.WriteLine($"native-snapc run: cannot start {start.FileName}: {e.Message}");
            Shutdown(server, control, runtimeDirectory);
            return ExitCodes.MpirunNotStarted;
        }
        if (mpirun is null)
        {
            Shutdown(server, control, runtimeDirectory);
            return ExitCodes.MpirunNotStarted;
        }

        using var stopInterval = new CancellationTokenSource();
        if (options.Interval is { } interval)
        {
            new Thread(() => Periodic(server.Coordinator, interval, stopInterval.Token)) { IsBackground = true, Name = "interval" }.Start();
        }
        mpirun.WaitForExit();
        stopInterval.Cancel();
        var status = mpirun.ExitCode;
        Shutdown(server, control, runtimeDirectory);
        if (Volatile.Read(ref terminatedByUs) == 1)
        {
            Console.Error.WriteLine($"native-snapc: job {jobId} ended after its term checkpoint");
            return ExitCodes.Ok;
        }
        return status;

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

    /// <summary>
    /// The activation library the ranks preload: NATIVE_SNAPC_ACTIVATION_LIBRARY when set (empty: none), else
    /// <c>&lt;prefix&gt;/lib/libnative_snapc_mpi.so</c> beside <c>&lt;prefix&gt;/bin/native-snapc</c>; null (with a
    /// warning) when it is not there, so the program still runs.
    /// </summary>
    public static string? ActivationLibrary(string self)
    {
        var configured = Environment.GetEnvironmentVariable("NATIVE_SNAPC_ACTIVATION_LIBRARY");
        if (configured is not null)
        {
            return configured.Length == 0 ? null : Path.GetFullPath(configured);
        }
        var candidate = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(self) ?? ".", "..", "lib", "libnative_snapc_mpi.so"));
        if (File.Exists(candidate))
        {
            return candidate;
        }
        Console.Error.WriteLine($"native-snapc: warning: no activation library at {candidate}; ranks checkpoint only if the program links it (set NATIVE_SNAPC_ACTIVATION_LIBRARY)");
        return null;
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

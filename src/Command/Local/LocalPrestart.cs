using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;
using NativeSnapc.Command.Diagnostics;
using NativeSnapc.Interop;

namespace NativeSnapc.Command.Local;

/// <summary>
/// `run` starts the local coordinator of its own node while mpirun starts the ranks, so that the ranks there find
/// it answering in MPI_Init instead of one of them starting it (docs/runtime.md, "Starting the local
/// coordinators"). It holds the ranks' launch lock meanwhile: a rank that finds no socket yet waits for it rather
/// than starting a second starter. Skipped when mpirun's arguments may set a parameter the local coordinator reads
/// from the ranks' environment — then a rank starts it with that environment, as on every other node.
/// </summary>
internal sealed class LocalPrestart
{
    /// <summary>The library's launch lock (Channels/Node/LocalCoordinatorLauncher.LaunchLockName).</summary>
    public const string LaunchLockName = "launch.lock";

    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(35);

    /// <summary>What in mpirun's arguments can reach the local coordinator's settings through the ranks' environment.</summary>
    private static readonly string[] SettingsMentions = ["opal_cr_signal", "snapc_full_", "-tune", "-am"];

    private readonly Thread _thread;

    private LocalPrestart(Thread thread) => _thread = thread;

    /// <summary>Starts the local coordinator of this node in the background, or returns null (and says why at verbose 1).</summary>
    public static LocalPrestart? Begin(string runtimeDirectory, string jobFile, IReadOnlyList<string> mpirunArguments)
    {
        foreach (var argument in mpirunArguments)
        {
            foreach (var mention in SettingsMentions)
            {
                if (argument.Contains(mention, StringComparison.Ordinal))
                {
                    Log.Verbose(1, $"the ranks start their local coordinators: mpirun's argument {argument} may change their settings");
                    return null;
                }
            }
        }
        if (Libc.GetHostName() is not { } host)
        {
            return null;
        }
        var nodeDirectory = Path.Combine(runtimeDirectory, host);
        if (NodeDirectory.Prepare(nodeDirectory) is { } problem)
        {
            Log.Verbose(1, $"the ranks start their local coordinators: {problem}");
            return null;
        }
        if (Libc.Open(Path.Combine(nodeDirectory, LaunchLockName), Libc.O_RDWR | Libc.O_CREAT | Libc.O_CLOEXEC | Libc.O_NOFOLLOW, out var lockFd, 0x180).IsError)
        {
            return null;
        }
        if (Libc.Flock(lockFd, Libc.LOCK_EX | Libc.LOCK_NB).IsError)
        {
            Libc.Close(lockFd);
            return null;
        }
        var thread = new Thread(() => StartHolding(lockFd, jobFile, nodeDirectory)) { IsBackground = true, Name = "local prestart" };
        thread.Start();
        return new LocalPrestart(thread);
    }

    /// <summary>Waits (bounded) until the start is over, so that no starter outlives the job's teardown.</summary>
    public void Wait() => _thread.Join(StartBound);

    private static void StartHolding(int lockFd, string jobFile, string nodeDirectory)
    {
        try
        {
            // The starter returns once the coordinator listens; its own errors go to stderr, the coordinator's to local.log.
            var start = new ProcessStartInfo(Cli.Installation.Self) { UseShellExecute = false };
            foreach (var argument in new[] { "local", "--job-file", jobFile, "--node-dir", nodeDirectory })
            {
                start.ArgumentList.Add(argument);
            }
            using var starter = Process.Start(start);
            if (starter is null)
            {
                return;
            }
            if (!starter.WaitForExit(StartBound))
            {
                Log.Error($"the local coordinator of {nodeDirectory} did not start within {StartBound.TotalSeconds:0} s; the ranks will try");
                return;
            }
            if (starter.ExitCode != 0)
            {
                Log.Verbose(1, $"the local coordinator of {nodeDirectory} did not start (exit {starter.ExitCode}); the ranks will try");
            }
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            Log.Verbose(1, $"cannot start the local coordinator of {nodeDirectory}: {e.Message}; the ranks will try");
        }
        finally
        {
            Libc.Close(lockFd);
        }
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using NativeSnapc.Channels.Fifo;
using NativeSnapc.Interop;

namespace NativeSnapc.Channels.Node;

/// <summary>
/// Reaches the node's local coordinator, starting it when none answers (docs/runtime.md): of the ranks of a node that
/// find none, the one that takes the launch lock runs <c>native-snapc local</c> (which detaches the coordinator and
/// exits once it listens) while the others wait for it to answer; every rank connects within the bound. Without a
/// command to start, only connecting is tried.
/// </summary>
internal static unsafe class LocalCoordinatorLauncher
{
    /// <summary>Between looks at the socket while another rank starts the local coordinator.</summary>
    private const long RetryPauseNanoseconds = 2_000_000;

    /// <summary>Held by the rank that starts the local coordinator, so that one rank of a node starts it, not all.</summary>
    public const string LaunchLockName = "launch.lock";

    /// <param name="command">The native-snapc executable, or null: connect only.</param>
    /// <param name="jobFile">The job file the local coordinator reads (address and secret of the global coordinator).</param>
    public static ChannelResult Connect(string nodeDirectory, string? command, string? jobFile, TimeSpan bound, out NodeConnection? connection)
    {
        var socket = Path.Combine(nodeDirectory, NodeDirectory.SocketName);
        var deadline = Deadline.After(bound);
        var started = false;
        while (true)
        {
            var last = NodeConnection.Connect(socket, out connection);
            if (last.Ok || last.Failure != ChannelFailure.PeerGone)
            {
                return last;
            }
            if (command is null)
            {
                return ChannelResult.Fail(ChannelFailure.PeerGone,
                    $"no local coordinator answers on {socket} ({last.Detail}), and NATIVE_SNAPC_COMMAND is not set to start one");
            }
            if (!started && TryTakeLaunchLock(nodeDirectory, out var lockFd))
            {
                // Looked at again under the lock: the rank that held it before may have just started one.
                last = NodeConnection.Connect(socket, out connection);
                if (last.Ok || last.Failure != ChannelFailure.PeerGone)
                {
                    ReleaseLaunchLock(lockFd);
                    return last;
                }
                started = true;
                var spawned = SpawnAndWait(nodeDirectory, command, jobFile, deadline);
                ReleaseLaunchLock(lockFd);
                if (!spawned.Ok)
                {
                    return spawned;
                }
                continue;
            }
            if (deadline.Expired)
            {
                return ChannelResult.Fail(ChannelFailure.TimedOut,
                    $"no local coordinator answered on {socket} within {bound.TotalSeconds:0.###} s (its log: {Path.Combine(nodeDirectory, NodeDirectory.LogName)})");
            }
            var pause = new Libc.TimeSpec { tv_sec = 0, tv_nsec = RetryPauseNanoseconds };
            Libc.NanoSleep(&pause, null);
        }
    }

    /// <summary>The launch lock without waiting; false while another rank holds it (or it cannot be had at all).</summary>
    private static bool TryTakeLaunchLock(string nodeDirectory, out int lockFd)
    {
        var path = new NativePath(Path.Combine(nodeDirectory, LaunchLockName));
        var opened = Libc.OpenCreate(path, Libc.O_RDWR | Libc.O_CREAT | Libc.O_CLOEXEC | Libc.O_NOFOLLOW, 0x180, out lockFd);
        if (opened.IsError)
        {
            // No lock to be had (a read-only node directory?): starting without one is still right.
            lockFd = -1;
            return true;
        }
        if (Libc.Flock(lockFd, Libc.LOCK_EX | Libc.LOCK_NB).IsError)
        {
            Libc.Close(lockFd);
            lockFd = -1;
            return false;
        }
        return true;
    }

    private static void ReleaseLaunchLock(int lockFd)
    {
        if (lockFd >= 0)
        {
            Libc.Close(lockFd);
        }
    }

    private static ChannelResult SpawnAndWait(string nodeDirectory, string command, string? jobFile, Deadline deadline)
    {
        var argv = new List<string> { command, "local", "--node-dir", nodeDirectory };
        if (jobFile is not null)
        {
            argv.Add("--job-file");
            argv.Add(jobFile);
        }
        var log = Path.Combine(nodeDirectory, NodeDirectory.LogName);
        var rc = Spawn(argv, log, out var pid);
        if (rc != 0)
        {
            return ChannelResult.Fail(ChannelFailure.SystemError, $"cannot start the local coordinator {command}: {ErrorInfo.Describe(rc)}", rc);
        }
        while (true)
        {
            var waited = Libc.WaitPidNoHang(pid, out var ended, out var exitCode);
            if (waited.IsError)
            {
                return ChannelResult.Fail(ChannelFailure.SystemError, $"cannot wait for the local coordinator (pid {pid}): {waited.Message}", waited.RawErrno);
            }
            if (ended == pid)
            {
                return exitCode == 0
                    ? ChannelResult.Success
                    : ChannelResult.Fail(ChannelFailure.Refused, $"the local coordinator {command} did not start (exit {exitCode}); see {log}");
            }
            if (deadline.Expired)
            {
                // It goes on starting, or hangs: either way it is not this rank's child to wait for any longer.
                return ChannelResult.Fail(ChannelFailure.TimedOut, $"the local coordinator (pid {pid}) did not report that it listens; see {log}");
            }
            var pause = new Libc.TimeSpec { tv_sec = 0, tv_nsec = 5_000_000 };
            Libc.NanoSleep(&pause, null);
        }
    }

    /// <summary>posix_spawn of <paramref name="argv"/> in a session of its own, output to <paramref name="log"/>; 0 or an errno value.</summary>
    private static int Spawn(IReadOnlyList<string> argv, string log, out int pid)
    {
        pid = 0;
        var strings = new List<byte[]>(argv.Count);
        foreach (var word in argv)
        {
            strings.Add(Encoding.UTF8.GetBytes(word + "\0"));
        }
        var logBytes = Encoding.UTF8.GetBytes(log + "\0");
        var handles = new System.Runtime.InteropServices.GCHandle[strings.Count];
        var array = stackalloc byte*[strings.Count + 1];
        try
        {
            for (var i = 0; i < strings.Count; i++)
            {
                handles[i] = System.Runtime.InteropServices.GCHandle.Alloc(strings[i], System.Runtime.InteropServices.GCHandleType.Pinned);
                array[i] = (byte*)handles[i].AddrOfPinnedObject();
            }
            array[strings.Count] = null;
            fixed (byte* logPath = logBytes)
            {
                int child;
                var rc = Shim.SpawnDetached(&child, array, logPath);
                pid = child;
                return rc;
            }
        }
        finally
        {
            foreach (var handle in handles)
            {
                if (handle.IsAllocated)
                {
                    handle.Free();
                }
            }
        }
    }
}

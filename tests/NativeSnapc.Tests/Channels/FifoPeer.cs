using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using Mono.Unix.Native;
using NUnit.Framework;

namespace NativeSnapc.Tests.Channels;

/// <summary>
/// The local coordinator's end of the two FIFOs, in the test process (docs/protocol.md#local-coordinator-checklist,
/// steps 2-7): it waits for both files, opens FIFO A (the app's read FIFO) for writing, then FIFO B (the app's write
/// FIFO) for reading. Unlike snapc_full_local.c its opens and reads never block without bound (O_NONBLOCK plus poll),
/// so a broken application side fails a test instead of hanging it; the app sees the same thing (a writer on A, a
/// reader on B). <see cref="PeerProcess"/> is the blocking, separate-process version.
/// </summary>
internal sealed unsafe class FifoPeer : IDisposable
{
    private int _toApp;
    private int _fromApp;

    private FifoPeer(int toApp, int fromApp)
    {
        _toApp = toApp;
        _fromApp = fromApp;
    }

    /// <summary>When this peer closed both ends (its death, as the application should see it).</summary>
    public long ClosedAt { get; private set; }

    /// <summary>Polls for both files every 1 ms, then opens A O_WRONLY and B O_RDONLY (steps 3-4).</summary>
    public static FifoPeer Join(string appReadPath, string appWritePath, TimeSpan bound)
    {
        var start = Stopwatch.GetTimestamp();
        while (!Exists(appReadPath) || !Exists(appWritePath))
        {
            if (Stopwatch.GetElapsedTime(start) > bound)
            {
                throw new TimeoutException($"the application never created {appReadPath} and {appWritePath}");
            }
            Thread.Sleep(1);
        }
        var toApp = OpenRetryingNoReader(appReadPath, OpenFlags.O_WRONLY | OpenFlags.O_NONBLOCK | OpenFlags.O_CLOEXEC, start, bound);
        var fromApp = Syscall.open(appWritePath, OpenFlags.O_RDONLY | OpenFlags.O_NONBLOCK | OpenFlags.O_CLOEXEC);
        if (fromApp < 0)
        {
            Syscall.close(toApp);
            throw new IOException($"peer: open({appWritePath}, O_RDONLY) failed: {Stdlib.GetLastError()}");
        }
        return new FifoPeer(toApp, fromApp);
    }

    /// <summary><see cref="Join"/> on a thread of its own, as a real peer runs beside the application.</summary>
    public static System.Threading.Tasks.Task<FifoPeer> JoinInBackground(string appReadPath, string appWritePath, TimeSpan bound) =>
        System.Threading.Tasks.Task.Factory.StartNew(() => Join(appReadPath, appWritePath, bound), System.Threading.Tasks.TaskCreationOptions.LongRunning);

    private static int OpenRetryingNoReader(string path, OpenFlags flags, long start, TimeSpan bound)
    {
        while (true)
        {
            var fd = Syscall.open(path, flags);
            if (fd >= 0)
            {
                return fd;
            }
            var error = Stdlib.GetLastError();
            if (error != Errno.ENXIO || Stopwatch.GetElapsedTime(start) > bound)
            {
                throw new IOException($"peer: open({path}, {flags}) failed: {error}");
            }
            Thread.Sleep(1);
        }
    }

    private static bool Exists(string path) => Syscall.access(path, AccessModes.F_OK) == 0;

    /// <summary>Step 5: the six option ints (all 0 unless given) and the sstore handle.</summary>
    public void WriteOptions(uint handle, int allMigrating = 0, int migrating = 0, int term = 0, int stop = 0, int incPrepOnly = 0, int incRecoverOnly = 0)
    {
        foreach (var option in new[] { allMigrating, migrating, term, stop, incPrepOnly, incRecoverOnly })
        {
            WriteInt(option);
        }
        WriteInt(unchecked((int)handle));
    }

    public void WriteInt(int value) => WriteBytes(BitConverter.GetBytes(value));

    public void WriteBytes(byte[] bytes)
    {
        fixed (byte* p = bytes)
        {
            var written = Syscall.write(_toApp, p, (ulong)bytes.Length);
            Assert.That(written, Is.EqualTo(bytes.Length), () => $"peer: write to the app failed: {Stdlib.GetLastError()}");
        }
    }

    /// <summary>Reads one native-endian int the application wrote, waiting at most <paramref name="bound"/>.</summary>
    public int ReadInt(TimeSpan bound)
    {
        var value = 0;
        var got = 0;
        var start = Stopwatch.GetTimestamp();
        var fds = new[] { new Pollfd { fd = _fromApp, events = PollEvents.POLLIN } };
        while (got < sizeof(int))
        {
            var left = bound - Stopwatch.GetElapsedTime(start);
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"peer: the application wrote {got} of 4 bytes within {bound}");
            }
            fds[0].revents = 0;
            Syscall.poll(fds, 1, (int)Math.Ceiling(left.TotalMilliseconds));
            var n = Syscall.read(_fromApp, (byte*)&value + got, (ulong)(sizeof(int) - got));
            if (n == 0)
            {
                throw new EndOfStreamException("peer: the application closed its write FIFO");
            }
            if (n > 0)
            {
                got += (int)n;
            }
        }
        return value;
    }

    /// <summary>Closes both ends: to the application this is the local coordinator's death.</summary>
    public void CloseBoth()
    {
        var toApp = Interlocked.Exchange(ref _toApp, -1);
        var fromApp = Interlocked.Exchange(ref _fromApp, -1);
        if (toApp >= 0)
        {
            Syscall.close(toApp);
        }
        if (fromApp >= 0)
        {
            Syscall.close(fromApp);
        }
        ClosedAt = Stopwatch.GetTimestamp();
    }

    public void Dispose() => CloseBoth();
}

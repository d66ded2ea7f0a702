using System;
using System.Diagnostics;
using System.Threading;
using NativeSnapc.Command.Diagnostics;
using NativeSnapc.Interop;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Command.Local;

/// <summary>
/// The daemon's side of one rank's FIFO handshake (snapc_full_local.c Pass 3-5, the read event and the release),
/// on a thread of its own so that every rank of the node is handled at once. Every wait is bounded and polled in
/// short slices, so a release or an abort is seen quickly. The FIFOs are opened non-blocking: the first (A, ours to
/// write) exists open for reading once the rank created the second (it opens A O_RDWR before it creates B); B is
/// ours to read and shows POLLHUP only once a writer came and went, so before the rank opened it nothing is
/// mistaken for a death, and after it a dead rank is seen at once (the rank never sees EOF on A, which it holds
/// O_RDWR: it learns of our end by POLLHUP on B, so the release is written before both ends are closed).
/// </summary>
internal sealed unsafe class FifoHandshake : IHandshake
{
    private const int SliceMilliseconds = 100;
    private readonly HandshakeRequest _request;
    private readonly IHandshakeEvents _events;
    private readonly LocalSettings _settings;
    private readonly ManualResetEventSlim _wake = new(false);
    private volatile int _command; // 0 none, 1 release, 2 abort
    private string _abortReason = "aborted";
    private int _fdA = -1;
    private int _fdB = -1;

    private readonly ErrorInfo _signalled;
    private readonly FifoArrivals? _arrivals;

    private FifoHandshake(HandshakeRequest request, ErrorInfo signalled, FifoArrivals? arrivals, IHandshakeEvents events, LocalSettings settings)
    {
        _request = request;
        _signalled = signalled;
        _arrivals = arrivals;
        _events = events;
        _settings = settings;
    }

    /// <summary>The handshake after the signal (Pass 2), which the caller sent and whose result it passes.</summary>
    public static FifoHandshake Start(HandshakeRequest request, ErrorInfo signalled, FifoArrivals? arrivals, IHandshakeEvents events, LocalSettings settings)
    {
        var handshake = new FifoHandshake(request, signalled, arrivals, events, settings);
        // A small stack: one of these per rank of the node, and a handshake needs little.
        var thread = new Thread(handshake.Run, 256 * 1024) { IsBackground = true, Name = $"handshake {request.Rank.Name.vpid}" };
        thread.Start();
        return handshake;
    }

    public void Release()
    {
        _command = 1;
        _wake.Set();
    }

    public void Abort(string reason)
    {
        _abortReason = reason;
        _command = 2;
        _wake.Set();
    }

    private string Who => $"rank {_request.Rank.Name.vpid} (pid {_request.Pid}, FIFO id {_request.PipeId})";

    private void Run()
    {
        try
        {
            var failure = Handshake();
            if (failure is not null)
            {
                CloseBoth();
                if (_command != 2)
                {
                    _events.Failed(_request.Rank, failure);
                }
            }
        }
        catch (Exception e)
        {
            CloseBoth();
            _events.Failed(_request.Rank, $"handshake error: {e.Message}");
        }
    }

    /// <summary>The whole handshake; null when it ended in a release, else why it failed.</summary>
    private string? Handshake()
    {
        // Pass 2: the signal, sent by the caller before any handshake thread started.
        var error = _signalled;
        if (error.IsError)
        {
            return $"cannot signal {Who}: {error}";
        }
        Log.Verbose(20, $"signalled {Who} with {_request.Signal}");

        // Pass 3: both FIFOs, then A for writing and B for reading. The rank makes B last; its creation wakes this
        // thread (inotify), and a slow look every 1 ms growing to 50 ms covers a lost event.
        var deadline = Stopwatch.GetTimestamp();
        var wait = _settings.FifoWait;
        var pause = 1;
        try
        {
            while (!(Exists(_request.WriteFifo) && Exists(_request.ReadFifo)))
            {
                if (Aborted()) return "aborted";
                if (Stopwatch.GetElapsedTime(deadline) > wait)
                {
                    return $"{Who} created no FIFOs within {wait.TotalSeconds:F0} s (snapc_full_max_wait_time)";
                }
                if (Libc.Kill(_request.Pid, 0).RawErrno == Libc.ESRCH)
                {
                    return $"{Who} died before the handshake";
                }
                if (_arrivals is { Watching: true } arrivals)
                {
                    arrivals.Wait(_request.WriteFifo, TimeSpan.FromMilliseconds(pause));
                }
                else
                {
                    Thread.Sleep(pause);
                }
                pause = Math.Min(pause * 2, 50);
            }
        }
        finally
        {
            _arrivals?.Forget(_request.WriteFifo);
        }
        while (true)
        {
            error = Libc.Open(_request.ReadFifo, Libc.O_WRONLY | Libc.O_NONBLOCK | Libc.O_CLOEXEC, out _fdA);
            if (!error.IsError) break;
            if (error.RawErrno != Libc.ENXIO) return $"cannot open {_request.ReadFifo}: {error}";
            if (Aborted()) return "aborted";
            if (Stopwatch.GetElapsedTime(deadline) > wait) return $"{Who} never opened {_request.ReadFifo}";
            Thread.Sleep(1);
        }
        error = Libc.Open(_request.WriteFifo, Libc.O_RDONLY | Libc.O_NONBLOCK | Libc.O_CLOEXEC, out _fdB);
        if (error.IsError)
        {
            return $"cannot open {_request.WriteFifo}: {error}";
        }
        Log.Verbose(20, $"{Who}: FIFOs open after {Stopwatch.GetElapsedTime(deadline).TotalMilliseconds:F1} ms");

        // Pass 4: the six option ints and the handle, native-endian, in one write.
        var options = _request.Options;
        var block = stackalloc int[7];
        block[0] = _request.AllMigrating ? 1 : 0;
        block[1] = _request.Migrating ? 1 : 0;
        block[2] = options.Term ? 1 : 0;
        block[3] = options.Stop ? 1 : 0;
        block[4] = options.IncPrepOnly ? 1 : 0;
        block[5] = options.IncRecoverOnly ? 1 : 0;
        *(uint*)&block[6] = _request.Handle;
        if (WriteAll((byte*)block, 28) is { } writeFailure)
        {
            return $"cannot write the options to {Who}: {writeFailure}";
        }

        // Pass 5: the response; START gets the sentinel (the same int), anything else fails this rank.
        var outcome = ReadInt(_settings.StepWait, "its response", out var response);
        if (outcome is not null) return outcome;
        if (response != (int)OpalCrCkptCmdState.CmdStart)
        {
            return response switch
            {
                (int)OpalCrCkptCmdState.CmdInProgress => $"{Who} answered IN_PROGRESS: a checkpoint is already running there",
                (int)OpalCrCkptCmdState.CmdNull => $"{Who} answered NULL: it is not checkpointable (no CRS)",
                (int)OpalCrCkptCmdState.CmdError => $"{Who} answered ERROR",
                _ => $"{Who} answered {response}, which is no response",
            };
        }
        if (WriteAll((byte*)&response, 4) is { } sentinelFailure)
        {
            return $"cannot write the sentinel to {Who}: {sentinelFailure}";
        }
        Log.Verbose(20, $"{Who}: running after {Stopwatch.GetElapsedTime(deadline).TotalMilliseconds:F1} ms");
        _events.Running(_request.Rank);

        // The read event: the final state, or 6 first while only the INC prep runs (quiesce).
        while (true)
        {
            outcome = ReadInt(_settings.CheckpointWait, "its final state", out var state);
            if (outcome is not null) return outcome;
            if (options.IncPrepOnly && state == (int)OpalCrsState.Running)
            {
                _events.Prepared(_request.Rank);
                continue;
            }
            Log.Verbose(20, $"{Who}: final state {state} after {Stopwatch.GetElapsedTime(deadline).TotalMilliseconds:F1} ms");
            _events.Final(_request.Rank, state);
            break;
        }

        // Wait for the release (FINISHED_LOCAL from the global coordinator) or an abort; a rank that dies
        // meanwhile is seen by POLLHUP on B.
        var released = Stopwatch.GetTimestamp();
        while (_command == 0)
        {
            if (Stopwatch.GetElapsedTime(released) > _settings.CheckpointWait)
            {
                return $"no release for {Who} within {_settings.CheckpointWait.TotalSeconds:F0} s";
            }
            Span<Libc.PollFd> fds = [new Libc.PollFd { fd = _fdB, events = Libc.POLLIN }];
            Libc.Poll(fds, 0, out var ready);
            if (ready > 0 && (fds[0].revents & (Libc.POLLHUP | Libc.POLLERR)) != 0 && (fds[0].revents & Libc.POLLIN) == 0)
            {
                return $"{Who} closed its FIFO (died) while it waited for its release";
            }
            _wake.Wait(SliceMilliseconds);
        }
        if (_command == 2)
        {
            Log.Verbose(10, $"handshake of {Who} abandoned: {_abortReason}");
            CloseBoth();
            return null;
        }
        var release = 0;
        var releaseFailure = WriteAll((byte*)&release, 4);
        CloseBoth();
        if (releaseFailure is not null)
        {
            Log.Error($"cannot release {Who}: {releaseFailure}");
        }
        else
        {
            Log.Verbose(15, $"released {Who}");
        }
        return null;
    }

    private bool Aborted() => _command == 2;

    private static bool Exists(string path) => !Libc.Access(path, Libc.F_OK).IsError;

    /// <summary>One int from B within <paramref name="bound"/>; null when read, else why not.</summary>
    private string? ReadInt(TimeSpan bound, string what, out int value)
    {
        value = 0;
        var start = Stopwatch.GetTimestamp();
        var buffer = stackalloc byte[4];
        var got = 0;
        while (got < 4)
        {
            if (Aborted()) return "aborted";
            if (Stopwatch.GetElapsedTime(start) > bound)
            {
                return $"{Who} sent no {what} within {bound.TotalSeconds:F0} s";
            }
            Span<Libc.PollFd> fds = [new Libc.PollFd { fd = _fdB, events = Libc.POLLIN }];
            var error = Libc.Poll(fds, SliceMilliseconds, out var ready);
            if (error.IsError) return $"poll on {_request.WriteFifo}: {error}";
            if (ready == 0) continue;
            if ((fds[0].revents & Libc.POLLIN) == 0 && (fds[0].revents & (Libc.POLLHUP | Libc.POLLERR | Libc.POLLNVAL)) != 0)
            {
                return $"{Who} closed its FIFO (died) before {what}";
            }
            error = Libc.Read(_fdB, buffer + got, 4 - got, out var n);
            if (error.IsError)
            {
                if (error.RawErrno == Libc.EAGAIN) continue;
                return $"read of {what} from {Who}: {error}";
            }
            if (n == 0) return $"{Who} closed its FIFO (died) before {what}";
            got += n;
        }
        value = *(int*)buffer;
        return null;
    }

    /// <summary>All bytes to A (at most a few ints: atomic for a pipe); EPIPE when the rank is gone.</summary>
    private string? WriteAll(byte* data, int count)
    {
        var done = 0;
        var start = Stopwatch.GetTimestamp();
        while (done < count)
        {
            var error = Libc.Write(_fdA, data + done, count - done, out var n);
            if (error.IsError)
            {
                if (error.RawErrno != Libc.EAGAIN) return error.RawErrno == Libc.EPIPE ? "the rank is gone (EPIPE)" : error.ToString();
                if (Stopwatch.GetElapsedTime(start) > _settings.StepWait) return "the FIFO stayed full";
                Thread.Sleep(1);
                continue;
            }
            done += n;
        }
        return null;
    }

    private void CloseBoth()
    {
        if (_fdA >= 0)
        {
            Libc.Close(_fdA);
            _fdA = -1;
        }
        if (_fdB >= 0)
        {
            Libc.Close(_fdB);
            _fdB = -1;
        }
    }
}

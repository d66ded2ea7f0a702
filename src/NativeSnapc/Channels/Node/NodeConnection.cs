using System;
using System.Threading;
using NativeSnapc.Diagnostics;
using NativeSnapc.Interop;
using NativeSnapc.Protocol.Frames;

namespace NativeSnapc.Channels.Node;

/// <summary>
/// A rank's connection to its node's local coordinator: one Unix stream socket carrying NSRF frames
/// (docs/runtime.md). Sends are whole frames, serialised, bounded, and never raise SIGPIPE; one reader thread
/// hands every frame to the owner and reports, once, when the connection ends (the local coordinator died or
/// closed it) — which is how the rank notices at once, without waiting out any bound.
/// </summary>
internal sealed unsafe class NodeConnection : IDisposable
{
    private static readonly TimeSpan ReaderStopBound = TimeSpan.FromSeconds(2);

    private readonly object _sendGate = new();
    private readonly string _path;
    private int _fd;
    private Thread? _reader;
    private volatile bool _closing;

    private NodeConnection(int fd, string path)
    {
        _fd = fd;
        _path = path;
    }

    /// <summary>Connects to the socket at <paramref name="path"/>: a refused or missing socket is <see cref="ChannelFailure.PeerGone"/>.</summary>
    public static ChannelResult Connect(string path, out NodeConnection? connection)
    {
        connection = null;
        var made = Libc.SocketUnixStream(out var fd);
        if (made.IsError)
        {
            return ChannelResult.Fail(ChannelFailure.SystemError, $"cannot make a socket: {made}", made.RawErrno);
        }
        var connected = Libc.ConnectUnix(fd, path);
        if (connected.IsError)
        {
            Libc.Close(fd);
            var failure = connected.RawErrno is Libc.ENOENT or Libc.ECONNREFUSED ? ChannelFailure.PeerGone : ChannelFailure.SystemError;
            return ChannelResult.Fail(failure, $"cannot connect to {path}: {connected.Message}", connected.RawErrno);
        }
        connection = new NodeConnection(fd, path);
        return ChannelResult.Success;
    }

    public string Path => _path;

    /// <summary>Sends one whole frame, waiting at most <paramref name="bound"/> for room.</summary>
    public ChannelResult Send(byte[] frame, TimeSpan bound)
    {
        lock (_sendGate)
        {
            var fd = Volatile.Read(ref _fd);
            if (fd < 0)
            {
                return ChannelResult.Fail(ChannelFailure.PeerGone, $"the connection to the local coordinator ({_path}) is closed", Libc.EBADF);
            }
            var deadline = Fifo.Deadline.After(bound);
            Span<Libc.PollFd> fds = stackalloc Libc.PollFd[1];
            var sent = 0;
            fixed (byte* bytes = frame)
            {
                while (sent < frame.Length)
                {
                    var error = Libc.Send(fd, bytes + sent, frame.Length - sent, out var count);
                    if (!error.IsError)
                    {
                        sent += count;
                        continue;
                    }
                    if (error.RawErrno is Libc.EPIPE or Libc.ECONNRESET)
                    {
                        return ChannelResult.Fail(ChannelFailure.PeerGone, $"the local coordinator closed {_path}: {error.Message}", error.RawErrno);
                    }
                    if (error.RawErrno != Libc.EAGAIN)
                    {
                        return ChannelResult.Fail(ChannelFailure.SystemError, $"cannot send to {_path}: {error.Message}", error.RawErrno);
                    }
                    if (deadline.Expired)
                    {
                        return ChannelResult.Fail(ChannelFailure.TimedOut, $"the local coordinator did not take a message on {_path} within {bound.TotalSeconds:0.###} s");
                    }
                    fds[0] = new Libc.PollFd { fd = fd, events = Libc.POLLOUT };
                    Libc.Poll(fds, deadline.RemainingPollMilliseconds, out _);
                }
            }
            return ChannelResult.Success;
        }
    }

    /// <summary>
    /// Starts the reader thread: <paramref name="onFrame"/> gets every frame, in order; <paramref name="onClosed"/>
    /// runs once when the connection ends for any reason but <see cref="Dispose"/>.
    /// </summary>
    public void StartReading(Action<FrameHeader, byte[]> onFrame, Action<string> onClosed)
    {
        _reader = new Thread(() => ReadLoop(onFrame, onClosed)) { IsBackground = true, Name = "native-snapc node reader" };
        _reader.Start();
    }

    private void ReadLoop(Action<FrameHeader, byte[]> onFrame, Action<string> onClosed)
    {
        string reason;
        try
        {
            var head = new byte[FrameCodec.HeaderBytes];
            while (true)
            {
                var got = ReadExactly(head, out var error);
                if (got == 0 && error is null)
                {
                    reason = "the local coordinator closed the connection";
                    break;
                }
                if (got < head.Length)
                {
                    reason = error ?? "the connection ended inside a frame header";
                    break;
                }
                if (!FrameCodec.TryDecodeHeader(head, out var header, out error))
                {
                    reason = $"a malformed frame from the local coordinator ({error})";
                    break;
                }
                var payload = new byte[header.Length];
                if (ReadExactly(payload, out error) < payload.Length)
                {
                    reason = error ?? "the connection ended inside a frame";
                    break;
                }
                onFrame(header, payload);
            }
        }
        catch (Exception e)
        {
            reason = $"the connection's reader failed: {e.GetType().Name}: {e.Message}";
        }
        if (!_closing)
        {
            try
            {
                onClosed(reason);
            }
            catch (Exception e)
            {
                Log.Error($"native-snapc: after the connection to the local coordinator ended: {e.GetType().Name}: {e.Message}");
            }
        }
    }

    private int ReadExactly(byte[] buffer, out string? error)
    {
        error = null;
        var got = 0;
        fixed (byte* bytes = buffer)
        {
            while (got < buffer.Length)
            {
                var fd = Volatile.Read(ref _fd);
                if (fd < 0)
                {
                    return got;
                }
                var read = Libc.Recv(fd, bytes + got, buffer.Length - got, out var count);
                if (read.IsError)
                {
                    error = $"cannot read from {_path}: {read.Message}";
                    return got;
                }
                if (count == 0)
                {
                    return got;
                }
                got += count;
            }
        }
        return got;
    }

    /// <summary>Closes the connection; the reader thread ends (bounded wait) without reporting it as lost.</summary>
    public void Dispose()
    {
        _closing = true;
        var fd = Volatile.Read(ref _fd);
        if (fd >= 0)
        {
            Libc.ShutdownBoth(fd);
        }
        if (_reader is not null && _reader != Thread.CurrentThread)
        {
            _reader.Join(ReaderStopBound);
        }
        lock (_sendGate)
        {
            fd = Interlocked.Exchange(ref _fd, -1);
            if (fd >= 0)
            {
                Libc.Close(fd);
            }
        }
    }
}

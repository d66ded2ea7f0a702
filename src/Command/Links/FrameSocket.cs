using System;
using System.Net.Sockets;
using NativeSnapc.Protocol.Frames;

namespace NativeSnapc.Command.Links;

/// <summary>
/// NSRF frames over a stream socket (a rank's Unix socket, a node's TCP link). Writes are serialised (one
/// frame is one Send of its whole bytes) and bounded by the socket's send timeout; reads belong to one thread.
/// </summary>
internal sealed class FrameSocket : IDisposable
{
    private readonly object _writeGate = new();

    public FrameSocket(Socket socket, TimeSpan sendTimeout)
    {
        Socket = socket;
        Socket.SendTimeout = (int)sendTimeout.TotalMilliseconds;
    }

    public Socket Socket { get; }

    /// <summary>False when the peer is gone or stalled past the send timeout; the caller drops the link then.</summary>
    public bool TrySend(byte[] frame)
    {
        try
        {
            lock (_writeGate)
            {
                var sent = 0;
                while (sent < frame.Length)
                {
                    sent += Socket.Send(frame, sent, frame.Length - sent, SocketFlags.None);
                }
            }
            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>
    /// The next frame: true with it; false at an orderly end between frames (<paramref name="error"/> null) or on
    /// a broken stream, a malformed header or a truncated frame (<paramref name="error"/> says which).
    /// </summary>
    public bool TryReceive(out FrameHeader header, out byte[] payload, out string? error)
    {
        header = default;
        payload = Array.Empty<byte>();
        var head = new byte[FrameCodec.HeaderBytes];
        var got = ReadExactly(head, out error);
        if (got == 0 && error is null)
        {
            return false;
        }
        if (got < head.Length)
        {
            error ??= "the stream ended inside a frame header";
            return false;
        }
        if (!FrameCodec.TryDecodeHeader(head, out header, out error))
        {
            return false;
        }
        payload = new byte[header.Length];
        if (ReadExactly(payload, out error) < payload.Length)
        {
            error ??= "the stream ended inside a frame payload";
            return false;
        }
        return true;
    }

    /// <summary>Reads until the buffer is full or the stream ends; returns the bytes read.</summary>
    public int ReadExactly(byte[] buffer, out string? error)
    {
        error = null;
        var got = 0;
        try
        {
            while (got < buffer.Length)
            {
                var n = Socket.Receive(buffer, got, buffer.Length - got, SocketFlags.None);
                if (n == 0)
                {
                    break;
                }
                got += n;
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            error = e.Message;
        }
        return got;
    }

    public void Dispose()
    {
        try
        {
            Socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // already closed
        }
        Socket.Dispose();
    }
}

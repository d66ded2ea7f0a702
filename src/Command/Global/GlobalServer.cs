using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using NativeSnapc.Command.Diagnostics;
using NativeSnapc.Command.Links;
using NativeSnapc.Command.Store;
using NativeSnapc.Protocol.Frames;

namespace NativeSnapc.Command.Global;

/// <summary>
/// The global coordinator's network side: a TCP listener for the local coordinators (one connection per node),
/// each authenticated with the job's secret before a single frame is read, and the ticking thread that enforces
/// the coordinator's bounds.
/// </summary>
internal sealed class GlobalServer : IGlobalPorts, IDisposable
{
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan AuthTimeout = TimeSpan.FromSeconds(10);
    private readonly Socket _listener;
    private readonly byte[] _secret;
    private readonly List<FrameSocket> _links = new();
    private readonly Action _terminate;
    private volatile bool _stopping;

    public GlobalServer(IPAddress bind, byte[] secret, ISnapshotStore store, GlobalSettings settings, Action terminate)
    {
        _secret = secret;
        _terminate = terminate;
        _listener = new Socket(bind.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(bind, 0));
        _listener.Listen(512);
        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        Coordinator = new GlobalCoordinator(this, store, settings);
    }

    public IPEndPoint EndPoint { get; }

    public GlobalCoordinator Coordinator { get; }

    public DateTime Now => DateTime.UtcNow;

    public void Start()
    {
        new Thread(Accept) { IsBackground = true, Name = "global accept" }.Start();
        new Thread(() =>
        {
            while (!_stopping)
            {
                Thread.Sleep(200);
                Coordinator.Tick();
            }
        }) { IsBackground = true, Name = "global tick" }.Start();
    }

    private void Accept()
    {
        while (!_stopping)
        {
            Socket socket;
            try
            {
                socket = _listener.Accept();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
            new Thread(() => Serve(socket)) { IsBackground = true, Name = "node link" }.Start();
        }
    }

    private void Serve(Socket socket)
    {
        var peer = socket.RemoteEndPoint?.ToString() ?? "?";
        socket.NoDelay = true;
        socket.ReceiveTimeout = (int)AuthTimeout.TotalMilliseconds;
        var link = new FrameSocket(socket, SendTimeout);
        string? node;
        try
        {
            node = Authenticate(link, out var refusal);
            if (node is null)
            {
                Log.Error($"refused a connection from {peer}: {refusal}");
                link.Dispose();
                return;
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            Log.Error($"refused a connection from {peer}: {e.Message}");
            link.Dispose();
            return;
        }
        socket.ReceiveTimeout = 0;
        lock (_links)
        {
            _links.Add(link);
        }
        Log.Verbose(2, $"node {node} connected from {peer}");
        Coordinator.AddNode(link, node);
        string? error;
        while (link.TryReceive(out var header, out var payload, out error))
        {
            Coordinator.OnNodeFrame(link, header, payload);
        }
        if (!_stopping)
        {
            // Its local coordinator died (or the node did): its ranks run on, but the job cannot be checkpointed.
            Log.Error($"lost node {node}: {error ?? "its local coordinator closed the link"}; the job cannot be checkpointed any more");
        }
        Coordinator.RemoveNode(link);
        lock (_links)
        {
            _links.Remove(link);
        }
        link.Dispose();
    }

    /// <summary>The node's name when it proved it knows the secret, else null and why not.</summary>
    private string? Authenticate(FrameSocket link, out string refusal)
    {
        var challenge = LinkAuthentication.NewNonce();
        var hello = new byte[4 + challenge.Length];
        LinkAuthentication.ChallengeMagic.CopyTo(hello, 0);
        challenge.CopyTo(hello, 4);
        if (!link.TrySend(hello))
        {
            refusal = "it closed the connection";
            return null;
        }
        var answer = new byte[4 + LinkAuthentication.MacBytes + LinkAuthentication.NonceBytes + 4];
        if (link.ReadExactly(answer, out _) != answer.Length || !answer.AsSpan(0, 4).SequenceEqual(LinkAuthentication.ResponseMagic))
        {
            refusal = "no authentication answer (not a native-snapc local coordinator?)";
            return null;
        }
        if (!LinkAuthentication.Verify(_secret, "local", challenge, answer.AsSpan(4, LinkAuthentication.MacBytes)))
        {
            refusal = "wrong secret";
            return null;
        }
        var theirs = answer.AsSpan(4 + LinkAuthentication.MacBytes, LinkAuthentication.NonceBytes).ToArray();
        var tail = answer.AsSpan(4 + LinkAuthentication.MacBytes + LinkAuthentication.NonceBytes);
        var length = (tail[0] << 24) | (tail[1] << 16) | (tail[2] << 8) | tail[3];
        if (length is < 0 or > LinkAuthentication.MaxNodeName)
        {
            refusal = $"a node name of {length} bytes";
            return null;
        }
        var name = new byte[length];
        if (link.ReadExactly(name, out _) != length)
        {
            refusal = "the node name was cut short";
            return null;
        }
        var proof = new byte[4 + LinkAuthentication.MacBytes];
        LinkAuthentication.ResponseMagic.CopyTo(proof, 0);
        LinkAuthentication.Mac(_secret, "global", theirs).CopyTo(proof, 4);
        if (!link.TrySend(proof))
        {
            refusal = "it closed the connection";
            return null;
        }
        refusal = "";
        return Encoding.UTF8.GetString(name);
    }

    public bool SendToNode(object node, byte[] frame) => ((FrameSocket)node).TrySend(frame);

    public void TerminateJob() => _terminate();

    /// <summary>Tells every node to stop and closes the links.</summary>
    public void Dispose()
    {
        _stopping = true;
        _listener.Dispose();
        FrameSocket[] links;
        lock (_links)
        {
            links = _links.ToArray();
        }
        var stop = FrameCodec.Encode(FrameKind.Bye, 0, default, FrameRole.Hnp, default, FrameRole.Daemon, ReadOnlySpan<byte>.Empty);
        foreach (var link in links)
        {
            link.TrySend(stop);
            link.Dispose();
        }
    }
}

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using NativeSnapc.Command.Diagnostics;
using NativeSnapc.Command.Links;
using NativeSnapc.Interop;
using NativeSnapc.Protocol.Frames;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Command.Local;

/// <summary>
/// `native-snapc local`: starts (detached, once per node) and runs the local coordinator of a node — the Unix
/// socket the ranks connect to, the authenticated TCP link to the global coordinator, the handshake threads —
/// around <see cref="LocalCoordinator"/>.
/// </summary>
internal sealed class LocalServer : ILocalPorts
{
    public const int ExitOk = 0;
    public const int ExitSetup = 3;
    public const int ExitStartFailed = 4;
    public const int ExitGlobalUnreachable = 5;

    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(10);
    private readonly string _nodeDirectory;
    private readonly JobFile _job;
    private readonly LocalSettings _settings;
    private readonly List<FrameSocket> _rankSockets = new();
    private LocalCoordinator _coordinator = null!;
    private FrameSocket? _global;
    private FifoArrivals? _arrivals;
    private volatile bool _globalClosed;

    private LocalServer(string nodeDirectory, JobFile job, LocalSettings settings)
    {
        _nodeDirectory = nodeDirectory;
        _job = job;
        _settings = settings;
    }

    public DateTime Now => DateTime.UtcNow;

    /// <summary>
    /// `native-snapc local --job-file F --node-dir D [--foreground]`, parsed here rather than by System.CommandLine:
    /// a rank starts it with the program's standard output, so System.Console must stay untouched.
    /// </summary>
    public static int Run(IReadOnlyList<string> arguments)
    {
        string? jobFile = null, nodeDirectory = null;
        var foreground = false;
        for (var i = 0; i < arguments.Count; i++)
        {
            var value = i + 1 < arguments.Count ? arguments[i + 1] : null;
            switch (arguments[i])
            {
                case "--job-file" when value is not null:
                    jobFile = value;
                    i++;
                    break;
                case "--node-dir" when value is not null:
                    nodeDirectory = value;
                    i++;
                    break;
                case "--foreground":
                    foreground = true;
                    break;
                default:
                    jobFile = nodeDirectory = null;
                    i = arguments.Count;
                    break;
            }
        }
        if (jobFile is null || nodeDirectory is null)
        {
            Log.WriteStandardError("usage: native-snapc local --job-file FILE --node-dir DIR [--foreground] (internal: started by the ranks)");
            return 2;
        }
        return Execute(jobFile, nodeDirectory, foreground);
    }

    /// <summary>
    /// The starter: makes sure one coordinator serves the node and returns once it listens (exit 0), or fails
    /// with a message and a non-zero code. With <paramref name="foreground"/> it is that coordinator.
    /// </summary>
    public static int Execute(string jobFilePath, string nodeDirectory, bool foreground)
    {
        Log.Role = "local";
        if (NodeDirectory.Prepare(nodeDirectory) is { } dirError)
        {
            Log.Error(dirError);
            return ExitSetup;
        }
        if (!JobFile.TryRead(jobFilePath, out var job, out var jobError))
        {
            Log.Error(jobError!);
            return ExitSetup;
        }
        var settings = ReadSettings(nodeDirectory);
        return foreground ? new LocalServer(nodeDirectory, job!, settings).Serve() : Start(jobFilePath, nodeDirectory);
    }

    private static LocalSettings ReadSettings(string nodeDirectory)
    {
        var settings = LocalSettings.Default(nodeDirectory);
        if (ReadInt("OMPI_MCA_opal_cr_signal") is { } signal and > 0)
        {
            settings = settings with { Signal = signal };
        }
        if (ReadInt("OMPI_MCA_snapc_full_max_wait_time") is { } wait and > 0)
        {
            settings = settings with { FifoWait = TimeSpan.FromSeconds(wait) };
        }
        if (ReadInt("OMPI_MCA_snapc_full_handshake_timeout") is { } step and > 0)
        {
            settings = settings with { StepWait = TimeSpan.FromSeconds(step) };
        }
        return settings;
    }

    private static int? ReadInt(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    // ---- starting, once per node ---------------------------------------------------------------

    private static int Start(string jobFilePath, string nodeDirectory)
    {
        var socketPath = Path.Combine(nodeDirectory, NodeDirectory.SocketName);
        // The spawn lock makes concurrent starters (every rank of a node may try) take turns.
        var error = Libc.Open(Path.Combine(nodeDirectory, NodeDirectory.LockName), Libc.O_RDWR | Libc.O_CREAT | Libc.O_CLOEXEC | Libc.O_NOFOLLOW, out var lockFd, 0x180);
        if (error.IsError)
        {
            Log.Error($"cannot open the spawn lock in {nodeDirectory}: {error}");
            return ExitSetup;
        }
        try
        {
            var deadline = Stopwatch.GetTimestamp();
            while (Libc.Flock(lockFd, Libc.LOCK_EX | Libc.LOCK_NB) is { IsError: true } lockError)
            {
                if (lockError.RawErrno != Libc.EWOULDBLOCK || Stopwatch.GetElapsedTime(deadline) > TimeSpan.FromSeconds(30))
                {
                    Log.Error($"cannot take the spawn lock in {nodeDirectory}: {lockError}");
                    return ExitStartFailed;
                }
                Thread.Sleep(10);
            }
            if (Answers(socketPath))
            {
                Log.Verbose(5, $"a local coordinator already serves {nodeDirectory}");
                return ExitOk;
            }
            var self = Environment.ProcessPath ?? "native-snapc";
            var arguments = new[] { self, "local", "--foreground", "--job-file", Path.GetFullPath(jobFilePath), "--node-dir", Path.GetFullPath(nodeDirectory) };
            var environment = new List<string>();
            foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
            {
                environment.Add($"{entry.Key}={entry.Value}");
            }
            error = Libc.SpawnDetached(self, arguments, environment, Path.Combine(nodeDirectory, NodeDirectory.LogName), out var child);
            if (error.IsError)
            {
                Log.Error($"cannot start the local coordinator {self}: {error}");
                return ExitStartFailed;
            }
            var started = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(30))
            {
                if (Answers(socketPath))
                {
                    return ExitOk;
                }
                Libc.WaitPid(child, Libc.WNOHANG, out var reaped, out var status);
                if (reaped == child)
                {
                    Log.Error($"the local coordinator (pid {child}) exited with status {status >> 8} before it listened; see {Path.Combine(nodeDirectory, NodeDirectory.LogName)}");
                    return ExitStartFailed;
                }
                Thread.Sleep(10);
            }
            Log.Error($"the local coordinator (pid {child}) did not listen on {socketPath} within 30 s; see {Path.Combine(nodeDirectory, NodeDirectory.LogName)}");
            return ExitStartFailed;
        }
        finally
        {
            Libc.Close(lockFd);
        }
    }

    /// <summary>Whether some process accepts connections on the socket (a live coordinator, not a stale file).</summary>
    public static bool Answers(string socketPath)
    {
        if (!File.Exists(socketPath))
        {
            return false;
        }
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(socketPath));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    // ---- serving ---------------------------------------------------------------------------------

    private int Serve()
    {
        Log.Info($"local coordinator for {_nodeDirectory}, global coordinator at {_job.Global}");
        _coordinator = new LocalCoordinator(this, _settings);
        var socketPath = Path.Combine(_nodeDirectory, NodeDirectory.SocketName);
        Socket listener;
        try
        {
            if (File.Exists(socketPath))
            {
                if (Answers(socketPath))
                {
                    Log.Info("another local coordinator answers on this node; leaving it the node");
                    return ExitOk;
                }
                File.Delete(socketPath); // stale: nobody answers on it
            }
            listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(socketPath));
            File.SetUnixFileMode(socketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            listener.Listen(128);
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            // ArgumentException: a path longer than a Unix socket address holds (107 bytes)
            Log.Error($"cannot listen on {socketPath}: {e.Message}");
            return ExitSetup;
        }

        if (ConnectGlobal() is { } globalError)
        {
            Log.Error(globalError);
            listener.Dispose();
            TryDelete(socketPath);
            return ExitGlobalUnreachable;
        }
        _arrivals = new FifoArrivals(_settings.PipeDirectory);
        new Thread(() => ReadGlobal(_global!)) { IsBackground = true, Name = "global link" }.Start();
        new Thread(() => AcceptRanks(listener)) { IsBackground = true, Name = "accept" }.Start();

        // The coordinator lives while the global link does; without it no checkpoint can finish, so the ranks
        // are let go and the coordinator leaves (bounded: the ranks' sockets are closed by us).
        while (!_globalClosed && !_coordinator.ExitOrdered)
        {
            Thread.Sleep(200);
            _coordinator.Tick();
        }
        Log.Info(_coordinator.ExitOrdered ? "stopping on the global coordinator's order" : "the global coordinator closed the link; stopping");
        _coordinator.OnGlobalClosed();
        var drain = Stopwatch.GetTimestamp();
        while (_coordinator.CheckpointActive && Stopwatch.GetElapsedTime(drain) < _settings.ErrorDrain + TimeSpan.FromSeconds(1))
        {
            Thread.Sleep(100);
            _coordinator.Tick();
        }
        listener.Dispose();
        TryDelete(socketPath);
        lock (_rankSockets)
        {
            foreach (var socket in _rankSockets)
            {
                socket.Dispose();
            }
        }
        _global?.Dispose();
        _arrivals?.Dispose();
        return ExitOk;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.Error($"cannot remove {path}: {e.Message}");
        }
    }

    /// <summary>Connects (retried for 30 s) and authenticates; null on success, else why not.</summary>
    private string? ConnectGlobal()
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var socket = new Socket(_job.Global.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = 10_000 };
            try
            {
                socket.Connect(_job.Global);
                var link = new FrameSocket(socket, SendTimeout);
                if (Authenticate(link) is { } refused)
                {
                    link.Dispose();
                    return refused;
                }
                socket.ReceiveTimeout = 0;
                _global = link;
                return null;
            }
            catch (SocketException e)
            {
                socket.Dispose();
                if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(30))
                {
                    return $"cannot reach the global coordinator at {_job.Global}: {e.Message}";
                }
                Thread.Sleep(200);
            }
        }
    }

    private string? Authenticate(FrameSocket link)
    {
        var challenge = new byte[4 + LinkAuthentication.NonceBytes];
        if (link.ReadExactly(challenge, out _) != challenge.Length || !challenge.AsSpan(0, 4).SequenceEqual(LinkAuthentication.ChallengeMagic))
        {
            return $"the global coordinator at {_job.Global} sent no challenge";
        }
        var host = Libc.GetHostName() ?? string.Empty;
        var name = System.Text.Encoding.UTF8.GetBytes(host.Length > LinkAuthentication.MaxNodeName ? host[..LinkAuthentication.MaxNodeName] : host);
        var ours = LinkAuthentication.NewNonce();
        var answer = new List<byte>();
        answer.AddRange(LinkAuthentication.ResponseMagic);
        answer.AddRange(LinkAuthentication.Mac(_job.Secret, "local", challenge.AsSpan(4)));
        answer.AddRange(ours);
        answer.AddRange(new byte[] { (byte)(name.Length >> 24), (byte)(name.Length >> 16), (byte)(name.Length >> 8), (byte)name.Length });
        answer.AddRange(name);
        if (!link.TrySend(answer.ToArray()))
        {
            return "the global coordinator closed the link during authentication";
        }
        var proof = new byte[4 + LinkAuthentication.MacBytes];
        if (link.ReadExactly(proof, out _) != proof.Length)
        {
            return $"the global coordinator at {_job.Global} refused this node (wrong secret?)";
        }
        if (!proof.AsSpan(0, 4).SequenceEqual(LinkAuthentication.ResponseMagic) || !LinkAuthentication.Verify(_job.Secret, "global", ours, proof.AsSpan(4)))
        {
            return $"the peer at {_job.Global} does not know the job's secret: not our global coordinator";
        }
        return null;
    }

    private void ReadGlobal(FrameSocket link)
    {
        while (link.TryReceive(out var header, out var payload, out var error))
        {
            _coordinator.OnGlobalFrame(header, payload);
        }
        Log.Verbose(1, "global link closed");
        _globalClosed = true;
    }

    private void AcceptRanks(Socket listener)
    {
        var uid = Libc.GetUid();
        while (true)
        {
            Socket socket;
            try
            {
                socket = listener.Accept();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
            Libc.UCred peer;
            try
            {
                peer = Libc.PeerCredentials(socket);
            }
            catch (SocketException e)
            {
                Log.Error($"cannot learn who connected: {e.Message}; connection refused");
                socket.Dispose();
                continue;
            }
            if (peer.uid != uid)
            {
                Log.Error($"a process of uid {peer.uid} (pid {peer.pid}) connected; only uid {uid} may: refused");
                socket.Dispose();
                continue;
            }
            var link = new FrameSocket(socket, SendTimeout);
            lock (_rankSockets)
            {
                _rankSockets.Add(link);
            }
            new Thread(() => ServeRank(link)) { IsBackground = true, Name = "rank" }.Start();
        }
    }

    private void ServeRank(FrameSocket link)
    {
        LocalRank? rank = null;
        var finalized = false;
        try
        {
            link.Socket.ReceiveTimeout = (int)HelloTimeout.TotalMilliseconds;
            if (!link.TryReceive(out var hello, out var payload, out var error))
            {
                // Nothing at all: a starter probing whether a coordinator answers.
                if (error is not null)
                {
                    Log.Error($"a connection sent no HELLO: {error}; dropped");
                }
                return;
            }
            if (hello.Kind != FrameKind.Hello || !HelloPayload.TryDecode(payload, out var decoded))
            {
                Log.Error($"a connection sent {hello.Kind} instead of a valid HELLO first; dropped");
                return;
            }
            link.Socket.ReceiveTimeout = 0;
            rank = _coordinator.AddRank(link, hello.Source, decoded);
            while (link.TryReceive(out var header, out payload, out error))
            {
                if (header.Kind == FrameKind.Bye)
                {
                    finalized = true;
                    break;
                }
                if (header.Kind == FrameKind.Rml)
                {
                    _coordinator.OnRankMessage(rank, header, payload);
                }
            }
            if (error is not null)
            {
                Log.Error($"rank {rank}: {error}; connection dropped");
            }
        }
        finally
        {
            if (rank is not null)
            {
                _coordinator.RemoveRank(rank, finalized);
            }
            lock (_rankSockets)
            {
                _rankSockets.Remove(link);
            }
            link.Dispose();
        }
    }

    // ---- ports -------------------------------------------------------------------------------------

    public void SendToRank(LocalRank rank, uint tag, bool asHnp, byte[] payload)
    {
        var link = (FrameSocket)rank.Link;
        var frame = FrameCodec.Encode(FrameKind.Rml, tag, asHnp ? rank.Hnp : rank.Daemon, asHnp ? FrameRole.Hnp : FrameRole.Daemon,
            rank.Name, FrameRole.App, payload);
        if (!link.TrySend(frame))
        {
            Log.Error($"cannot send to rank {rank} (tag {tag}); its connection is dropped");
            link.Dispose();
        }
    }

    public void SendToGlobal(byte[] frame)
    {
        if (_global is { } link && !link.TrySend(frame))
        {
            Log.Error("cannot send to the global coordinator; the link is dropped");
            link.Dispose();
            _globalClosed = true;
        }
    }

    public IReadOnlyList<IHandshake> StartHandshakes(IReadOnlyList<HandshakeRequest> requests, IHandshakeEvents events)
    {
        // Signals first: starting a thread costs far more than kill(2), and every rank needs its signal at once.
        var signalled = new ErrorInfo[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            signalled[i] = Libc.Kill(requests[i].Pid, requests[i].Signal);
        }
        var handshakes = new IHandshake[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            handshakes[i] = FifoHandshake.Start(requests[i], signalled[i], _arrivals, events, _settings);
        }
        return handshakes;
    }
}

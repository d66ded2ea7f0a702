using System;
using System.Collections.Generic;
using System.Linq;
using NativeSnapc.Command.Diagnostics;
using NativeSnapc.Protocol.Dss;
using NativeSnapc.Protocol.Frames;
using NativeSnapc.Protocol.Snapc;
using NativeSnapc.Protocol.Sstore;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Command.Local;

/// <summary>Bounds and names the local coordinator works with.</summary>
internal sealed record LocalSettings(
    string PipeDirectory,
    int Signal,
    TimeSpan FifoWait,
    TimeSpan StepWait,
    TimeSpan CheckpointWait,
    TimeSpan ErrorDrain)
{
    public static LocalSettings Default(string pipeDirectory) => new(pipeDirectory, 10, TimeSpan.FromSeconds(300),
        TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1800), TimeSpan.FromSeconds(10));
}

/// <summary>
/// snapc_full_local.c and sstore_central_local.c for the ranks of one node, as a state machine behind a lock:
/// the rank connections, the global link and the handshake threads call in; it answers through
/// <see cref="ILocalPorts"/>. What differs from the original, on purpose: every rank's handshake runs in
/// parallel and is bounded, a rank that fails or dies ends the checkpoint with ERROR to the global instead of a
/// hang, and an ERROR from the global releases or abandons every rank instead of leaving them blocked.
/// </summary>
internal sealed class LocalCoordinator : IHandshakeEvents
{
    private const DssBufferType BufferType = DssBufferType.NonDescribed;

    private readonly object _gate = new();
    private readonly ILocalPorts _ports;
    private readonly LocalSettings _settings;
    private readonly List<LocalRank> _ranks = new();
    private LocalCheckpoint? _checkpoint;

    public LocalCoordinator(ILocalPorts ports, LocalSettings settings)
    {
        _ports = ports;
        _settings = settings;
    }

    /// <summary>Set when the global coordinator ordered this node's coordinator to stop.</summary>
    public bool ExitOrdered { get; private set; }

    public int ConnectedRanks
    {
        get { lock (_gate) return _ranks.Count(r => r.Connected); }
    }

    /// <summary>The job state this node last heard from the global coordinator, for tests and logs.</summary>
    public int JobState { get; private set; } = SnapcCkptState.None;

    public bool CheckpointActive
    {
        get { lock (_gate) return _checkpoint is not null; }
    }

    // ---- ranks ---------------------------------------------------------------------------------

    /// <summary>A rank said HELLO: it is one of ours from now on; the global coordinator hears of it.</summary>
    public LocalRank AddRank(object link, OrteProcessName name, HelloPayload hello)
    {
        lock (_gate)
        {
            var previous = _ranks.FirstOrDefault(r => r.Name.jobid == name.jobid && r.Name.vpid == name.vpid && r.Connected);
            if (previous is not null)
            {
                // The same name again: a restarted process; its FIFO ids start over.
                Log.Info($"rank {name} connected again (pid {previous.Pid} -> {hello.Pid})");
                previous.Connected = false;
                _ranks.Remove(previous);
            }
            var rank = new LocalRank(name, hello.Pid, hello.ProcessCount, hello.Daemon, hello.Hnp, link);
            _ranks.Add(rank);
            Log.Verbose(5, $"rank {rank} joined ({hello.ProcessCount} processes in the job)");
            _ports.SendToGlobal(FrameCodec.Encode(FrameKind.Hello, 0, name, FrameRole.App, hello.Hnp, FrameRole.Hnp, hello.Encode()));
            return rank;
        }
    }

    /// <summary>
    /// A rank's connection ended: with BYE it finalized, without it died. The global hears which (BYE tag 0 or 1).
    /// A rank that dies during a checkpoint fails it.
    /// </summary>
    public void RemoveRank(LocalRank rank, bool finalized)
    {
        lock (_gate)
        {
            if (!rank.Connected)
            {
                return;
            }
            rank.Connected = false;
            _ranks.Remove(rank);
            if (!finalized)
            {
                Log.Error($"rank {rank} closed its connection without BYE: taken as dead");
            }
            _ports.SendToGlobal(FrameCodec.Encode(FrameKind.Bye, finalized ? 0u : 1u, rank.Name, FrameRole.App, rank.Hnp, FrameRole.Hnp, ReadOnlySpan<byte>.Empty));
            if (_checkpoint?.Find(rank) is { } part && !part.Finished)
            {
                part.Handshake?.Abort("rank gone");
                FailPart(part, finalized ? "rank finalized during the checkpoint" : "rank died during the checkpoint");
                part.Finished = true;
                MaybeRecovered();
            }
        }
    }

    /// <summary>An RML frame from a rank: tag 25 goes to the HNP, 24 and 44 are ours.</summary>
    public void OnRankMessage(LocalRank rank, FrameHeader header, byte[] payload)
    {
        lock (_gate)
        {
            switch (header.Tag)
            {
                case RmlTag.SnapcFull:
                    _ports.SendToGlobal(FrameCodec.Encode(FrameKind.Rml, RmlTag.SnapcFull, rank.Name, FrameRole.App, rank.Hnp, FrameRole.Hnp, payload));
                    break;
                case RmlTag.Snapc:
                    OnSnapcCommand(rank, payload);
                    break;
                case RmlTag.SstoreInternal:
                    OnSstore(rank, payload);
                    break;
                default:
                    Log.Error($"rank {rank} sent a message on tag {header.Tag}, which no coordinator serves; dropped");
                    break;
            }
        }
    }

    private void OnSnapcCommand(LocalRank rank, byte[] payload)
    {
        if (CoordinatorMessages.ParseCommand(payload, BufferType, out var command) != OpalStatus.Success)
        {
            Log.Error($"rank {rank}: undecodable message on tag 24 ({payload.Length} bytes)");
            return;
        }
        if (command == SnapcCommand.LocalFinish)
        {
            if (SnapcMessages.ParseLocalFinish(payload, BufferType, out var finish) != OpalStatus.Success)
            {
                Log.Error($"rank {rank}: undecodable LOCAL_FINISH");
                return;
            }
            Log.Verbose(10, $"rank {rank} finished recovery ({finish!.CrState})");
            if (_checkpoint?.Find(rank) is { } part)
            {
                part.State = SnapcCkptState.Recovered;
                part.Finished = true;
                MaybeRecovered();
            }
        }
        else if (command == SnapcCommand.LocalUpdate)
        {
            if (SnapcMessages.ParseLocalUpdate(payload, BufferType, false, out var update) != OpalStatus.Success)
            {
                Log.Error($"rank {rank}: undecodable LOCAL_UPDATE");
                return;
            }
            // A restarted process: its new pid, and FIFO ids from 0 (a new process).
            Log.Info($"rank {rank} restarted as pid {update!.Pid}");
            rank.Pid = update.Pid;
            rank.NextPipeId = 0;
        }
        else
        {
            Log.Verbose(10, $"rank {rank}: command {command} on tag 24 is not an application command; ignored");
        }
    }

    private void OnSstore(LocalRank rank, byte[] payload)
    {
        var reader = new DssReader(payload, BufferType);
        if (SstoreCentralMessages.ParseHead(reader, out var head) != OpalStatus.Success)
        {
            Log.Error($"rank {rank}: undecodable sstore message ({payload.Length} bytes)");
            return;
        }
        if (head.Command == SstoreCentralCommand.Pull)
        {
            // Answered even for a handle we do not know yet (seq -1, NULL strings), as process_app_pull does.
            var info = _checkpoint?.Info is { } known && known.Handle == head.Handle ? known : null;
            string? location = null;
            string? metadata = null;
            if (info?.AppLocationFormat is { } format)
            {
                location = FormatLocation(format, rank.Name.vpid);
                metadata = location + "/snapshot_meta.data";
            }
            var reply = new SstorePullReply(head.Handle, info?.Seq ?? -1, info?.GlobalReference, location, metadata);
            if (SstoreCentralMessages.BuildPullReply(BufferType, reply, out var bytes) == OpalStatus.Success)
            {
                _ports.SendToRank(rank, RmlTag.SstoreInternal, false, bytes);
            }
        }
        else if (head.Command == SstoreCentralCommand.Push)
        {
            if (SstoreCentralMessages.ParseAppPushBody(reader, head, out var push) != OpalStatus.Success)
            {
                Log.Error($"rank {rank}: undecodable sstore PUSH");
                return;
            }
            if (_checkpoint is not { } checkpoint || checkpoint.Info.Handle != head.Handle || checkpoint.Find(rank) is not { } part)
            {
                Log.Error($"rank {rank}: sstore PUSH for handle {head.Handle}, which no running checkpoint has; ignored");
                return;
            }
            part.Pushed = true;
            part.Skipped = push!.Skipped;
            part.CrsComponent = push.CrsComponent;
            MaybePushToGlobal();
        }
    }

    /// <summary><c>app_location_fmt</c> with its %d as the vpid (asprintf in process_global_push).</summary>
    public static string FormatLocation(string format, uint vpid) => format.Replace("%d", ((int)vpid).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    // ---- the global coordinator ----------------------------------------------------------------

    public void OnGlobalFrame(FrameHeader header, byte[] payload)
    {
        lock (_gate)
        {
            if (header.Kind == FrameKind.Bye)
            {
                Log.Info("the global coordinator ordered this node's coordinator to stop");
                ExitOrdered = true;
                AbandonCheckpoint("the global coordinator stopped");
                return;
            }
            if (header.Kind != FrameKind.Rml)
            {
                return;
            }
            if (header.DestinationRole == FrameRole.App)
            {
                var rank = _ranks.FirstOrDefault(r => r.Name.vpid == header.Destination.vpid && r.Name.jobid == header.Destination.jobid);
                if (rank is null)
                {
                    Log.Verbose(5, $"a message on tag {header.Tag} for {header.Destination}, which is not connected here; dropped");
                    return;
                }
                _ports.SendToRank(rank, header.Tag, header.SourceRole == FrameRole.Hnp, payload);
                return;
            }
            if (header.Tag != RmlTag.SnapcFull)
            {
                return;
            }
            var status = CoordinatorMessages.ParseJobStateUpdate(payload, BufferType, out var update);
            if (status != OpalStatus.Success)
            {
                Log.Error($"undecodable job state update from the global coordinator ({status})");
                return;
            }
            OnJobState(update!);
        }
    }

    /// <summary>The global coordinator is gone: no checkpoint can finish; every rank is let go.</summary>
    public void OnGlobalClosed()
    {
        lock (_gate)
        {
            AbandonCheckpoint("the global coordinator is gone");
        }
    }

    private void OnJobState(SnapcJobStateUpdate update)
    {
        JobState = update.State;
        Log.Verbose(10, $"job {update.JobId}: state {update.State}{(update.IsQuick ? "" : $" handle {update.Handle?.Handle} seq {update.Handle?.Seq}")}");
        switch (update.State)
        {
            case SnapcCkptState.Pending when update.Handle is { } handle:
                StartCheckpoint(handle, update.Options);
                break;
            case SnapcCkptState.FinishedLocal:
                ReleaseAll();
                break;
            case SnapcCkptState.Error:
                AbandonCheckpoint("the checkpoint failed elsewhere in the job");
                break;
            default:
                // ESTABLISHED and the rest need nothing here (snapc_full_local waits for its ranks' LOCAL_FINISH).
                break;
        }
    }

    private void StartCheckpoint(SstoreCentralHandleInfo info, SnapcCheckpointOptions options)
    {
        if (_checkpoint is not null)
        {
            Log.Error($"a checkpoint (handle {info.Handle}) was requested while handle {_checkpoint.Info.Handle} still runs here; refused");
            SendOrtedState(SnapcCkptState.Error, true);
            return;
        }
        var checkpoint = new LocalCheckpoint(info, options);
        _checkpoint = checkpoint;
        // In vpid order, as the daemon's list of local children is.
        foreach (var rank in _ranks.Where(r => r.Connected).OrderBy(r => r.Name.jobid).ThenBy(r => r.Name.vpid))
        {
            checkpoint.Parts.Add(new LocalPart(rank));
        }
        Log.Verbose(5, $"checkpoint handle {info.Handle} seq {info.Seq}: {checkpoint.Parts.Count} local ranks");
        if (checkpoint.Parts.Count == 0)
        {
            SendOrtedState(SnapcCkptState.Error, true);
            _checkpoint = null;
            return;
        }
        // Pass 2-5 for every rank at once, each on its own bounded wait.
        var requests = new List<HandshakeRequest>(checkpoint.Parts.Count);
        foreach (var part in checkpoint.Parts)
        {
            var rank = part.Rank;
            var id = rank.NextPipeId++;
            requests.Add(new HandshakeRequest(rank, rank.Pid, id,
                ReadFifo: $"{_settings.PipeDirectory}/opal_cr_prog_read.{rank.Pid}_{id}",
                WriteFifo: $"{_settings.PipeDirectory}/opal_cr_prog_write.{rank.Pid}_{id}",
                _settings.Signal, AllMigrating: false, Migrating: false, options, info.Handle));
            part.State = SnapcCkptState.Pending;
        }
        var handshakes = _ports.StartHandshakes(requests, this);
        for (var i = 0; i < checkpoint.Parts.Count; i++)
        {
            checkpoint.Parts[i].Handshake = handshakes[i];
        }
    }

    private void ReleaseAll()
    {
        if (_checkpoint is not { } checkpoint)
        {
            return;
        }
        foreach (var part in checkpoint.Parts.Where(p => p.State == SnapcCkptState.FinishedLocal && !p.Released))
        {
            part.Released = true;
            part.Handshake?.Release();
        }
    }

    /// <summary>
    /// ERROR (or a lost global coordinator): every rank waiting for its release gets it, every other handshake is
    /// closed so the rank fails its attempt at once; then the ranks' LOCAL_FINISH are awaited (bounded).
    /// </summary>
    private void AbandonCheckpoint(string reason)
    {
        if (_checkpoint is not { } checkpoint)
        {
            return;
        }
        checkpoint.Failed = true;
        checkpoint.DrainUntil ??= _ports.Now + _settings.ErrorDrain;
        foreach (var part in checkpoint.Parts.Where(p => !p.Released && !p.Finished))
        {
            if (part.State == SnapcCkptState.FinishedLocal)
            {
                part.Released = true;
                part.Handshake?.Release();
            }
            else
            {
                part.Handshake?.Abort(reason);
                if (part.State != SnapcCkptState.Error)
                {
                    part.State = SnapcCkptState.Error;
                }
                part.Finished = !part.Rank.Connected;
            }
        }
        MaybeRecovered();
    }

    /// <summary>Deadlines: an abandoned checkpoint's ranks get <see cref="LocalSettings.ErrorDrain"/> to send LOCAL_FINISH.</summary>
    public void Tick()
    {
        lock (_gate)
        {
            if (_checkpoint is { DrainUntil: { } until } checkpoint && _ports.Now >= until)
            {
                foreach (var part in checkpoint.Parts.Where(p => !p.Finished))
                {
                    Log.Error($"rank {part.Rank} sent no LOCAL_FINISH after the failed checkpoint");
                    part.Finished = true;
                }
                MaybeRecovered();
            }
        }
    }

    // ---- handshake events (their threads) ---------------------------------------------------

    public void Running(LocalRank rank)
    {
        lock (_gate)
        {
            if (_checkpoint?.Find(rank) is not { } part || _checkpoint.Failed)
            {
                return;
            }
            part.State = SnapcCkptState.Running;
            var checkpoint = _checkpoint;
            if (!checkpoint.RunningSent && checkpoint.Parts.All(p => p.State >= SnapcCkptState.Running))
            {
                // Pass 6: tell the global coordinator we are running now.
                checkpoint.RunningSent = true;
                SendOrtedState(SnapcCkptState.Running, true);
            }
        }
    }

    public void Prepared(LocalRank rank)
    {
        lock (_gate)
        {
            if (_checkpoint?.Find(rank) is not { } part || _checkpoint.Failed)
            {
                return;
            }
            part.State = SnapcCkptState.IncPreped;
            ReportMinimum();
        }
    }

    public void Final(LocalRank rank, int state)
    {
        lock (_gate)
        {
            if (_checkpoint?.Find(rank) is not { } part)
            {
                return;
            }
            if (state == (int)OpalCrsState.Error)
            {
                FailPart(part, "the rank reported OPAL_CRS_ERROR");
                return;
            }
            part.State = SnapcCkptState.FinishedLocal;
            if (_checkpoint.Failed)
            {
                // The checkpoint was abandoned meanwhile: this rank waits for a release it gets now.
                part.Released = true;
                part.Handshake?.Release();
                return;
            }
            ReportMinimum();
        }
    }

    public void Failed(LocalRank rank, string reason)
    {
        lock (_gate)
        {
            if (_checkpoint?.Find(rank) is not { } part)
            {
                return;
            }
            FailPart(part, reason);
            if (!rank.Connected)
            {
                part.Finished = true;
            }
            MaybeRecovered();
        }
    }

    private void FailPart(LocalPart part, string reason)
    {
        var checkpoint = _checkpoint!;
        if (part.State == SnapcCkptState.Error)
        {
            return;
        }
        part.State = SnapcCkptState.Error;
        Log.Error($"checkpoint handle {checkpoint.Info.Handle}: rank {part.Rank}: {reason}");
        if (!checkpoint.ErrorSent)
        {
            checkpoint.ErrorSent = true;
            SendOrtedState(SnapcCkptState.Error, true);
        }
    }

    /// <summary>snapc_full_get_min_state over this node's ranks: INC_PREPED and FINISHED_LOCAL go up once each.</summary>
    private void ReportMinimum()
    {
        var checkpoint = _checkpoint!;
        var minimum = checkpoint.Parts.Min(p => p.State);
        if (minimum <= checkpoint.Reported || checkpoint.ErrorSent)
        {
            return;
        }
        if (minimum == SnapcCkptState.IncPreped || minimum == SnapcCkptState.FinishedLocal)
        {
            checkpoint.Reported = minimum;
            SendOrtedState(minimum, false);
            if (minimum == SnapcCkptState.FinishedLocal)
            {
                MaybePushToGlobal();
            }
        }
    }

    /// <summary>sstore/central's local sync: once every local rank pushed (skipped or with its component), one PUSH to the HNP.</summary>
    private void MaybePushToGlobal()
    {
        var checkpoint = _checkpoint!;
        if (checkpoint.PushSent || checkpoint.Failed || !checkpoint.Parts.All(p => p.Pushed))
        {
            return;
        }
        checkpoint.PushSent = true;
        var entries = checkpoint.Parts.Select(p => new SstoreLocalPushEntry(p.Rank.Name, p.Skipped, p.CrsComponent)).ToArray();
        if (SstoreCentralMessages.BuildLocalPush(BufferType, checkpoint.Info.Handle, entries, out var bytes) == OpalStatus.Success)
        {
            SendAsDaemon(RmlTag.SstoreInternal, bytes);
        }
    }

    /// <summary>When every rank of the checkpoint recovered (or is gone): RECOVERED to the global, and this node is idle again.</summary>
    private void MaybeRecovered()
    {
        if (_checkpoint is not { } checkpoint || !checkpoint.Parts.All(p => p.Finished))
        {
            return;
        }
        SendOrtedState(SnapcCkptState.Recovered, true);
        Log.Verbose(5, $"checkpoint handle {checkpoint.Info.Handle} done here ({(checkpoint.Failed || checkpoint.ErrorSent ? "failed" : "ok")})");
        _checkpoint = null;
    }

    private void SendOrtedState(int state, bool quick)
    {
        if (CoordinatorMessages.BuildOrtedStateUpdate(BufferType, state, quick, out var bytes) == OpalStatus.Success)
        {
            SendAsDaemon(RmlTag.SnapcFull, bytes);
        }
    }

    private void SendAsDaemon(uint tag, byte[] payload)
    {
        var any = _checkpoint?.Parts.FirstOrDefault()?.Rank ?? _ranks.FirstOrDefault();
        var daemon = any?.Daemon ?? new OrteProcessName(OrteName.JobIdInvalid, OrteName.VpidInvalid);
        var hnp = any?.Hnp ?? new OrteProcessName(OrteName.JobIdInvalid, OrteName.VpidInvalid);
        _ports.SendToGlobal(FrameCodec.Encode(FrameKind.Rml, tag, daemon, FrameRole.Daemon, hnp, FrameRole.Hnp, payload));
    }

    private sealed class LocalCheckpoint(SstoreCentralHandleInfo info, SnapcCheckpointOptions options)
    {
        public SstoreCentralHandleInfo Info { get; } = info;
        public SnapcCheckpointOptions Options { get; } = options;
        public List<LocalPart> Parts { get; } = new();
        public int Reported { get; set; } = SnapcCkptState.Pending;
        public bool RunningSent { get; set; }
        public bool ErrorSent { get; set; }
        public bool PushSent { get; set; }
        public bool Failed { get; set; }
        public DateTime? DrainUntil { get; set; }

        public LocalPart? Find(LocalRank rank) => Parts.FirstOrDefault(p => ReferenceEquals(p.Rank, rank));
    }

    private sealed class LocalPart(LocalRank rank)
    {
        public LocalRank Rank { get; } = rank;
        public int State { get; set; } = SnapcCkptState.Pending;
        public IHandshake? Handshake { get; set; }
        public bool Released { get; set; }
        public bool Finished { get; set; }
        public bool Pushed { get; set; }
        public bool Skipped { get; set; }
        public string? CrsComponent { get; set; }
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using NativeSnapc.Command.Diagnostics;
using NativeSnapc.Command.Store;
using NativeSnapc.Protocol.Dss;
using NativeSnapc.Protocol.Frames;
using NativeSnapc.Protocol.Snapc;
using NativeSnapc.Protocol.Sstore;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Command.Global;

/// <summary>How a checkpoint ended, for whoever asked for it.</summary>
internal sealed record CheckpointOutcome(bool Succeeded, int Seq, string GlobalDirectory, int Ranks, string? Error);

/// <summary>
/// The job as the global coordinator sees it (native-snapc status). <paramref name="Nodes"/> counts the nodes with a
/// connected rank: `run` starts its own node's local coordinator whether or not ranks run there.
/// </summary>
internal sealed record JobStatus(int JobState, int RanksConnected, int ProcessCount, int Nodes, bool Checkpointable,
    int? CurrentSeq, int? LastFinishedSeq, string GlobalDirectory);

/// <summary>The global coordinator's ways out.</summary>
internal interface IGlobalPorts
{
    /// <summary>A whole frame to one node's local coordinator; false when the link is gone.</summary>
    bool SendToNode(object node, byte[] frame);

    /// <summary>Ends the job after a <c>term</c> checkpoint (orte_plm.terminate_job's place).</summary>
    void TerminateJob();

    DateTime Now { get; }
}

/// <summary>Bounds of the global coordinator.</summary>
internal sealed record GlobalSettings(TimeSpan ReadyWait, TimeSpan CheckpointWait, TimeSpan SyncWait, TimeSpan ErrorDrain)
{
    public static GlobalSettings Default => new(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(3600), TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(30));
}

/// <summary>
/// snapc_full_global.c and sstore_central_global.c in the `run` process: the ranks' requests (relayed by their
/// local coordinators), the job-state machine over the local coordinators that have ranks, the handles and
/// sequences, the global metadata. A state machine behind a lock; the links and a ticking thread call in.
/// Differences from the original, on purpose: an ERROR from any node fails the checkpoint everywhere (ranks
/// released or abandoned, the requester answered op_state -1) instead of hanging; every wait is bounded;
/// checkpoints are queued and run one at a time; one starts only when every rank of the job is connected.
/// </summary>
internal sealed class GlobalCoordinator
{
    private const DssBufferType BufferType = DssBufferType.NonDescribed;

    private readonly object _gate = new();
    private readonly IGlobalPorts _ports;
    private readonly ISnapshotStore _store;
    private readonly GlobalSettings _settings;
    private readonly Dictionary<uint, GlobalRank> _ranks = new();
    private readonly List<GlobalNode> _nodes = new();
    private readonly Queue<Request> _queue = new();
    private readonly List<(object Node, OrteProcessName Rank)> _pendingFinAcks = new();
    private Checkpoint? _checkpoint;
    private uint _nextHandle = 1;
    private int? _lastFinishedSeq;

    /// <summary>The job is being ended after a term checkpoint: its ranks' deaths are expected.</summary>
    private bool _terminating;

    public GlobalCoordinator(IGlobalPorts ports, ISnapshotStore store, GlobalSettings settings)
    {
        _ports = ports;
        _store = store;
        _settings = settings;
    }

    public uint JobId { get; private set; } = OrteName.JobIdInvalid;

    public uint ProcessCount { get; private set; }

    public OrteProcessName Hnp { get; private set; }

    /// <summary>current_job_ckpt_state.</summary>
    public int JobState { get; private set; } = SnapcCkptState.None;

    /// <summary>Called (under the coordinator's lock) when a sequence is finished: `run --keep` prunes there.</summary>
    public Action<int>? SequenceFinished { get; set; }

    /// <summary>is_app_checkpointable: set by INIT, cleared by FIN.</summary>
    public bool Checkpointable { get; private set; }

    /// <summary>
    /// The job is over (mpirun exited): a checkpoint still running fails and every queued request is answered,
    /// so whoever waits for one hears why at once.
    /// </summary>
    public void EndJob(string why)
    {
        lock (_gate)
        {
            _terminating = true;
            if (_checkpoint is { Ended: false } checkpoint)
            {
                Fail(checkpoint, why);
            }
            while (_queue.Count > 0)
            {
                Answer(_queue.Dequeue(), new CheckpointOutcome(false, -1, _store.GlobalDirectory, 0, why));
            }
        }
    }

    /// <summary>The job is being ended from outside (run --checkpoint-on): its ranks' deaths are expected, not errors.</summary>
    public void ExpectJobEnd()
    {
        lock (_gate)
        {
            _terminating = true;
        }
    }

    // ---- nodes and ranks -------------------------------------------------------------------------

    public void AddNode(object link, string name)
    {
        lock (_gate)
        {
            _nodes.Add(new GlobalNode(link, name));
            Log.Verbose(2, $"node {name} joined ({_nodes.Count} nodes)");
        }
    }

    public void RemoveNode(object link)
    {
        lock (_gate)
        {
            var node = _nodes.FirstOrDefault(n => n.Link == link);
            if (node is null)
            {
                return;
            }
            _nodes.Remove(node);
            foreach (var rank in _ranks.Values.Where(r => r.Node == node && r.Connected))
            {
                rank.Connected = false;
            }
            if (_checkpoint is { } checkpoint && checkpoint.Nodes.Contains(node) && !checkpoint.Ended)
            {
                Fail(checkpoint, $"the local coordinator of node {node.Name} is gone");
            }
            MaybeReset();
        }
    }

    /// <summary>A frame from a node: a rank's HELLO/BYE or message, or the local coordinator's own.</summary>
    public void OnNodeFrame(object link, FrameHeader header, byte[] payload)
    {
        lock (_gate)
        {
            var node = _nodes.FirstOrDefault(n => n.Link == link);
            if (node is null)
            {
                return;
            }
            switch (header.Kind)
            {
                case FrameKind.Hello when HelloPayload.TryDecode(payload, out var hello):
                    OnRankHello(node, header.Source, hello);
                    break;
                case FrameKind.Bye:
                    OnRankBye(header.Source, died: header.Tag != 0);
                    break;
                case FrameKind.Rml when header.SourceRole == FrameRole.App && header.Tag == RmlTag.SnapcFull:
                    OnRequestOp(node, header.Source, payload);
                    break;
                case FrameKind.Rml when header.SourceRole == FrameRole.Daemon && header.Tag == RmlTag.SnapcFull:
                    OnOrtedState(node, payload);
                    break;
                case FrameKind.Rml when header.SourceRole == FrameRole.Daemon && header.Tag == RmlTag.SstoreInternal:
                    OnLocalPush(node, payload);
                    break;
                default:
                    Log.Error($"node {node.Name}: unexpected frame {header.Kind} tag {header.Tag} from {header.Source} ({header.SourceRole}); dropped");
                    break;
            }
        }
    }

    private void OnRankHello(GlobalNode node, OrteProcessName name, HelloPayload hello)
    {
        if (JobId == OrteName.JobIdInvalid)
        {
            JobId = name.jobid;
            ProcessCount = hello.ProcessCount;
            Hnp = hello.Hnp;
        }
        else if (name.jobid != JobId)
        {
            Log.Error($"node {node.Name}: rank {name} is not of job {JobId}; ignored");
            return;
        }
        node.Daemon = hello.Daemon;
        _ranks[name.vpid] = new GlobalRank(name, hello.Pid, node);
        Log.Verbose(5, $"rank {name} (pid {hello.Pid}) on node {node.Name}: {_ranks.Values.Count(r => r.Connected)} of {ProcessCount} connected");
        StartNext();
    }

    private void OnRankBye(OrteProcessName name, bool died)
    {
        if (_ranks.TryGetValue(name.vpid, out var rank))
        {
            rank.Connected = false;
            if (died && _terminating)
            {
                Log.Verbose(2, $"rank {name} (pid {rank.Pid}) ended with the job");
            }
            else if (died)
            {
                Log.Error($"rank {name} (pid {rank.Pid}) died");
            }
        }
    }

    // ---- requests from the ranks (REQUEST_OP, snapc_full_process_request_op_cmd) ----------------

    private void OnRequestOp(GlobalNode node, OrteProcessName sender, byte[] payload)
    {
        var status = SnapcMessages.ParseRequestOp(payload, BufferType, out var request);
        if (status != OpalStatus.Success)
        {
            Log.Error($"undecodable REQUEST_OP from {sender} ({status}); dropped");
            return;
        }
        Log.Verbose(5, $"request {request!.Event} from {sender}");
        switch (request.Event)
        {
            case SnapcOpEvent.Init:
                Checkpointable = true;
                StartNext();
                break;
            case SnapcOpEvent.Fin:
                Checkpointable = false;
                if (JobState is SnapcCkptState.None or SnapcCkptState.Error && _checkpoint is null)
                {
                    SendFinAck(node.Link, sender);
                }
                else
                {
                    _pendingFinAcks.Add((node.Link, sender));
                }
                break;
            case SnapcOpEvent.Checkpoint:
                Enqueue(new Request(RequestKind.Checkpoint, SnapcCheckpointOptions.None, (node.Link, sender), null));
                break;
            case SnapcOpEvent.QuiesceStart:
                Enqueue(new Request(RequestKind.QuiesceStart, new SnapcCheckpointOptions(false, false, true, false), null, null));
                break;
            case SnapcOpEvent.QuiesceEnd:
                // The ranks end the quiesce on their own (stage 2 on the still-open FIFOs); the checkpoint runs to NONE.
                break;
            case SnapcOpEvent.Restart:
                Log.Error($"rank {sender} asked to restart the job from seq {request.SeqNum} of {request.GlobalHandle ?? "(none)"}: restarting a running job in place is not supported (use `native-snapc restart` on a stopped job); refused");
                Refuse(node, sender, SnapcOpEvent.Restart);
                break;
            case SnapcOpEvent.Migrate:
                Log.Error($"rank {sender} asked to migrate {request.MigrationCount} processes: this runtime cannot move processes between nodes; refused");
                Refuse(node, sender, SnapcOpEvent.Migrate);
                break;
            default:
                Log.Error($"rank {sender} sent REQUEST_OP event {(int)request.Event}, which the HNP does not handle; dropped");
                break;
        }
    }

    /// <summary>
    /// A refused RESTART or MIGRATE is answered at once in the form of the HNP's completion replies (cmd, the
    /// request's event, op_state -1), so the requesting rank returns an error instead of waiting out its bound
    /// (Open MPI's HNP sends nothing for a failed migration or restart).
    /// </summary>
    private void Refuse(GlobalNode node, OrteProcessName requester, SnapcOpEvent opEvent)
    {
        if (SnapcMessages.BuildRequestOpDone(BufferType, opEvent, -1, out var bytes) == OpalStatus.Success)
        {
            _ports.SendToNode(node.Link, FrameCodec.Encode(FrameKind.Rml, RmlTag.SnapcFull, Hnp, FrameRole.Hnp, requester, FrameRole.App, bytes));
        }
    }

    private void SendFinAck(object link, OrteProcessName rank)
    {
        if (SnapcMessages.BuildFinAck(BufferType, out var bytes) == OpalStatus.Success)
        {
            _ports.SendToNode(link, FrameCodec.Encode(FrameKind.Rml, RmlTag.SnapcFull, Hnp, FrameRole.Hnp, rank, FrameRole.App, bytes));
        }
    }

    // ---- checkpoints -------------------------------------------------------------------------------

    /// <summary>A checkpoint asked for by `native-snapc checkpoint` (or the interval timer).</summary>
    public void RequestCheckpoint(bool term, Action<CheckpointOutcome> done, Action<int>? progress = null)
    {
        lock (_gate)
        {
            Enqueue(new Request(RequestKind.Control, new SnapcCheckpointOptions(term, false, false, false), null, done) { Progress = progress });
        }
    }

    public JobStatus Status()
    {
        lock (_gate)
        {
            return new JobStatus(JobState, _ranks.Values.Count(r => r.Connected), (int)ProcessCount,
                _ranks.Values.Where(r => r.Connected).Select(r => r.Node).Distinct().Count(), Checkpointable,
                _checkpoint?.Seq, _lastFinishedSeq, _store.GlobalDirectory);
        }
    }

    private void Enqueue(Request request)
    {
        if (_terminating)
        {
            Answer(request, new CheckpointOutcome(false, -1, _store.GlobalDirectory, 0, "the job is ending"));
            return;
        }
        request.ReadyBy = _ports.Now + _settings.ReadyWait;
        _queue.Enqueue(request);
        StartNext();
    }

    private bool AllRanksConnected => ProcessCount > 0 && _ranks.Values.Count(r => r.Connected) == ProcessCount;

    private void StartNext()
    {
        while (_checkpoint is null && _queue.Count > 0)
        {
            var request = _queue.Peek();
            if (_terminating)
            {
                _queue.Dequeue();
                Answer(request, new CheckpointOutcome(false, -1, _store.GlobalDirectory, 0, "the job is ending"));
                continue;
            }
            if (!AllRanksConnected || !Checkpointable)
            {
                if (_ports.Now < request.ReadyBy)
                {
                    return; // Tick retries until the job is ready or the wait is over.
                }
                _queue.Dequeue();
                var why = !AllRanksConnected
                    ? $"the job is not checkpointable now: {_ranks.Values.Count(r => r.Connected)} of {(ProcessCount == 0 ? "?" : ProcessCount.ToString(System.Globalization.CultureInfo.InvariantCulture))} ranks connected"
                    : "the job is not checkpointable now (it has not initialized, or it is finalizing)";
                Log.Error(why);
                Answer(request, new CheckpointOutcome(false, -1, _store.GlobalDirectory, 0, why));
                continue;
            }
            _queue.Dequeue();
            Begin(request);
        }
    }

    private void Begin(Request request)
    {
        var seq = _store.NextSeq();
        var handle = _nextHandle++;
        var nodes = _nodes.Where(n => _ranks.Values.Any(r => r.Connected && r.Node == n)).ToList();
        var checkpoint = new Checkpoint(request, handle, seq, nodes, (int)ProcessCount) { Deadline = _ports.Now + _settings.CheckpointWait };
        _checkpoint = checkpoint;
        JobState = SnapcCkptState.Request;
        Log.Info($"checkpoint of job {JobId}: handle {handle}, seq {seq}, {ProcessCount} ranks on {nodes.Count} nodes{(request.Options.Term ? ", term" : "")}{(request.Options.IncPrepOnly ? ", quiesce" : "")}");
        if (!_store.Begin(seq))
        {
            Fail(checkpoint, "cannot write the global snapshot metadata");
            MaybeReset();
            return;
        }
        var info = new SstoreCentralHandleInfo(handle, seq, _store.Reference, _store.AppLocationFormat(seq));
        if (CoordinatorMessages.BuildJobStateUpdate(BufferType, JobId, SnapcCkptState.Pending, info, request.Options, null, out var bytes) != OpalStatus.Success)
        {
            Fail(checkpoint, "cannot pack the job state update");
            MaybeReset();
            return;
        }
        JobState = SnapcCkptState.Pending;
        Progress(checkpoint);
        foreach (var node in nodes)
        {
            node.State = SnapcCkptState.Pending;
            if (!_ports.SendToNode(node.Link, Frame(node, bytes)))
            {
                Fail(checkpoint, $"cannot reach the local coordinator of node {node.Name}");
                MaybeReset();
                return;
            }
        }
    }

    private byte[] Frame(GlobalNode node, byte[] payload) =>
        FrameCodec.Encode(FrameKind.Rml, RmlTag.SnapcFull, Hnp, FrameRole.Hnp, node.Daemon, FrameRole.Daemon, payload);

    private void Broadcast(int state)
    {
        if (_checkpoint is not { } checkpoint || CoordinatorMessages.BuildJobStateUpdateQuick(BufferType, JobId, state, out var bytes) != OpalStatus.Success)
        {
            return;
        }
        foreach (var node in checkpoint.Nodes)
        {
            _ports.SendToNode(node.Link, Frame(node, bytes));
        }
    }

    /// <summary>snapc_full_process_orted_update_cmd: the minimum over the nodes of the checkpoint drives the job.</summary>
    private void OnOrtedState(GlobalNode node, byte[] payload)
    {
        var status = CoordinatorMessages.ParseOrtedStateUpdate(payload, BufferType, out var update);
        if (status != OpalStatus.Success)
        {
            Log.Error($"node {node.Name}: undecodable state update ({status})");
            return;
        }
        if (_checkpoint is not { } checkpoint || !checkpoint.Nodes.Contains(node))
        {
            Log.Verbose(5, $"node {node.Name}: state {update!.State} outside a checkpoint; ignored");
            return;
        }
        node.State = update!.State;
        Log.Verbose(10, $"node {node.Name}: state {node.State}");
        if (node.State == SnapcCkptState.Error && !checkpoint.Ended)
        {
            Fail(checkpoint, $"a rank on node {node.Name} failed its checkpoint");
            MaybeReset();
            return;
        }
        var minimum = checkpoint.Nodes.Min(n => n.State);
        if (checkpoint.Ended)
        {
            MaybeReset();
            return;
        }
        if (minimum == SnapcCkptState.Running && JobState < SnapcCkptState.Running)
        {
            JobState = SnapcCkptState.Running;
            Progress(checkpoint);
        }
        else if (minimum == SnapcCkptState.IncPreped && JobState < SnapcCkptState.IncPreped)
        {
            JobState = SnapcCkptState.IncPreped;
            Progress(checkpoint);
            Log.Info($"job {JobId} quiesced (seq {checkpoint.Seq})");
        }
        else if (minimum == SnapcCkptState.FinishedLocal && JobState < SnapcCkptState.FinishedLocal)
        {
            JobState = SnapcCkptState.FinishedLocal;
            Progress(checkpoint);
            Broadcast(SnapcCkptState.FinishedLocal);
            checkpoint.SyncBy = _ports.Now + _settings.SyncWait;
            MaybeEstablish(checkpoint);
        }
        else if (minimum == SnapcCkptState.Recovered)
        {
            checkpoint.Recovered = true;
            MaybeReset();
        }
    }

    /// <summary>process_local_push: every rank's component for the metadata; the global sync ends when all are in.</summary>
    private void OnLocalPush(GlobalNode node, byte[] payload)
    {
        var reader = new DssReader(payload, BufferType);
        var status = SstoreCentralMessages.ParseHead(reader, out var head);
        SstoreLocalPush? push = null;
        if (status == OpalStatus.Success && head.Command == SstoreCentralCommand.Push)
        {
            status = SstoreCentralMessages.ParseLocalPushBody(reader, head, out push);
        }
        if (status != OpalStatus.Success || push is null)
        {
            Log.Error($"node {node.Name}: undecodable sstore message ({status})");
            return;
        }
        if (_checkpoint is not { } checkpoint || checkpoint.Handle != head.Handle || checkpoint.Ended)
        {
            Log.Error($"node {node.Name}: sstore PUSH for handle {head.Handle}, which no running checkpoint has; ignored");
            return;
        }
        foreach (var entry in push.Entries)
        {
            if (!entry.Skipped)
            {
                if (string.IsNullOrEmpty(entry.CrsComponent))
                {
                    Log.Error($"rank {entry.Name} synced its snapshot without naming its CRS component");
                    checkpoint.Incomplete = true;
                }
                checkpoint.Processes.Add(($"{entry.Name.jobid}.{entry.Name.vpid}", entry.CrsComponent ?? ""));
            }
            checkpoint.Synced++;
        }
        MaybeEstablish(checkpoint);
    }

    /// <summary>The global sync: once FINISHED_LOCAL and every rank synced, the sequence is finished and ESTABLISHED goes out.</summary>
    private void MaybeEstablish(Checkpoint checkpoint)
    {
        if (checkpoint.Established || checkpoint.Ended || JobState < SnapcCkptState.FinishedLocal || checkpoint.Synced < checkpoint.ProcessesTotal)
        {
            return;
        }
        if (checkpoint.Incomplete)
        {
            Fail(checkpoint, "a rank's snapshot names no CRS component: the sequence cannot be restarted");
            MaybeReset();
            return;
        }
        if (!_store.End(checkpoint.Seq, finished: true, checkpoint.Processes))
        {
            Fail(checkpoint, "cannot write the global snapshot metadata");
            MaybeReset();
            return;
        }
        checkpoint.Established = true;
        _lastFinishedSeq = checkpoint.Seq;
        try
        {
            SequenceFinished?.Invoke(checkpoint.Seq);
        }
        catch (Exception e)
        {
            Log.Error($"after seq {checkpoint.Seq}: {e.Message}");
        }
        JobState = SnapcCkptState.Established;
        Progress(checkpoint);
        Broadcast(SnapcCkptState.Established);
        MaybeReset();
    }

    /// <summary>ERROR: every node is told (ranks released or abandoned there), the sequence stays unfinished, the requester hears -1 at once.</summary>
    private void Fail(Checkpoint checkpoint, string why)
    {
        if (checkpoint.Ended)
        {
            return;
        }
        Log.Error($"checkpoint seq {checkpoint.Seq} (handle {checkpoint.Handle}) failed: {why}");
        checkpoint.Ended = true;
        checkpoint.Error = why;
        JobState = SnapcCkptState.Error;
        Broadcast(SnapcCkptState.Error);
        _store.End(checkpoint.Seq, finished: false, checkpoint.Processes);
        checkpoint.DrainBy = _ports.Now + _settings.ErrorDrain;
        Progress(checkpoint);
        Answer(checkpoint.Request, Outcome(checkpoint));
        checkpoint.Answered = true;
    }

    /// <summary>orte_snapc_full_global_reset_coord: when the nodes recovered and the checkpoint is established (or failed and drained).</summary>
    private void MaybeReset()
    {
        if (_checkpoint is not { } checkpoint)
        {
            return;
        }
        var nodesDone = checkpoint.Nodes.All(n => !_nodes.Contains(n) || n.State == SnapcCkptState.Recovered);
        var drained = checkpoint.Ended && (nodesDone || _ports.Now >= checkpoint.DrainBy);
        var succeeded = checkpoint.Established && (checkpoint.Recovered || nodesDone);
        if (!drained && !succeeded)
        {
            return;
        }
        foreach (var node in checkpoint.Nodes)
        {
            node.State = SnapcCkptState.None;
        }
        _checkpoint = null;
        JobState = SnapcCkptState.None;
        if (!checkpoint.Answered)
        {
            Answer(checkpoint.Request, Outcome(checkpoint));
        }
        Log.Info($"checkpoint seq {checkpoint.Seq}: {(checkpoint.Error is null ? $"finished ({_store.GlobalDirectory}/{checkpoint.Seq})" : "failed")}");
        foreach (var (link, rank) in _pendingFinAcks)
        {
            SendFinAck(link, rank);
        }
        _pendingFinAcks.Clear();
        if (checkpoint.Error is null && checkpoint.Request.Options.Term)
        {
            Log.Info($"terminating job {JobId} after its checkpoint (term)");
            _terminating = true;
            _ports.TerminateJob();
        }
        StartNext();
    }

    private CheckpointOutcome Outcome(Checkpoint checkpoint) =>
        new(checkpoint.Error is null, checkpoint.Seq, _store.GlobalDirectory, checkpoint.ProcessesTotal, checkpoint.Error);

    private void Answer(Request request, CheckpointOutcome outcome)
    {
        if (request.Requester is { } requester && request.Kind == RequestKind.Checkpoint)
        {
            if (SnapcMessages.BuildCheckpointDone(BufferType, outcome.Succeeded ? 0 : -1, out var bytes) == OpalStatus.Success)
            {
                _ports.SendToNode(requester.Node, FrameCodec.Encode(FrameKind.Rml, RmlTag.SnapcFull, Hnp, FrameRole.Hnp, requester.Rank, FrameRole.App, bytes));
            }
        }
        try
        {
            request.Done?.Invoke(outcome);
        }
        catch (Exception e)
        {
            Log.Error($"reporting a checkpoint's end failed: {e.Message}");
        }
    }

    private void Progress(Checkpoint checkpoint)
    {
        try
        {
            checkpoint.Request.Progress?.Invoke(JobState);
        }
        catch (Exception e)
        {
            Log.Verbose(1, $"progress report failed: {e.Message}");
        }
    }

    /// <summary>The bounds: the readiness wait of queued requests, the whole checkpoint, the global sync, the drain after an error.</summary>
    public void Tick()
    {
        lock (_gate)
        {
            var now = _ports.Now;
            if (_checkpoint is { } checkpoint)
            {
                if (!checkpoint.Ended && now >= checkpoint.Deadline)
                {
                    Fail(checkpoint, $"not finished within {_settings.CheckpointWait.TotalSeconds:F0} s");
                }
                else if (!checkpoint.Ended && checkpoint.SyncBy is { } syncBy && now >= syncBy && !checkpoint.Established)
                {
                    Fail(checkpoint, $"only {checkpoint.Synced} of {checkpoint.ProcessesTotal} ranks synced their snapshots within {_settings.SyncWait.TotalSeconds:F0} s");
                }
                MaybeReset();
            }
            StartNext();
        }
    }

    private enum RequestKind { Checkpoint, QuiesceStart, Control }

    private sealed record Request(RequestKind Kind, SnapcCheckpointOptions Options, (object Node, OrteProcessName Rank)? Requester, Action<CheckpointOutcome>? Done)
    {
        public DateTime ReadyBy { get; set; }
        public Action<int>? Progress { get; init; }
    }

    private sealed class Checkpoint(Request request, uint handle, int seq, List<GlobalNode> nodes, int processesTotal)
    {
        public Request Request { get; } = request;
        public uint Handle { get; } = handle;
        public int Seq { get; } = seq;
        public List<GlobalNode> Nodes { get; } = nodes;
        public int ProcessesTotal { get; } = processesTotal;
        public int Synced { get; set; }
        /// <summary>The ranks' metadata lines, written with the sequence's end (one fsync, not one per rank).</summary>
        public List<(string Process, string Component)> Processes { get; } = new();
        public bool Incomplete { get; set; }
        public bool Established { get; set; }
        public bool Recovered { get; set; }
        public bool Ended { get; set; }
        public bool Answered { get; set; }
        public string? Error { get; set; }
        public DateTime Deadline { get; set; }
        public DateTime? SyncBy { get; set; }
        public DateTime DrainBy { get; set; }
    }

    private sealed class GlobalNode(object link, string name)
    {
        public object Link { get; } = link;
        public string Name { get; } = name;
        public OrteProcessName Daemon { get; set; } = new(OrteName.JobIdInvalid, OrteName.VpidInvalid);
        public int State { get; set; } = SnapcCkptState.None;
    }

    private sealed class GlobalRank(OrteProcessName name, int pid, GlobalNode node)
    {
        public OrteProcessName Name { get; } = name;
        public int Pid { get; } = pid;
        public GlobalNode Node { get; } = node;
        public bool Connected { get; set; } = true;
    }
}

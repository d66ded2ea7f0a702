using System;
using System.Diagnostics;
using System.Threading;
using NativeSnapc.Abi;
using NativeSnapc.Channels;
using NativeSnapc.Channels.Fifo;
using NativeSnapc.Channels.Signals;
using NativeSnapc.Diagnostics;
using NativeSnapc.Protocol.Dss;
using NativeSnapc.Protocol.Snapc;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Coordinator;

/// <summary>
/// The application-side coordinator of Open MPI's snapc "full" component (snapc_full_app.c): init and
/// finalize with the fence and INIT / FIN / FIN_ACK, the checkpoint driven by the host's notify callback
/// (one <see cref="CheckpointAttempt"/> at a time: its three stages and the FIFO handshake with the local
/// coordinator), <c>app_coord_ft_event</c> and
/// <c>app_coord_request_op</c>. Behaviour and every byte on the wire follow the original; its defects
/// (docs/protocol.md#defects) are fixed as listed in README.md, "Differences from the original".
///
/// It talks to the MPI runtime only through the concern ports of <see cref="IHostPort"/> and to the outside world only through
/// the channels, so it carries no P/Invoke and can be tested with fakes. Like the original it is one
/// logical actor; what other threads poll (request_op's loops while the FT thread checkpoints) is volatile.
/// </summary>
internal sealed partial class AppCoordinator
{
    /// <summary>How often the bounded local waits poll (the original busy-spins or sleeps a second).</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(1);

    private readonly IHostIdentity _identity;
    private readonly ICheckpointRequests _requests;
    private readonly IIncCore _inc;
    private readonly ICrsObjects _crs;
    private readonly IHostMessaging _messaging;
    private readonly ISnapshotStore _store;
    private readonly ICheckpointTimers _timers;
    private readonly IHandshakePipeFactory _pipeFactory;
    private readonly ICheckpointSignal _signal;
    private readonly CoordinatorSettings _settings;

    private Lifecycle _lifecycle = Lifecycle.NotInitialized;

    /// <summary>The pipe pair the next (or the current) checkpoint uses; files exist only during a handshake.</summary>
    private IHandshakePipes? _pipes;
    private int _currentUniqueId;

    /// <summary>The current or last checkpoint attempt (one object, begun anew by each attempt).</summary>
    private readonly CheckpointAttempt _attempt = new();

    /// <summary>LOCAL_FINISH is packed here, every attempt (the host's buffer type is fixed once OPAL's dss is open).</summary>
    private DssWriter? _finishWriter;

    /// <summary>The handle of the last attempt that reached stage 2 (<c>last_ss_handle</c>): request_op reports its snapshot.</summary>
    private uint _lastSsHandle;

    // What request_op's loops wait for, which an attempt sets and which outlives it. Volatile: the loops may poll
    // from another thread than the one the host's test point runs attempts on.

    /// <summary>
    /// The original's <c>current_cr_state</c>: RUNNING once an attempt's handshake is done, then its final state;
    /// NONE again when a leader sends CHECKPOINT, so that its wait sees only its own checkpoint.
    /// </summary>
    private volatile OpalCrsState _publishedCrState = OpalCrsState.None;

    /// <summary>
    /// This leader sent MIGRATE and the migration has not run here yet: the original's <c>currently_all_migrating</c>
    /// as request_op sees it (set by the request, cleared by a handshake without a migration and by stage 3).
    /// </summary>
    private volatile bool _migrationPending;

    /// <summary>An attempt of QUIESCE_START failed after INC prep; request_op's wait reports it and clears it.</summary>
    private volatile bool _quiesceStartFailed;

    /// <summary>Replies to CHECKPOINT or MIGRATE requests the leader stopped waiting for; the HNP may still send them.</summary>
    private int _owedHnpReplies;

    /// <summary>How long a request waits for a late reply to an earlier one before it is sent (see <see cref="DrainOwedReplies"/>).</summary>
    private static readonly TimeSpan OwedReplyGrace = TimeSpan.FromSeconds(1);

    public AppCoordinator(IHostPort host, IHandshakePipeFactory pipeFactory, ICheckpointSignal signal, CoordinatorSettings settings)
    {
        _identity = host;
        _requests = host;
        _inc = host;
        _crs = host;
        _messaging = host;
        _store = host;
        _timers = host;
        _pipeFactory = pipeFactory;
        _signal = signal;
        _settings = settings;
    }

    private enum Lifecycle
    {
        NotInitialized,
        Initialized,
        Finalized,
    }

    public bool IsInitialized => _lifecycle == Lifecycle.Initialized;

    /// <summary>The id the next pipe pair will carry (for tests and logs).</summary>
    internal int CurrentUniqueId => _currentUniqueId;

    /// <summary>The pipe pair the next checkpoint will use.</summary>
    internal IHandshakePipes? Pipes => _pipes;

    private uint MyVpid => _identity.MyName.vpid;

    // ---- app_coord_init ---------------------------------------------------------------------------

    public int Init()
    {
        if (_lifecycle == Lifecycle.Initialized)
        {
            Log.Error("App) init: Error: app_coord_init called twice; the coordinator is already initialized");
            return OpalStatus.Exists;
        }
        Log.Verbose(20, $"App) Initalized for Application {_identity.MyName}");

        var status = _requests.RegisterNotifyCallback(NotifyResponse);
        if (status != OpalStatus.Success)
        {
            Log.Error($"App) init: Error: cannot register the notify callback ({status})");
            return status;
        }

        _currentUniqueId = 0;
        DefinePipeNames();
        _publishedCrState = OpalCrsState.None;

        var installed = _signal.Install(_requests.EntryPointSignal, _requests.CheckpointRequestCell);
        if (!installed.Ok)
        {
            Log.Error($"App) init: Error: Failed to register signal {_requests.EntryPointSignal}: {installed}");
            UndoInit();
            return OpalStatus.Error;
        }
        Log.Verbose(15, $"app) Named Pipes ({_pipes!.ReadPath}) ({_pipes.WritePath}), Signal ({_requests.EntryPointSignal})");

        if (MyVpid == 0)
        {
            Log.Verbose(3, "app) Startup Barrier...");
        }
        status = _messaging.Fence();
        if (status != OpalStatus.Success)
        {
            Log.Error($"App) init: Error: the startup fence failed ({status})");
            UndoInit();
            return status;
        }

        if (MyVpid == 0)
        {
            Log.Verbose(3, "app) Startup Barrier: Send INIT to HNP...!");
            status = SnapcMessages.BuildInit(_messaging.BufferType, _identity.MyName.jobid, out var init);
            if (status == OpalStatus.Success)
            {
                status = _messaging.Send(RmlPeer.Hnp, RmlTag.SnapcFull, init);
            }
            if (status != OpalStatus.Success)
            {
                Log.Error($"App) init: Error: cannot send INIT to the HNP ({status})");
                UndoInit();
                return status;
            }
            Log.Verbose(3, "app) Startup Barrier: Done!");
        }

        _lifecycle = Lifecycle.Initialized;
        return OpalStatus.Success;
    }

    private void UndoInit()
    {
        _signal.Restore();
        _requests.UnregisterNotifyCallback();
        _pipes = null;
    }

    // ---- app_coord_finalize -----------------------------------------------------------------------

    public int Finalize()
    {
        if (_lifecycle != Lifecycle.Initialized)
        {
            Log.Error("App) finalize: Error: app_coord_finalize called without a successful app_coord_init");
            return OpalStatus.NotInitialized;
        }

        if (MyVpid == 0)
        {
            Log.Verbose(3, "app) Shutdown Barrier...");
        }
        var status = _messaging.Fence();
        if (status != OpalStatus.Success)
        {
            Log.Error($"App) finalize: Error: the shutdown fence failed ({status})");
        }
        else if (MyVpid == 0)
        {
            status = SendFinAndWaitForAck();
        }
        if (MyVpid == 0 && status == OpalStatus.Success)
        {
            Log.Verbose(3, "app) Shutdown Barrier, Done!");
        }

        ReleaseAfterFinalize();
        _lifecycle = Lifecycle.Finalized;
        Log.Verbose(1, $"App) finalize: {_notifyAllocations}");
        return status;
    }

    /// <summary>
    /// The protocol has no request ids: a late reply to an earlier request this process stopped waiting for
    /// would be taken for the reply to the next one. Before the next request goes out such a reply is given a
    /// short while to arrive and is dropped; one that does not come is forgotten (Open MPI 4.1's HNP never
    /// answers some failed checkpoints).
    /// </summary>
    private void DrainOwedReplies()
    {
        while (_owedHnpReplies > 0)
        {
            _owedHnpReplies--;
            var grace = OwedReplyGrace < _settings.ReplyTimeout ? OwedReplyGrace : _settings.ReplyTimeout;
            if (_messaging.Receive(RmlPeer.Hnp, RmlTag.SnapcFull, grace, out _) == OpalStatus.Success)
            {
                Log.Verbose(5, "App) Dropped a late reply to an earlier request");
            }
            else
            {
                _owedHnpReplies = 0;
            }
        }
    }

    private int SendFinAndWaitForAck()
    {
        DrainOwedReplies();
        Log.Verbose(3, "app) Shutdown Barrier: Send FIN to HNP...!");
        var status = SnapcMessages.BuildFin(_messaging.BufferType, _identity.MyName.jobid, out var fin);
        if (status == OpalStatus.Success)
        {
            status = _messaging.Send(RmlPeer.Hnp, RmlTag.SnapcFull, fin);
        }
        if (status != OpalStatus.Success)
        {
            Log.Error($"App) finalize: Error: cannot send FIN to the HNP ({status})");
            return status;
        }

        Log.Verbose(3, "app) Shutdown Barrier: Waiting on FIN_ACK...!");
        return ReceiveReply(SnapcOpEvent.FinAck, out _);
    }

    /// <summary>
    /// Receives the HNP's reply to our last request (tag 25), within the reply bound; anything but that reply
    /// is an error. Whenever the wait ends without the reply — nothing came, or what came cannot be unpacked or
    /// answers something else — the reply may still come, and is owed: the next request drains it first.
    /// </summary>
    private int ReceiveReply(SnapcOpEvent expected, out SnapcRequestOpReply? reply) =>
        ReceiveReply(expected, _settings.ReplyTimeout, null, out reply);

    /// <summary>
    /// <see cref="ReceiveReply(SnapcOpEvent, out SnapcRequestOpReply?)"/> within <paramref name="bound"/>, calling
    /// <paramref name="whileWaiting"/> between polls (a leader that must take part in checkpoints meanwhile; false
    /// ends the wait early).
    /// </summary>
    private int ReceiveReply(SnapcOpEvent expected, TimeSpan bound, Func<bool>? whileWaiting, out SnapcRequestOpReply? reply)
    {
        reply = null;
        byte[] payload;
        var status = whileWaiting is null
            ? _messaging.Receive(RmlPeer.Hnp, RmlTag.SnapcFull, bound, out payload)
            : _messaging.ReceiveServicing(RmlPeer.Hnp, RmlTag.SnapcFull, bound, whileWaiting, out payload);
        if (status != OpalStatus.Success)
        {
            Log.Error(whileWaiting is null
                ? $"App) Error: no reply to {expected} from the HNP within {bound.TotalSeconds:F0} s ({status})"
                : $"App) Error: no reply to {expected} from the HNP ({status})");
            _owedHnpReplies++;
            return status;
        }
        status = expected == SnapcOpEvent.FinAck
            ? SnapcMessages.ParseFinAck(payload, _messaging.BufferType, out reply)
            : SnapcMessages.ParseRequestOpDone(payload, _messaging.BufferType, out reply);
        if (status != OpalStatus.Success)
        {
            Log.Error($"App) Error: the HNP's reply cannot be unpacked ({status})");
            _owedHnpReplies++;
            return status;
        }
        if (reply!.Command != SnapcCommand.FullRequestOp || reply.Event != expected)
        {
            Log.Error($"App) Error: expected the reply to {expected} (cmd 8, event {(int)expected}), got cmd {reply.Command}, event {(int)reply.Event}");
            _owedHnpReplies++;
            return OpalStatus.UnpackFailure;
        }
        return OpalStatus.Success;
    }

    /// <summary>
    /// What the original leaves behind at finalize, put away: the signal disposition goes back, a request
    /// the handler already recorded is withdrawn, the notify callback goes back (or ours stays and refuses),
    /// and anything still open of an unfinished checkpoint (a quiesce never ended) is closed and removed.
    /// </summary>
    private void ReleaseAfterFinalize()
    {
        var restored = _signal.Restore();
        if (!restored.Ok)
        {
            Log.Error($"App) finalize: Error: cannot restore the disposition of signal {_requests.EntryPointSignal}: {restored}");
        }
        if (_requests.CheckpointRequest == OpalCrCkptCmdState.StatusRequested)
        {
            _requests.CheckpointRequest = OpalCrCkptCmdState.StatusNone;
        }
        if (_replayRequest)
        {
            _replayRequest = false;
            _requests.CurrentlyStalled = false;
        }
        _requests.UnregisterNotifyCallback();

        if (_pipes is not null)
        {
            _pipes.CloseAndRemove();
            _pipes = null;
        }
        _attempt.ReleaseSnapshot();
        _attempt.End();
        _signal.EndCheckpoint();
    }

    // ---- app_coord_ft_event -----------------------------------------------------------------------

    public int FtEvent(int state)
    {
        if (_lifecycle != Lifecycle.Initialized)
        {
            Log.Error($"App) ft_event({state}): Error: the coordinator is not initialized");
            return OpalStatus.NotInitialized;
        }
        Log.Verbose(20, $"App) In ft_event({state})");

        switch ((OpalCrsState)state)
        {
            case OpalCrsState.Checkpoint:
                // Recorded so that a restart can recreate the session directory components (e.g. btl/sm) still reference.
                var sessionDir = _identity.JobSessionDirectory;
                if (sessionDir is not null)
                {
                    SetAttr(_store.SstoreHandleCurrent, SstoreKey.LocalMkdir, sessionDir);
                }
                if (_attempt.InProgress && _attempt.Options.Stop)
                {
                    // A stopping checkpointer freezes the process: sync before it does.
                    SetAttr(_attempt.SsHandle, SstoreKey.LocalCrsComp, _crs.SelectedCrsComponentName);
                    Sync(_attempt.SsHandle);
                }
                return OpalStatus.Success;

            case OpalCrsState.Restart:
                Log.Verbose(20, $"App) Initalized for Application {_identity.MyName} (Restart) ({_identity.GetPid(),5})");
                // The checkpointer may have restarted us through a proxy: the daemon needs the new pid.
                return SendLocalUpdate();

            case OpalCrsState.None:
            case OpalCrsState.RestartPre:
            case OpalCrsState.Continue:
            case OpalCrsState.Term:
            case OpalCrsState.Running:
            case OpalCrsState.Error:
                return OpalStatus.Success;

            default:
                Log.Error($"App) ft_event: Error: {state} is not an opal_crs_state_type_t");
                return OpalStatus.BadParam;
        }
    }

    // ---- helpers shared by the stages --------------------------------------------------------------

    /// <summary>app_define_pipe_names: the names for the current id, with the current pid; then the id moves on.</summary>
    private void DefinePipeNames()
    {
        _pipes = _pipeFactory.Create(_requests.PipeDirectory, _identity.GetPid(), _currentUniqueId);
        ++_currentUniqueId;
    }

    private int SendLocalFinish(OpalCrsState crState)
    {
        var writer = _finishWriter ??= new DssWriter(_messaging.BufferType);
        var status = SnapcMessages.WriteLocalFinish(writer, (int)crState);
        if (status == OpalStatus.Success)
        {
            status = _messaging.Send(RmlPeer.Daemon, RmlTag.Snapc, writer.WrittenSpan);
        }
        if (status != OpalStatus.Success)
        {
            Log.Error($"App) Error: cannot send LOCAL_FINISH({(int)crState}) to the local daemon ({status})");
        }
        return status;
    }

    private int SendLocalUpdate()
    {
        var status = SnapcMessages.BuildLocalUpdate(_messaging.BufferType, _identity.MyName, _identity.GetPid(), crdebugFlag: null, out var message);
        if (status == OpalStatus.Success)
        {
            status = _messaging.Send(RmlPeer.Daemon, RmlTag.Snapc, message);
        }
        if (status != OpalStatus.Success)
        {
            Log.Error($"App) ft_event: Error: cannot send LOCAL_UPDATE to the local daemon ({status})");
        }
        return status;
    }

    private int SetAttr(uint handle, uint key, string value)
    {
        var status = _store.SstoreSetAttr(handle, key, value);
        if (status != OpalStatus.Success)
        {
            Log.Verbose(10, $"App) sstore set_attr(handle {handle}, key {key}) failed ({status})");
        }
        return status;
    }

    private int Sync(uint handle)
    {
        var status = _store.SstoreSync(handle);
        if (status != OpalStatus.Success)
        {
            Log.Error($"App) Error: sstore sync of handle {handle} failed ({status})");
        }
        return status;
    }

    /// <summary>The sequence number and global reference of a snapshot, as request_op reports them (-1 / "Unknown" when missing).</summary>
    private void FillSnapshotReference(RequestOperation op, uint handle)
    {
        _store.SstoreGetAttr(handle, SstoreKey.GlobalSnapSeq, out var seq);
        op.SeqNum = seq is not null && int.TryParse(seq.Trim(), out var parsed) ? parsed : -1;
        _store.SstoreGetAttr(handle, SstoreKey.GlobalSnapRef, out var reference);
        op.SetGlobalHandle(reference ?? "Unknown");
    }

    private static int ToStatus(ChannelResult result) => result.Failure switch
    {
        ChannelFailure.None => OpalStatus.Success,
        ChannelFailure.TimedOut => OpalStatus.Timeout,
        ChannelFailure.PeerGone or ChannelFailure.Truncated => OpalStatus.ConnectionFailed,
        ChannelFailure.Refused => OpalStatus.FileOpenFailure,
        _ => OpalStatus.Error,
    };

    /// <summary>
    /// A bounded version of the original's spin loops: progress and service checkpoint requests until
    /// <paramref name="done"/> holds or <paramref name="bound"/> passes.
    /// </summary>
    private bool WaitServicingCheckpoints(Func<bool> done, TimeSpan bound)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            if (clock.Elapsed >= bound)
            {
                return false;
            }
            _requests.Progress();
            _requests.TestIfCheckpointReady();
            if (!done())
            {
                Thread.Sleep(PollInterval);
            }
        }
        return true;
    }

    /// <summary>
    /// The original waits forever here for the HNP to kill the process (term, a migrating process). The wait
    /// keeps progressing but is bounded; after it the call returns an error.
    /// </summary>
    private int WaitForTermination(string why)
    {
        Log.Verbose(5, $"App) Waiting for termination ({why}, {_identity.GetPid()})");
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < _settings.TermTimeout)
        {
            _requests.Progress();
            Thread.Sleep(TimeSpan.FromMilliseconds(10));
        }
        Log.Error($"App) Error: {why}: the process was not terminated within {_settings.TermTimeout.TotalSeconds:F0} s; returning to the application");
        return OpalStatus.Timeout;
    }
}

using System;
using System.Diagnostics;
using NativeSnapc.Abi;
using NativeSnapc.Diagnostics;
using NativeSnapc.Protocol.Snapc;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Coordinator;

/// <summary>app_coord_request_op (docs/protocol.md#request-operations): the operations the MPI extension functions
/// request.</summary>
internal sealed partial class AppCoordinator
{
    /// <summary>A tighter bound than any sane job needs, so a garbage <c>mig_num</c> cannot become a huge message.</summary>
    internal const int MaxMigrationEntries = 1 << 20;

    /// <summary>QUIESCE_START finished on this process and QUIESCE_END has not run yet.</summary>
    private bool QuiesceActive => _attempt.QuiescePrepared && _attempt.InProgress && _attempt.Snapshot is not null;

    public int RequestOp(RequestOperation op)
    {
        if (_lifecycle != Lifecycle.Initialized)
        {
            Log.Error($"App) request_op: Error: the coordinator is not initialized (event {op.Event})");
            return OpalStatus.NotInitialized;
        }
        switch (op.OpEvent)
        {
            case SnapcOpEvent.Checkpoint:
            case SnapcOpEvent.Restart:
            case SnapcOpEvent.Migrate:
            case SnapcOpEvent.QuiesceStart:
            case SnapcOpEvent.QuiesceCheckpoint:
            case SnapcOpEvent.QuiesceEnd:
                break;
            default:
                Log.Error($"App) request_op: Error: {op.Event} is not an operation an application can request");
                return OpalStatus.BadParam;
        }
        var isLeader = op.Leader == (int)MyVpid;

        if (op.OpEvent == SnapcOpEvent.QuiesceEnd)
        {
            // Every process recovers its stack before the leader talks to the HNP.
            var recovered = EndQuiesce();
            if (recovered != OpalStatus.Success)
            {
                return recovered;
            }
        }
        else if (op.OpEvent == SnapcOpEvent.QuiesceCheckpoint)
        {
            return QuiesceCheckpoint(op);
        }

        if (isLeader)
        {
            var sent = SendRequest(op);
            if (sent != OpalStatus.Success)
            {
                return sent;
            }
        }

        switch (op.OpEvent)
        {
            case SnapcOpEvent.Checkpoint when isLeader:
                return WaitForCheckpoint(op);
            case SnapcOpEvent.Restart:
                // The HNP kills this process and restarts the job; the original waited for that forever.
                return WaitForRestart();
            case SnapcOpEvent.Migrate when isLeader:
                return WaitForMigration();
            case SnapcOpEvent.QuiesceStart:
                return WaitForQuiesceStart();
            case SnapcOpEvent.QuiesceEnd:
                Log.Verbose(5, "App) Quiesce_end: Released");
                return OpalStatus.Success;
            default:
                return OpalStatus.Success;
        }
    }

    private int SendRequest(RequestOperation op)
    {
        DrainOwedReplies();
        Log.Verbose(5, $"App) Request_op: Sending request ({op.Event,3})...");
        var bufferType = _messaging.BufferType;
        var jobId = _identity.MyName.jobid;
        int status;
        byte[] message;
        switch (op.OpEvent)
        {
            case SnapcOpEvent.Restart:
                status = SnapcMessages.BuildRestart(bufferType, jobId, op.SeqNum, op.GlobalHandle, out message);
                break;
            case SnapcOpEvent.Migrate:
                if (op.Migrations is null || op.MigrationCount < 0 || op.MigrationCount > MaxMigrationEntries
                    || op.Migrations.Count != op.MigrationCount)
                {
                    Log.Error($"App) request_op: Error: MIGRATE needs mig_num in [0, {MaxMigrationEntries}] and its four arrays (mig_num {op.MigrationCount})");
                    return OpalStatus.BadParam;
                }
                foreach (var entry in op.Migrations)
                {
                    Log.Verbose(30, $"App) Migration {op.MigrationCount,3}: Sending Rank {entry.Vpid,3} - Requested <{entry.HostPreference}> ({entry.VpidPreference,3}) {(entry.OffNode != 0 ? 'T' : 'F')}");
                }
                status = SnapcMessages.BuildMigrate(bufferType, jobId, op.Migrations, out message);
                break;
            default:
                status = SnapcMessages.BuildRequestOp(bufferType, jobId, op.OpEvent, out message);
                break;
        }
        if (status != OpalStatus.Success)
        {
            Log.Error($"App) request_op: Error: cannot pack the request ({status})");
            return status;
        }

        if (op.OpEvent == SnapcOpEvent.Checkpoint)
        {
            // The original never reset this, so every checkpoint after the first returned before taking part.
            _publishedCrState = OpalCrsState.None;
        }
        else if (op.OpEvent == SnapcOpEvent.Migrate)
        {
            _migrationPending = true;
        }

        status = _messaging.Send(RmlPeer.Hnp, RmlTag.SnapcFull, message);
        if (status != OpalStatus.Success)
        {
            Log.Error($"App) request_op: Error: cannot send the request to the HNP ({status})");
            if (op.OpEvent == SnapcOpEvent.Migrate)
            {
                _migrationPending = false;
            }
        }
        return status;
    }

    /// <summary>The leader takes part in its own checkpoint, then waits for the HNP's completion reply.</summary>
    private int WaitForCheckpoint(RequestOperation op)
    {
        var finished = WaitServicingCheckpoints(
            () => _publishedCrState is OpalCrsState.Continue or OpalCrsState.Restart or OpalCrsState.Error or OpalCrsState.Term, _settings.ReleaseTimeout);
        if (!finished)
        {
            Log.Error($"App) request_op: Error: the checkpoint did not run here within {_settings.ReleaseTimeout.TotalSeconds:F0} s");
            _owedHnpReplies++;
            return OpalStatus.Timeout;
        }

        if (_publishedCrState == OpalCrsState.Restart)
        {
            // Restarted from the image: the reply would go to the old process.
            FillSnapshotReference(op, _attempt.SsHandle);
            _publishedCrState = OpalCrsState.None;
            return OpalStatus.Success;
        }
        if (_publishedCrState == OpalCrsState.Error)
        {
            // The request failed here. Open MPI 4.1's HNP may answer it late (op_state -1) or never: do not
            // wait, but do not take that answer for the reply to a later request either (DrainOwedReplies).
            Log.Error("App) request_op: Error: the local checkpoint failed");
            _owedHnpReplies++;
            return OpalStatus.Error;
        }

        var status = ReceiveCompletion(SnapcOpEvent.Checkpoint, out var opState);
        if (status != OpalStatus.Success)
        {
            return status;
        }
        FillSnapshotReference(op, _lastSsHandle);
        if (opState != 0)
        {
            Log.Error($"App) request_op: Error: the HNP reports the checkpoint failed (op_state {opState})");
            return OpalStatus.Error;
        }
        return OpalStatus.Success;
    }

    /// <summary>
    /// The leader of a migration takes part in the migration checkpoint and waits for the HNP's reply: it comes once
    /// the checkpoint ran here (op_state 0; as in the original, within <c>snapc_full_release_timeout</c> for the
    /// checkpoint and <c>snapc_full_reply_timeout</c> after it) or, from an HNP that refuses the migration
    /// (native-snapc's), at once with op_state -1. The original waited for the checkpoint first, so a refusal left it
    /// waiting out the release bound; both are awaited together here.
    /// </summary>
    private int WaitForMigration()
    {
        Log.Verbose(5, $"App) Request_op: Leader waiting for Migrate release ({(int)SnapcOpEvent.Migrate,3})...");
        var clock = Stopwatch.StartNew();
        TimeSpan? checkpointedAt = null;
        var status = ReceiveReply(SnapcOpEvent.Migrate, _settings.ReleaseTimeout + _settings.ReplyTimeout, () =>
        {
            ServiceCheckpoint();
            if (_migrationPending)
            {
                return clock.Elapsed < _settings.ReleaseTimeout;
            }
            checkpointedAt ??= clock.Elapsed;
            return clock.Elapsed - checkpointedAt.Value < _settings.ReplyTimeout;
        }, out var reply);
        if (status != OpalStatus.Success)
        {
            Log.Error(_migrationPending
                ? $"App) request_op: Error: the migration checkpoint did not run here within {_settings.ReleaseTimeout.TotalSeconds:F0} s"
                : $"App) request_op: Error: no migration reply within {_settings.ReplyTimeout.TotalSeconds:F0} s of the checkpoint");
            return status;
        }
        var opState = reply!.OpState ?? -1;
        if (opState != 0)
        {
            // Refused or failed: no migration checkpoint will come.
            _migrationPending = false;
            Log.Error($"App) request_op: Error: the HNP reports the migration failed or was refused (op_state {opState})");
            return OpalStatus.Error;
        }
        if (!WaitServicingCheckpoints(() => !_migrationPending, _settings.ReleaseTimeout))
        {
            Log.Error($"App) request_op: Error: the HNP reports the migration done, but its checkpoint did not run here within {_settings.ReleaseTimeout.TotalSeconds:F0} s");
            return OpalStatus.Timeout;
        }
        Log.Verbose(5, $"App) Request_op: Leader continuing from Migration ({(int)SnapcOpEvent.Migrate,3})...");
        return OpalStatus.Success;
    }

    /// <summary>
    /// After a RESTART request the HNP ends this process (Open MPI's restarts the job). An HNP that cannot
    /// restart a running job in place (native-snapc's) answers the request at once with op_state -1 — the
    /// original had no answer to wait for and waited forever — so the wait for termination is also a wait for
    /// that refusal, which returns an error to the application.
    /// </summary>
    private int WaitForRestart()
    {
        Log.Verbose(5, $"App) Waiting for termination (restart requested, {_identity.GetPid()}) or the HNP's refusal");
        var status = ReceiveReply(SnapcOpEvent.Restart, _settings.TermTimeout, ServiceCheckpoint, out var reply);
        if (status != OpalStatus.Success)
        {
            Log.Error($"App) Error: restart requested: the process was not terminated within {_settings.TermTimeout.TotalSeconds:F0} s; returning to the application");
            return status;
        }
        Log.Error($"App) request_op: Error: the HNP refused the restart (op_state {reply!.OpState ?? -1})");
        return OpalStatus.Error;
    }

    /// <summary>One look at the checkpoint machinery while a leader waits (progress, then a pending request served).</summary>
    private bool ServiceCheckpoint()
    {
        _requests.Progress();
        _requests.TestIfCheckpointReady();
        return true;
    }

    private int WaitForQuiesceStart()
    {
        Log.Verbose(5, "App) Quiesce_start: Waiting for release...");
        if (!WaitServicingCheckpoints(() => _attempt.QuiescePrepared || _quiesceStartFailed, _settings.ReleaseTimeout))
        {
            Log.Error($"App) request_op: Error: quiesce did not start here within {_settings.ReleaseTimeout.TotalSeconds:F0} s");
            return OpalStatus.Timeout;
        }
        if (_quiesceStartFailed)
        {
            _quiesceStartFailed = false;
            Log.Error("App) request_op: Error: quiesce start failed");
            return OpalStatus.Error;
        }
        Log.Verbose(5, "App) Quiesce_start: Released");
        return OpalStatus.Success;
    }

    /// <summary>The reply to CHECKPOINT or MIGRATE: cmd, the echoed event, op_state — checked, unlike the original.</summary>
    private int ReceiveCompletion(SnapcOpEvent expected, out int opState)
    {
        opState = -1;
        var status = ReceiveReply(expected, out var reply);
        if (status == OpalStatus.Success)
        {
            opState = reply!.OpState ?? -1;
        }
        return status;
    }
    /// <summary>QUIESCE_END, local part: the final handshake of the prepared checkpoint, recovery, stage 3.</summary>
    private int EndQuiesce()
    {
        if (!QuiesceActive)
        {
            Log.Error("App) request_op: Error: QUIESCE_END without a successful QUIESCE_START");
            return OpalStatus.Error;
        }
        Log.Verbose(5, "App) Quiesce_end: Recovering the stack...");
        _attempt.Snapshot!.ComponentName ??= "";

        var crState = OpalCrsState.Continue;
        var status = RecordCheckpoint(ref crState, setComponentName: _attempt.Migrating || !_attempt.AllMigrating);
        status = First(status, Recover(crState));
        status = First(status, EndAttempt(crState, skipFinishMessage: false, keepCheckpointActive: false));
        if (status == OpalStatus.Success)
        {
            Log.Verbose(5, "App) Quiesce_end: Recovered.");
        }
        return status;
    }

    /// <summary>QUIESCE_CHECKPOINT: the checkpointer runs inside the quiesced region, without FIFO traffic.</summary>
    private int QuiesceCheckpoint(RequestOperation op)
    {
        if (!QuiesceActive)
        {
            Log.Error("App) request_op: Error: QUIESCE_CHECKPOINT outside a quiesced region");
            return OpalStatus.Error;
        }
        var crState = OpalCrsState.Running;
        var status = _inc.IncCoreCkpt(_identity.GetPid(), _attempt.Snapshot!, _attempt.Options, ref crState);
        if (status != OpalStatus.Success)
        {
            Log.Error($"App) request_op: Error: the checkpointer failed in the quiesced region ({status})");
        }

        if (crState != OpalCrsState.Restart)
        {
            // The original pushed no component name here: CRS_COMP was only set in stage 2.
            var name = _attempt.Snapshot!.ComponentName ?? NonEmpty(_crs.SelectedCrsComponentName);
            if (name is not null)
            {
                SetAttr(_attempt.SsHandle, SstoreKey.LocalCrsComp, name);
            }
            status = First(status, Sync(_attempt.SsHandle));
        }
        FillSnapshotReference(op, _attempt.SsHandle);

        if (crState == OpalCrsState.Restart)
        {
            // Resumed from the image taken here: the quiesce handshake belongs to the old process.
            status = First(status, _inc.IncCoreRecover(OpalCrsState.Restart));
            status = First(status, EndAttempt(OpalCrsState.Restart, skipFinishMessage: false, keepCheckpointActive: false));
        }
        return status;
    }
}

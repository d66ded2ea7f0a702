using System;
using System.Threading;
using NativeSnapc.Abi;
using NativeSnapc.Channels;
using NativeSnapc.Channels.Fifo;
using NativeSnapc.Diagnostics;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Coordinator;

/// <summary>
/// One checkpoint attempt (<see cref="CheckpointAttempt"/>), as the host's <c>opal_cr_test_if_checkpoint_ready</c>
/// drives it through the notify callback (snapc_full_app_notify_response and its stages, docs/protocol.md#handshake):
/// <see cref="OpenHandshake"/>, the checkpointer, <see cref="RecordCheckpoint"/>, <see cref="EndAttempt"/>.
/// </summary>
internal sealed partial class AppCoordinator
{
    /// <summary>
    /// The next notify call is the one <see cref="KeepRequestArrivedDuringRefusal"/> asked for when a refused attempt
    /// ended; it outlives that attempt.
    /// </summary>
    private bool _replayRequest;

    /// <summary>snapc_full_app_notify_response(resp), with what it allocated counted (reported at finalize).</summary>
    internal int NotifyResponse(OpalCrCkptCmdState response)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var status = RespondToNotify(response);
        _notifyAllocations.Record(GC.GetAllocatedBytesForCurrentThread() - before);
        return status;
    }

    private HotPathAllocations _notifyAllocations;

    private int RespondToNotify(OpalCrCkptCmdState response)
    {
        if (_lifecycle != Lifecycle.Initialized)
        {
            // Our callback stays registered after finalize when the host had none before us.
            Log.Error($"App) notify_response: Error: checkpoint request ({(int)response}) while the coordinator is not initialized; refused");
            if (_requests.CheckpointingState == OpalCrCkptCmdState.StatusRunning)
            {
                _requests.CheckpointingState = OpalCrCkptCmdState.StatusNone;
            }
            return OpalStatus.NotInitialized;
        }
        if (_replayRequest)
        {
            // The call we asked for through the stall path, after a refused request: a request signalled since
            // then was wiped by the host (see KeepRequestArrivedDuringRefusal); post it again.
            _replayRequest = false;
            _requests.CurrentlyStalled = false;
            if (_signal.CheckpointActive && _requests.CheckpointRequest != OpalCrCkptCmdState.StatusRequested)
            {
                _requests.CheckpointRequest = OpalCrCkptCmdState.StatusRequested;
            }
            return OpalStatus.Success;
        }

        if (!_requests.CurrentlyStalled)
        {
            _inc.ContinueLikeRestart = false;
            _inc.FlushRestartFiles = true;

            Log.Verbose(10, "App) notify_response: Stage 1...");
            _attempt.Begin();
            var status = OpenHandshake(response);
            if (status != OpalStatus.Success)
            {
                status = FailAttempt(status);
                if (response != OpalCrCkptCmdState.CmdStart)
                {
                    KeepRequestArrivedDuringRefusal();
                }
                return status;
            }
            _attempt.StartingCrState = OpalCrsState.Running;
            _publishedCrState = OpalCrsState.Running;
            Log.Verbose(10, "App) notify_response: Start checkpoint...");
        }
        return TakeCheckpoint();
    }

    /// <summary>From the original's STAGE_1 label: INC prep, the checkpointer, stage 2, recovery, stage 3.</summary>
    private int TakeCheckpoint()
    {
        _requests.CurrentlyStalled = false;
        var options = _attempt.Options;
        var crState = _attempt.StartingCrState;
        var pid = _identity.GetPid();
        var exitStatus = OpalStatus.Success;

        if (_settings.SkipApp)
        {
            Log.Verbose(2, $"App) notify_response: Skipping App. ({pid})");
            crState = OpalCrsState.Continue;
            // The original also skipped the final handshake, which left the local coordinator waiting
            // forever: report a skipped checkpoint and take part in the rest of the protocol.
            SetAttr(_attempt.SsHandle, SstoreKey.LocalSkipCkpt, "1");
            _publishedCrState = crState;
            exitStatus = RecordCheckpoint(ref crState, setComponentName: false);
            _publishedCrState = crState;
        }
        else
        {
            var status = _inc.IncCorePrep();
            if (status == OpalStatus.Exists)
            {
                Log.Verbose(5, $"App) notify_response: Stalling the checkpoint progress until state is stable again (PID = {pid})");
                _requests.CurrentlyStalled = true;
                return OpalStatus.Success;
            }
            if (status != OpalStatus.Success)
            {
                Log.Error($"App) notify_response: Error: checkpoint notification failed. {status}");
                return FailAttempt(status);
            }

            if (options.IncPrepOnly)
            {
                Log.Verbose(10, "App) notify_response: INC Prep Only...");
                return IncPrepOnly(crState);
            }
            Log.Verbose(10, "App) notify_response: Normal operation...");

            if (_attempt.AllMigrating)
            {
                _inc.ContinueLikeRestart = true;
                _inc.FlushRestartFiles = false;
            }
            if (!_attempt.Migrating && _attempt.AllMigrating)
            {
                Log.Verbose(2, $"App) notify_response: Skipping App. ({pid}) - This process is not migrating");
                crState = OpalCrsState.Continue;
            }
            else
            {
                status = _inc.IncCoreCkpt(pid, _attempt.Snapshot!, options, ref crState);
                if (status != OpalStatus.Success)
                {
                    Log.Error($"App) notify_response: Error: the checkpointer failed ({status}, state {(int)crState})");
                    exitStatus = status;
                    // The original passed RUNNING on as the final state, which the local coordinator takes for success.
                    if (crState == OpalCrsState.Running)
                    {
                        crState = OpalCrsState.Error;
                    }
                }
            }
            _publishedCrState = crState;

            // On restart this process is no longer attached to the local coordinator of the checkpoint.
            if (crState != OpalCrsState.Restart)
            {
                Log.Verbose(5, "App) notify_response: Stage 2...");
                status = RecordCheckpoint(ref crState, setComponentName: _attempt.Migrating || !_attempt.AllMigrating);
                exitStatus = First(exitStatus, status);
                _publishedCrState = crState;
            }

            exitStatus = First(exitStatus, Recover(crState));
        }

        _requests.StallCheck = false;
        if (crState == OpalCrsState.Restart)
        {
            Log.Verbose(5, $"App) notify_response: Restarting... ({_identity.MyName} : {pid})");
            options.Term = false;
        }
        else if (crState == OpalCrsState.Continue)
        {
            Log.Verbose(5, $"App) notify_response: Continuing...({_identity.MyName} : {pid})");
        }
        else if (crState != OpalCrsState.Term)
        {
            Log.Verbose(5, $"App) notify_response: Unknown cr_state({(int)crState}) [{pid}]");
        }
        return EndAttemptAndReturn(crState, exitStatus, terminateIfAsked: true);
    }

    /// <summary>
    /// For a refused request (IN_PROGRESS, NULL) the host clears <c>opal_cr_checkpoint_request</c> only
    /// after this callback returns, so a new request signalled meanwhile — a local coordinator signals again
    /// as soon as it sees LOCAL_FINISH — would be wiped and the FIFO ids would drift apart. The host's stall
    /// path gets us called back at the next test point, where such a request is posted again.
    /// </summary>
    private void KeepRequestArrivedDuringRefusal()
    {
        _replayRequest = true;
        _requests.CurrentlyStalled = true;
    }

    /// <summary>
    /// INC recovery after the checkpointer: non-migrating processes of a migration recover "as if
    /// restarting", because the migrated processes expect that.
    /// </summary>
    private int Recover(OpalCrsState crState)
    {
        var state = _attempt.AllMigrating && !_attempt.Migrating ? OpalCrsState.Restart : crState;
        var status = _inc.IncCoreRecover(state);
        if (status != OpalStatus.Success)
        {
            Log.Error($"App) notify_response: Error: INC recovery ({(int)state}) failed ({status})");
        }
        return status;
    }

    /// <summary>
    /// A failure before the checkpointer ran: the handshake, sstore registration or INC prep. No checkpoint
    /// is taken. The local coordinator, if it got as far as waiting for a final state, is told ERROR.
    /// </summary>
    private int FailAttempt(int status)
    {
        if (_pipes?.PeerJoined != true)
        {
            // Nobody joined on the pipes: the local coordinator gave up (or never came). It used up this id
            // when it signalled, so the next attempt takes the next id, as in the original.
            Log.Error($"App) notify_response: Error: no local coordinator joined the handshake ({status}); no checkpoint taken");
            _publishedCrState = OpalCrsState.Error;
            return EndAttemptAndReturn(OpalCrsState.Error, status, terminateIfAsked: false);
        }

        Log.Error($"App) notify_response: Error: the checkpoint was refused or failed before it started ({status}); no checkpoint taken");
        if (_attempt.HandshakeComplete)
        {
            ReportFinalState(OpalCrsState.Error);
        }
        _publishedCrState = OpalCrsState.Error;
        return EndAttemptAndReturn(OpalCrsState.Error, status, terminateIfAsked: false);
    }

    /// <summary>Tells the local coordinator a final state without waiting for a release (used for ERROR, which the HNP never releases).</summary>
    private void ReportFinalState(OpalCrsState crState)
    {
        var written = _pipes!.WriteInt32((int)crState, _settings.HandshakeTimeout);
        if (!written.Ok)
        {
            Log.Error($"App) notify_response: Error: Unable to write cr_state to named pipe ({_pipes.WritePath}): {written}");
        }
    }

    /// <summary>How many attempts driven by the notify callback have ended (for the runtime's safe points).</summary>
    public int AttemptsFinished => Volatile.Read(ref _attemptsFinished);

    /// <summary>Whether the last of them took a checkpoint (or resumed from one).</summary>
    public bool LastAttemptSucceeded => Volatile.Read(ref _lastAttemptSucceeded);

    private int _attemptsFinished;
    private bool _lastAttemptSucceeded;

    /// <summary>Stage 3 and what follows it in notify_response: the attempt counted, the optional wait for termination.</summary>
    private int EndAttemptAndReturn(OpalCrsState crState, int exitStatus, bool terminateIfAsked)
    {
        Log.Verbose(5, "App) notify_response: Stage 3...");
        var terminate = terminateIfAsked && _attempt.Options.Term;
        exitStatus = First(exitStatus, EndAttempt(crState, skipFinishMessage: false, keepCheckpointActive: terminate));
        Volatile.Write(ref _lastAttemptSucceeded, exitStatus == OpalStatus.Success && crState is OpalCrsState.Continue or OpalCrsState.Restart or OpalCrsState.Term);
        Interlocked.Increment(ref _attemptsFinished);
        if (terminate)
        {
            Log.Verbose(10, "App) notify_response: User has asked to terminate the application");
            exitStatus = First(exitStatus, WaitForTermination("terminate after the checkpoint"));
            _signal.EndCheckpoint();
        }
        return exitStatus;
    }

    // ---- stage 1: pipes, handshake, sstore ---------------------------------------------------------

    /// <summary>
    /// app_notify_resp_stage_1: opens the pipes, runs the handshake's first half, registers the handle it delivered
    /// with the sstore and makes the snapshot object for it.
    /// </summary>
    private int OpenHandshake(OpalCrCkptCmdState response)
    {
        _timers.ClearTimers((int)MyVpid);
        _timers.SetTimer(OpalCr.TimerEntry0);

        Log.Verbose(10, "App) notify_response: Open Communication Channels.");
        var pipes = _pipes!;
        var opened = pipes.Open();
        if (!opened.Ok)
        {
            Log.Error($"App) notify_response: Error: cannot open the named pipes ({pipes.ReadPath}) ({pipes.WritePath}): {opened}");
            return ToStatus(opened);
        }

        Log.Verbose(10, "App) notify_response: Initial Handshake.");
        var status = HandshakeStart(pipes, response);
        if (status != OpalStatus.Success)
        {
            return status;
        }
        _timers.SetTimer(OpalCr.TimerEntry1);

        Log.Verbose(10, "App) notify_response: Register with SStore...");
        status = _store.SstoreRegisterHandle(_attempt.SsHandle);
        if (status != OpalStatus.Success)
        {
            Log.Error($"App) notify_response: Error: cannot register sstore handle {_attempt.SsHandle} ({status})");
            return status;
        }

        if (!_attempt.Migrating && _attempt.AllMigrating)
        {
            SetAttr(_attempt.SsHandle, SstoreKey.LocalSkipCkpt, "1");
        }
        _attempt.Snapshot = _crs.CreateSnapshot(_attempt.SsHandle);
        _timers.SetTimer(OpalCr.TimerEntry2);

        Log.Verbose(10, $"App) notify_response: Start checkpoint... ({_attempt.SsHandle})");
        Log.Verbose(10, $"App) notify_response: Are we migrating [{(_attempt.AllMigrating ? "True" : "False"),5}]. Am I migrating [{(_attempt.Migrating ? "True" : "False"),5}]");
        return OpalStatus.Success;
    }

    /// <summary>
    /// snapc_full_app_ckpt_handshake_start: the options block and the sstore handle, our response, and for
    /// START the sentinel. Unlike the original, a failed read or write, or a response other than START, is
    /// an error: no checkpoint follows it.
    /// </summary>
    private int HandshakeStart(IHandshakePipes pipes, OpalCrCkptCmdState response)
    {
        var bound = _settings.HandshakeTimeout;
        if (!ReadOption(pipes, "all_migrating", out var allMigrating, out var failure)
            || !ReadOption(pipes, "migrating", out var migrating, out failure)
            || !ReadOption(pipes, "term", out var term, out failure)
            || !ReadOption(pipes, "stop", out var stop, out failure)
            || !ReadOption(pipes, "inc_prep_only", out var incPrepOnly, out failure)
            || !ReadOption(pipes, "inc_recover_only", out var incRecoverOnly, out failure))
        {
            return failure;
        }
        _attempt.AllMigrating = allMigrating;
        _attempt.Migrating = migrating;
        if (!allMigrating)
        {
            // As the original's one flag: a checkpoint that is no migration answers a MIGRATE this leader sent.
            _migrationPending = false;
        }
        var options = _attempt.Options;
        options.Term = term;
        options.Stop = stop;
        options.IncPrepOnly = incPrepOnly;
        options.IncRecoverOnly = incRecoverOnly;

        var read = pipes.ReadInt32(bound, out var handle);
        if (!read.Ok)
        {
            Log.Error($"App) notify_response: Error: Unable to read the sstore handle from named pipe ({pipes.ReadPath}): {read}");
            return ToStatus(read);
        }
        _attempt.SsHandle = unchecked((uint)handle);

        Log.Verbose(10, $"App) {_identity.MyName} Received Options... Responding with {(int)response}");
        var written = pipes.WriteInt32((int)response, bound);
        if (!written.Ok)
        {
            Log.Error($"App) notify_response: {(int)response}: Error: Unable to write to pipe ({pipes.WritePath}): {written}");
            return ToStatus(written);
        }

        switch (response)
        {
            case OpalCrCkptCmdState.CmdStart:
                break;
            case OpalCrCkptCmdState.CmdInProgress:
                Log.Error($"App) notify_response: Checkpoint in progress, cannot start ({_identity.GetPid()})");
                return OpalStatus.ResourceBusy;
            case OpalCrCkptCmdState.CmdNull:
                Log.Error($"App) notify_response: Non-checkpointable application, cannot start ({_identity.GetPid()})");
                return OpalStatus.NotSupported;
            default:
                Log.Error($"App) notify_response: Error generated, cannot start ({_identity.GetPid()}, response {(int)response})");
                return OpalStatus.Error;
        }

        Log.Verbose(10, $"App) notify_response: Starting checkpoint request ({_identity.GetPid()})");
        read = pipes.ReadInt32(bound, out _);
        if (!read.Ok)
        {
            Log.Error($"App) notify_response: Error: Unable to read from named pipe ({pipes.ReadPath}): {read}");
            return ToStatus(read);
        }
        _attempt.HandshakeComplete = true;
        return OpalStatus.Success;
    }

    private bool ReadOption(IHandshakePipes pipes, string name, out bool value, out int failure)
    {
        var read = pipes.ReadInt32(_settings.HandshakeTimeout, out var raw);
        value = raw != 0;
        failure = ToStatus(read);
        if (!read.Ok)
        {
            Log.Error($"App) notify_response: Error: Unable to read the '{name}' option from named pipe ({pipes.ReadPath}): {read}");
        }
        return read.Ok;
    }

    /// <summary>app_notify_resp_inc_prep_only: quiesce start ends here until QUIESCE_END.</summary>
    private int IncPrepOnly(OpalCrsState crState)
    {
        var written = _pipes!.WriteInt32((int)crState, _settings.HandshakeTimeout);
        if (!written.Ok)
        {
            Log.Error($"App) notify_response: Error: Unable to write cr_state to named pipe ({_pipes.WritePath}): {written}");
            _quiesceStartFailed = true;
            // The stack was prepared: resume it before giving up.
            _inc.IncCoreRecover(OpalCrsState.Error);
            _publishedCrState = OpalCrsState.Error;
            return EndAttemptAndReturn(OpalCrsState.Error, ToStatus(written), terminateIfAsked: false);
        }
        _quiesceStartFailed = false;
        _attempt.QuiescePrepared = true;
        return OpalStatus.Success;
    }

    // ---- stage 2: sstore sync and the final handshake ----------------------------------------------

    /// <summary>
    /// app_notify_resp_stage_2: names the checkpointer in the sstore, syncs the snapshot and runs the handshake's
    /// second half. A failed sync means the snapshot is not recorded, and a failed final handshake means the local
    /// coordinator does not know the result: both turn the state into ERROR.
    /// </summary>
    private int RecordCheckpoint(ref OpalCrsState crState, bool setComponentName)
    {
        _timers.SetTimer(OpalCr.TimerEntry3);
        var status = OpalStatus.Success;
        if (!_attempt.Options.Stop)
        {
            if (setComponentName)
            {
                // A checkpointer that leaves the name unset (the original 'self') would make the daemon wait forever.
                var name = _attempt.Snapshot?.ComponentName ?? NonEmpty(_crs.SelectedCrsComponentName);
                if (name is not null)
                {
                    SetAttr(_attempt.SsHandle, SstoreKey.LocalCrsComp, name);
                }
                else
                {
                    Log.Error("App) notify_response: Error: the checkpointer named no component; the sstore records none");
                }
            }
            status = Sync(_attempt.SsHandle);
            if (status != OpalStatus.Success)
            {
                crState = OpalCrsState.Error;
            }
        }
        _lastSsHandle = _attempt.SsHandle;
        _attempt.SsHandle = SstoreHandle.Invalid;

        Log.Verbose(10, "App) notify_response: Waiting for final handshake.");
        var ended = HandshakeEnd(crState);
        if (ended != OpalStatus.Success)
        {
            crState = OpalCrsState.Error;
            return ended;
        }
        Log.Verbose(10, "App) notify_response: Final Handshake complete.");
        return status;
    }

    /// <summary>snapc_full_app_ckpt_handshake_end: the final state, then the release.</summary>
    private int HandshakeEnd(OpalCrsState crState)
    {
        var pipes = _pipes!;
        var migrating = _attempt.AllMigrating && _attempt.Migrating;
        if (migrating)
        {
            // Killed once the local coordinator has the final state: nothing of this process may stay behind.
            pipes.RemoveNames();
        }
        var written = pipes.WriteInt32((int)crState, _settings.HandshakeTimeout);
        if (!written.Ok)
        {
            Log.Error($"App) notify_response: Error: Unable to write cr_state to named pipe ({pipes.WritePath}): {written}");
            return ToStatus(written);
        }

        if (migrating)
        {
            // A migrating process is not released: it is restarted elsewhere and this copy is killed.
            EndAttempt(crState, skipFinishMessage: true, keepCheckpointActive: true);
            var waited = WaitForTermination("migrating process");
            _signal.EndCheckpoint();
            return waited;
        }

        if (crState == OpalCrsState.Error)
        {
            // The HNP never releases a checkpoint that failed (its state machine has no ERROR branch).
            Log.Verbose(5, $"App) handshake_end: Not waiting for a release after reporting an error ({_identity.GetPid()})");
            return OpalStatus.Success;
        }

        Log.Verbose(5, $"App) handshake_end: Waiting for release ({_identity.GetPid()})");
        var read = pipes.ReadInt32(_settings.ReleaseTimeout, out _);
        if (!read.Ok)
        {
            Log.Error($"App) notify_response: Error: Unable to read the 'last_cmd' from named pipe ({pipes.ReadPath}): {read}");
            return ToStatus(read);
        }
        Log.Verbose(5, $"App) handshake_end: Released... ({_identity.GetPid()})");
        return OpalStatus.Success;
    }

    // ---- stage 3: LOCAL_FINISH, cleanup, new names --------------------------------------------------

    /// <summary>
    /// app_notify_resp_stage_3: ends the attempt towards the host (checkpointing state NONE), the local coordinator
    /// (LOCAL_FINISH) and the pipes (closed, removed, the next pair named). The checkpoint is marked as ended before
    /// LOCAL_FINISH is sent, so a local coordinator that signals the next checkpoint as soon as it sees LOCAL_FINISH
    /// is not ignored (that request is served after this callback returns).
    /// </summary>
    private int EndAttempt(OpalCrsState crState, bool skipFinishMessage, bool keepCheckpointActive)
    {
        if (!_attempt.InProgress)
        {
            return OpalStatus.Success;
        }
        _attempt.End();

        _requests.CheckpointingState = OpalCrCkptCmdState.StatusNone;
        _requests.CurrentlyStalled = false;
        _migrationPending = false;
        if (!keepCheckpointActive)
        {
            _signal.EndCheckpoint();
        }
        // LOCAL_FINISH first, as in the original: it ends the local coordinator's wait, and putting the pipes
        // away is this process's own business (their names are gone since the rendezvous).
        var status = skipFinishMessage ? OpalStatus.Success : SendLocalFinish(crState);
        PutPipesAway(crState);
        _attempt.ReleaseSnapshot();

        _timers.SetTimer(OpalCr.TimerEntry4);
        if (crState != OpalCrsState.Restart)
        {
            _timers.DisplayAllTimers();
        }

        // The original logged this from the signal handler, which is not async-signal-safe.
        var ignored = _signal.TakeIgnoredRequests();
        if (ignored > 0)
        {
            Log.Error($"snapc:full:(app) Error: Received {ignored} signal(s) to checkpoint, but Already checkpointing. Ignored them!");
        }
        return status;
    }

    /// <summary>Closes and removes this attempt's FIFOs and names the next pair (id 0 again after a restart).</summary>
    private void PutPipesAway(OpalCrsState crState)
    {
        _pipes?.CloseAndRemove();
        if (crState == OpalCrsState.Restart)
        {
            _currentUniqueId = 0;
        }
        DefinePipeNames();
    }

    private static int First(int current, int next) => current != OpalStatus.Success ? current : next;

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

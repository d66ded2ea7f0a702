using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using NativeSnapc.Abi;
using NativeSnapc.Channels;
using NativeSnapc.Coordinator;
using NativeSnapc.Diagnostics;
using NativeSnapc.Protocol.Snapc;
using NativeSnapc.Protocol.Wire;
using NativeSnapc.Tests.Protocol.Snapc;
using NUnit.Framework;

namespace NativeSnapc.Tests.Coordinator;

/// <summary>
/// The coordinator's state machine against an in-memory runtime, local coordinator and signal. Every path of
/// docs/protocol.md and every deliberate fix of its defects (docs/protocol.md#defects); the same paths run end to end,
/// with real processes, FIFOs and signals, in the reference-runtime tests.
/// </summary>
[TestFixture]
public sealed class AppCoordinatorTests
{
    private const int Continue = (int)OpalCrsState.Continue;
    private const int Restart = (int)OpalCrsState.Restart;
    private const int Running = (int)OpalCrsState.Running;
    private const int Error = (int)OpalCrsState.Error;
    private const int Term = (int)OpalCrsState.Term;

    private static readonly CoordinatorSettings Settings = new()
    {
        HandshakeTimeout = TimeSpan.FromSeconds(1),
        ReleaseTimeout = TimeSpan.FromSeconds(1),
        ReplyTimeout = TimeSpan.FromSeconds(1),
        TermTimeout = TimeSpan.FromMilliseconds(100),
    };

    private FakeHost _host = null!;
    private FakePipeFactory _pipes = null!;
    private FakeSignal _signal = null!;
    private AppCoordinator _coordinator = null!;
    private readonly List<string> _log = new();

    [SetUp]
    public void SetUp()
    {
        _host = new FakeHost();
        _pipes = new FakePipeFactory();
        _signal = new FakeSignal(_host);
        _coordinator = new AppCoordinator(_host, _pipes, _signal, Settings);
        _log.Clear();
        Log.Sink = line => _log.Add(line);
        Log.Verbosity = 100;
    }

    [TearDown]
    public void TearDown()
    {
        Log.Sink = null;
        Log.Verbosity = 0;
    }

    private AppCoordinator Make(CoordinatorSettings settings) => _coordinator = new AppCoordinator(_host, _pipes, _signal, settings);

    private void Init(uint vpid = 0)
    {
        _host.MyName = new OrteProcessName(0x1a2b0001, vpid);
        Assert.That(_coordinator.Init(), Is.EqualTo(OpalStatus.Success));
        _host.Sent.Clear();
    }

    /// <summary>The local coordinator's signal, then the application's next test point.</summary>
    private int SignalAndServe()
    {
        _signal.Raise();
        var before = _host.NotifyResults.Count;
        _host.TestIfCheckpointReady();
        Assert.That(_host.NotifyResults, Has.Count.EqualTo(before + 1), "the notify callback ran once");
        return _host.NotifyResults[^1];
    }

    private FakePipes Attempt(int index) => _pipes.Created[index];

    private static byte[] Bytes(Func<DssBufferType, (int, byte[])> build)
    {
        var (status, payload) = build(DssBufferType.NonDescribed);
        Assert.That(status, Is.EqualTo(OpalStatus.Success));
        return payload;
    }

    private static byte[] LocalFinish(int crState) => Bytes(t => (SnapcTestMessages.BuildLocalFinish(t, crState, out var p), p));

    private static byte[] Reply(SnapcOpEvent opEvent, int opState) =>
        Bytes(t => (SnapcMessages.BuildRequestOpDone(t, opEvent, opState, out var p), p));

    private byte[] Request(SnapcOpEvent opEvent) =>
        Bytes(t => (SnapcMessages.BuildRequestOp(t, _host.MyName.jobid, opEvent, out var p), p));

    private void AssertSent(int index, RmlPeer peer, uint tag, byte[] payload)
    {
        Assert.That(_host.Sent, Has.Count.GreaterThan(index));
        var message = _host.Sent[index];
        Assert.That((message.Peer, message.Tag), Is.EqualTo((peer, tag)));
        Assert.That(message.Payload, Is.EqualTo(payload));
    }

    // ---- init and finalize ---------------------------------------------------------------------------

    [Test]
    public void Init_registers_the_callback_installs_the_signal_fences_and_rank_zero_sends_INIT()
    {
        _host.EntryPointSignal = 12;
        Assert.That(_coordinator.Init(), Is.EqualTo(OpalStatus.Success));
        Assert.Multiple(() =>
        {
            Assert.That(_host.NotifyCallback, Is.Not.Null);
            Assert.That((_signal.Installed, _signal.SignalNumber, _signal.Cell), Is.EqualTo((true, 12, _host.CheckpointRequestCell)));
            Assert.That(_host.FenceCalls, Is.EqualTo(1));
            Assert.That(_pipes.Created.Single().Id, Is.EqualTo(0), "names of checkpoint 0 defined at init");
        });
        AssertSent(0, RmlPeer.Hnp, RmlTag.SnapcFull, Bytes(t => (SnapcMessages.BuildInit(t, 0x1a2b0001, out var p), p)));
    }

    [Test]
    public void Only_rank_zero_talks_to_the_HNP_at_init()
    {
        _host.MyName = new OrteProcessName(0x1a2b0001, 3);
        Assert.That(_coordinator.Init(), Is.EqualTo(OpalStatus.Success));
        Assert.That(_host.Sent, Is.Empty);
    }

    [Test]
    public void Init_twice_is_an_error_and_changes_nothing()
    {
        Init();
        Assert.That(_coordinator.Init(), Is.EqualTo(OpalStatus.Exists));
        Assert.That(_host.FenceCalls, Is.EqualTo(1));
        Assert.That(_signal.Installed, Is.True);
    }

    [Test]
    public void A_failed_fence_undoes_init()
    {
        _host.FenceResult = OpalStatus.Unreach;
        Assert.That(_coordinator.Init(), Is.EqualTo(OpalStatus.Unreach));
        Assert.That(_signal.Installed, Is.False);
        Assert.That(_host.NotifyUnregistered, Is.True);
        Assert.That(_coordinator.FtEvent(Continue), Is.EqualTo(OpalStatus.NotInitialized));
    }

    [Test]
    public void A_failed_signal_install_is_an_init_error()
    {
        _signal.InstallResult = ChannelResult.Fail(ChannelFailure.SystemError, "sigaction failed", 22);
        Assert.That(_coordinator.Init(), Is.EqualTo(OpalStatus.Error));
        Assert.That(_host.FenceCalls, Is.Zero);
    }

    [Test]
    public void Finalize_on_rank_zero_sends_FIN_and_waits_for_FIN_ACK()
    {
        Init();
        _host.Replies.Enqueue(Bytes(t => (SnapcMessages.BuildFinAck(t, out var p), p)));
        Assert.That(_coordinator.Finalize(), Is.EqualTo(OpalStatus.Success));
        AssertSent(0, RmlPeer.Hnp, RmlTag.SnapcFull, Bytes(t => (SnapcMessages.BuildFin(t, 0x1a2b0001, out var p), p)));
        Assert.That(_host.ReceiveBounds.Single(), Is.EqualTo(Settings.ReplyTimeout).Within(TimeSpan.FromMilliseconds(200)));
        Assert.That(_host.FenceCalls, Is.EqualTo(2));
        Assert.That(_signal.Installed, Is.False, "the previous disposition is back");
        Assert.That(_host.NotifyUnregistered, Is.True);
    }

    [Test]
    public void Finalize_on_other_ranks_only_fences()
    {
        Init(vpid: 2);
        Assert.That(_coordinator.Finalize(), Is.EqualTo(OpalStatus.Success));
        Assert.That(_host.Sent, Is.Empty);
        Assert.That(_host.ReceiveBounds, Is.Empty);
    }

    [Test]
    public void A_missing_FIN_ACK_is_a_bounded_error()
    {
        Init();
        Assert.That(_coordinator.Finalize(), Is.EqualTo(OpalStatus.Timeout));
        Assert.That(_signal.Installed, Is.False, "cleanup happens on the error path too");
    }

    [Test]
    public void A_garbled_or_truncated_FIN_ACK_is_an_error()
    {
        Init();
        _host.Replies.Enqueue(new byte[] { 0, 0, 0, 1, 8, 0, 0 });
        Assert.That(_coordinator.Finalize(), Is.EqualTo(OpalStatus.UnpackReadPastEndOfBuffer));

        SetUp();
        Init();
        _host.Replies.Enqueue(Reply(SnapcOpEvent.Checkpoint, 0)); // a reply, but not FIN_ACK
        Assert.That(_coordinator.Finalize(), Is.EqualTo(OpalStatus.UnpackFailure));
    }

    [Test]
    public void Finalize_withdraws_a_request_the_handler_already_recorded()
    {
        Init(vpid: 1);
        _signal.Raise();
        Assert.That(_host.CheckpointRequest, Is.EqualTo(OpalCrCkptCmdState.StatusRequested));
        _coordinator.Finalize();
        Assert.That(_host.CheckpointRequest, Is.EqualTo(OpalCrCkptCmdState.StatusNone));
        Assert.That(_signal.CheckpointActive, Is.False);
    }

    [Test]
    public void Calls_before_init_or_after_finalize_are_errors()
    {
        var datum = new RequestOperation { Event = (int)SnapcOpEvent.Checkpoint, Leader = 0 };
        Assert.Multiple(() =>
        {
            Assert.That(_coordinator.Finalize(), Is.EqualTo(OpalStatus.NotInitialized));
            Assert.That(_coordinator.FtEvent(Continue), Is.EqualTo(OpalStatus.NotInitialized));
            Assert.That(_coordinator.RequestOp(datum), Is.EqualTo(OpalStatus.NotInitialized));
        });
        Init(vpid: 1);
        Assert.That(_coordinator.Finalize(), Is.EqualTo(OpalStatus.Success));
        Assert.Multiple(() =>
        {
            Assert.That(_coordinator.Finalize(), Is.EqualTo(OpalStatus.NotInitialized));
            Assert.That(_coordinator.FtEvent(Continue), Is.EqualTo(OpalStatus.NotInitialized));
            Assert.That(_coordinator.RequestOp(datum), Is.EqualTo(OpalStatus.NotInitialized));
        });
    }

    [Test]
    public void A_late_request_after_finalize_is_refused_without_touching_pipes()
    {
        Init(vpid: 1);
        _coordinator.Finalize();
        var created = _pipes.Created.Count;
        _host.CheckpointRequest = OpalCrCkptCmdState.StatusRequested; // set just before the handler was removed
        _host.TestIfCheckpointReady();
        Assert.That(_host.NotifyResults.Single(), Is.EqualTo(OpalStatus.NotInitialized));
        Assert.That(_host.CheckpointingState, Is.EqualTo(OpalCrCkptCmdState.StatusNone), "the host is not left believing a checkpoint runs");
        Assert.That(_pipes.Created, Has.Count.EqualTo(created));
    }

    // ---- the signalled checkpoint ----------------------------------------------------------------------

    [Test]
    public void A_signalled_checkpoint_runs_the_handshake_the_checkpointer_and_LOCAL_FINISH()
    {
        Init(vpid: 1);
        Assert.That(SignalAndServe(), Is.EqualTo(OpalStatus.Success));

        var pipes = Attempt(0);
        Assert.Multiple(() =>
        {
            Assert.That(pipes.FromApp, Is.EqualTo(new[] { 0, Continue }), "response START, then the final state");
            Assert.That(pipes.ToApp, Is.Empty, "options, handle, sentinel and release were all read");
            Assert.That(pipes.Removed, Is.True);
            Assert.That(_host.IncCorePrepCalls, Is.EqualTo(1));
            Assert.That(_host.IncCoreCkptCalls.Single().Pid, Is.EqualTo(_host.Pid));
            Assert.That(_host.IncCoreRecoverCalls, Is.EqualTo(new[] { Continue }));
            Assert.That(_host.CheckpointingState, Is.EqualTo(OpalCrCkptCmdState.StatusNone));
            Assert.That(_signal.CheckpointActive, Is.False);
            Assert.That(_pipes.Created[^1].Id, Is.EqualTo(1), "the next checkpoint uses id 1");
        });
        var sstore = _host.SstoreCalls.Select(c => (c.Operation, c.Handle, c.Key, c.Value)).ToList();
        Assert.That(sstore, Is.EqualTo(new[]
        {
            ("register", 7u, 0u, (string?)null),
            ("get", 7u, SstoreKey.LocalSnapLoc, null),
            ("get", 7u, SstoreKey.LocalSnapMeta, null),
            ("set", 7u, SstoreKey.LocalCrsComp, "fakecrs"),
            ("sync", 7u, 0u, null),
        }));
        var snapshot = _host.Snapshots.Single();
        Assert.That(snapshot.SnapshotDirectory, Is.EqualTo("/snap/5/opal_snapshot_0.ckpt"));
        Assert.That(snapshot.Disposed, Is.True, "no leaked snapshot objects");
        AssertSent(0, RmlPeer.Daemon, RmlTag.Snapc, LocalFinish(Continue));
    }

    [Test]
    public void Three_consecutive_checkpoints_use_ids_zero_one_two()
    {
        Init(vpid: 1);
        for (var i = 0; i < 3; i++)
        {
            Assert.That(SignalAndServe(), Is.EqualTo(OpalStatus.Success), $"checkpoint {i}");
        }
        Assert.That(_pipes.Created.Take(3).Select(p => (p.Id, p.Removed)), Is.EqualTo(new[] { (0, true), (1, true), (2, true) }));
        Assert.That(_host.Sent.Select(m => m.Payload), Is.EqualTo(Enumerable.Repeat(LocalFinish(Continue), 3)));
    }

    [Test]
    public void A_non_START_response_is_written_and_nothing_is_checkpointed()
    {
        Init(vpid: 1);
        _host.HasCrs = false; // the host answers OPAL_CHECKPOINT_CMD_NULL
        Assert.That(SignalAndServe(), Is.EqualTo(OpalStatus.NotSupported));
        Assert.Multiple(() =>
        {
            Assert.That(Attempt(0).FromApp, Is.EqualTo(new[] { 2 }), "only the response");
            Assert.That(_host.IncCorePrepCalls, Is.Zero, "no checkpoint after a refused handshake");
            Assert.That(_host.IncCoreCkptCalls, Is.Empty);
            Assert.That(Attempt(0).Removed, Is.True);
            Assert.That(_signal.CheckpointActive, Is.False);
        });
        AssertSent(0, RmlPeer.Daemon, RmlTag.Snapc, LocalFinish(Error));
    }

    [TestCase(0, TestName = "PeerDiesBeforeTheOptions")]
    [TestCase(3, TestName = "PeerDiesInTheOptions")]
    [TestCase(7, TestName = "PeerDiesBeforeTheSentinel")]
    public void The_peer_dying_in_the_handshake_is_an_error_and_no_checkpoint(int readsBeforeDeath)
    {
        _pipes.Script = p => { p.ScriptCheckpoint(); p.PeerDiesAfterReads = readsBeforeDeath; };
        Init(vpid: 1);
        var clock = Stopwatch.StartNew();
        Assert.That(SignalAndServe(), Is.EqualTo(OpalStatus.ConnectionFailed));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1)));
        Assert.Multiple(() =>
        {
            Assert.That(_host.IncCorePrepCalls, Is.Zero);
            Assert.That(_host.SstoreCalls, Is.Empty);
            Assert.That(Attempt(0).Removed, Is.True);
            Assert.That(_signal.CheckpointActive, Is.False);
            Assert.That(_pipes.Created[^1].Id, Is.EqualTo(1), "a peer that met us consumed the id");
        });
        AssertSent(0, RmlPeer.Daemon, RmlTag.Snapc, LocalFinish(Error));
    }

    [Test]
    public void A_peer_that_never_opens_is_a_timeout_and_the_id_moves_on_as_the_local_coordinators_did()
    {
        _pipes.Script = p => p.OpenResult = ChannelResult.Fail(ChannelFailure.TimedOut, "no reader");
        Init(vpid: 1);
        Assert.That(SignalAndServe(), Is.EqualTo(OpalStatus.Timeout));
        Assert.Multiple(() =>
        {
            Assert.That(_host.IncCorePrepCalls, Is.Zero);
            Assert.That(Attempt(0).Removed, Is.True);
            Assert.That(_pipes.Created[^1].Id, Is.EqualTo(1), "the local coordinator used id 0 up when it signalled");
            Assert.That(_signal.CheckpointActive, Is.False);
        });
        AssertSent(0, RmlPeer.Daemon, RmlTag.Snapc, LocalFinish(Error));
    }

    [Test]
    public void A_silent_peer_after_the_rendezvous_is_a_timeout_and_the_error_is_reported()
    {
        _pipes.Script = p => { for (var i = 0; i < 3; i++) p.ToApp.Enqueue(0); };
        Init(vpid: 1);
        Assert.That(SignalAndServe(), Is.EqualTo(OpalStatus.Timeout));
        Assert.That(_host.IncCorePrepCalls, Is.Zero);
        AssertSent(0, RmlPeer.Daemon, RmlTag.Snapc, LocalFinish(Error));
    }

    [Test]
    public void A_failed_sstore_registration_reports_ERROR_to_the_local_coordinator()
    {
        _host.RegisterResult = OpalStatus.Unreach;
        Init(vpid: 1);
        Assert.That(SignalAndServe(), Is.EqualTo(OpalStatus.Unreach));
        Assert.That(Attempt(0).FromApp, Is.EqualTo(new[] { 0, Error }), "START, then ERROR as the final state");
        Assert.That(Attempt(0).ToApp, Is.EqualTo(new[] { 0 }), "no release awaited after ERROR");
        Assert.That(_host.IncCorePrepCalls, Is.Zero);
    }

    [Test]
    public void A_stalled_checkpoint_resumes_at_the_next_test_point()
    {
        _host.IncCorePrepResults.Enqueue(OpalStatus.Exists);
        Init(vpid: 1);
        Assert.That(SignalAndServe(), Is.EqualTo(OpalStatus.Success));
        Assert.That(_host.CurrentlyStalled, Is.True);
        Assert.That(Attempt(0).FromApp, Is.EqualTo(new[] { 0 }), "handshake done, final state not yet written");
        Assert.That(_signal.CheckpointActive, Is.True);

        _host.TestIfCheckpointReady();
        Assert.That(_host.NotifyResults[^1], Is.EqualTo(OpalStatus.Success));
        Assert.Multiple(() =>
        {
            Assert.That(_host.CurrentlyStalled, Is.False);
            Assert.That(_host.IncCorePrepCalls, Is.EqualTo(2));
            Assert.That(_pipes.Created.Count(p => p.Opened), Is.EqualTo(1), "no second handshake on resume");
            Assert.That(Attempt(0).FromApp, Is.EqualTo(new[] { 0, Continue }));
        });
    }

    [Test]
    public void A_failed_inc_prep_reports_ERROR_and_takes_no_checkpoint()
    {
        _host.IncCorePrepResults.Enqueue(OpalStatus.Error);
        Init(vpid: 1);
        Assert.That(SignalAndServe(), Is.EqualTo(OpalStatus.Error));
        Assert.That(_host.IncCoreCkptCalls, Is.Empty);
        Assert.That(Attempt(0).FromApp, Is.EqualTo(new[] { 0, Error }));
        AssertSent(0, RmlPeer.Daemon, RmlTag.Snapc, LocalFinish(Error));
    }

    [Test]
    public void A_checkpointer_that_fails_without_a_state_reports_ERROR_not_RUNNING()
    {
        _host.Checkpointer = _ => (OpalStatus.Error, null);
        Init(vpid: 1);
        Assert.That(SignalAndServe(), Is.EqualTo(OpalStatus.Error));
        Assert.That(Attempt(0).FromApp, Is.EqualTo(new[] { 0, Error }), "the original wrote RUNNING (6), read as success");
        Assert.That(_host.IncCoreRecoverCalls, Is.EqualTo(new[] { Error }), "the prepared stack is recovered");
        AssertSent(0, RmlPeer.Daemon, RmlTag.Snapc, LocalFinish(Error));
    }

    [Test]
    public void A_failed_sync_turns_the_checkpoint_into_an_error()
    {
        _host.SyncResult = OpalStatus.Unreach;
        Init(vpid: 1);
        Assert.That(SignalAndServe(), Is.EqualTo(OpalStatus.Unreach));
        Assert.That(Attempt(0).FromApp, Is.EqualTo(new[] { 0, Error }));
    }

    [Test]
    public void A_missing_release_is_a_bounded_error()
    {
        _pipes.Script = p => p.ScriptCheckpoint(release: false);
        Init(vpid: 1);
        var clock = Stopwatch.StartNew();
        Assert.That(SignalAndServe(), Is.EqualTo(OpalStatus.Timeout));
        Assert.That(clock.Elapsed, Is.LessThan(Settings.ReleaseTimeout + TimeSpan.FromSeconds(1)));
        Assert.That(Attempt(0).Removed, Is.True);
        AssertSent(0, RmlPeer.Daemon, RmlTag.Snapc, LocalFinish(Error));
    }

    [Test]
    public void A_restarted_process_skips_stage_two_sends_LOCAL_FINISH_RESTART_and_resets_the_id()
    {
        Init(vpid: 1);
        SignalAndServe(); // checkpoint 0
        _host.Checkpointer = _ => (OpalStatus.Success, Restart);
        _host.Pid = 5151; // the image resumes in a new process
        Assert.That(SignalAndServe(), Is.EqualTo(OpalStatus.Success));
        var pipes = Attempt(1);
        Assert.Multiple(() =>
        {
            Assert.That(pipes.FromApp, Is.EqualTo(new[] { 0 }), "no final state and no release after a restart");
            Assert.That(pipes.Removed, Is.True, "the stale names of the old pid are removed");
            Assert.That(_host.IncCoreRecoverCalls[^1], Is.EqualTo(Restart));
            Assert.That((_pipes.Created[^1].Id, _pipes.Created[^1].Pid), Is.EqualTo((0, 5151)), "id 0 with the new pid");
        });
        AssertSent(1, RmlPeer.Daemon, RmlTag.Snapc, LocalFinish(Restart));
    }

    [Test]
    public void Term_writes_TERM_then_waits_boundedly_for_the_kill()
    {
        _pipes.Script = p => p.ScriptCheckpoint(term: true);
        Init(vpid: 1);
        Assert.That(SignalAndServe(), Is.EqualTo(OpalStatus.Timeout), "not killed within the bound: an error, not a hang");
        Assert.That(Attempt(0).FromApp, Is.EqualTo(new[] { 0, Term }));
        AssertSent(0, RmlPeer.Daemon, RmlTag.Snapc, LocalFinish(Term));
        Assert.That(_signal.CheckpointActive, Is.False);
    }

    [Test]
    public void A_non_migrating_process_in_a_migration_skips_the_checkpointer_and_recovers_as_if_restarting()
    {
        _pipes.Script = p => p.ScriptCheckpoint(allMigrating: true, migrating: false);
        Init(vpid: 1);
        Assert.That(SignalAndServe(), Is.EqualTo(OpalStatus.Success));
        Assert.Multiple(() =>
        {
            Assert.That(_host.IncCoreCkptCalls, Is.Empty);
            Assert.That(_host.SstoreCalls.Any(c => c.Key == SstoreKey.LocalSkipCkpt && c.Value == "1"), Is.True);
            Assert.That(_host.SstoreCalls.Any(c => c.Operation == "set" && c.Key == SstoreKey.LocalCrsComp), Is.False);
            Assert.That(_host.ContinueLikeRestart, Is.True);
            Assert.That(_host.IncCoreRecoverCalls, Is.EqualTo(new[] { Restart }));
            Assert.That(Attempt(0).FromApp, Is.EqualTo(new[] { 0, Continue }));
        });
        AssertSent(0, RmlPeer.Daemon, RmlTag.Snapc, LocalFinish(Continue));
    }

    [Test]
    public void A_migrating_process_checkpoints_sends_no_LOCAL_FINISH_and_waits_boundedly_to_be_killed()
    {
        _pipes.Script = p => p.ScriptCheckpoint(allMigrating: true, migrating: true, release: false);
        Init(vpid: 1);
        Assert.That(SignalAndServe(), Is.EqualTo(OpalStatus.Timeout));
        Assert.That(_host.IncCoreCkptCalls, Has.Count.EqualTo(1));
        Assert.That(Attempt(0).FromApp, Is.EqualTo(new[] { 0, Continue }));
        Assert.That(Attempt(0).Removed, Is.True);
        Assert.That(_host.Sent, Is.Empty, "migrating processes skip LOCAL_FINISH");
    }

    [Test]
    public void Skip_app_takes_part_in_the_whole_handshake_without_checkpointing()
    {
        Make(Settings with { SkipApp = true });
        Init(vpid: 1);
        Assert.That(SignalAndServe(), Is.EqualTo(OpalStatus.Success));
        Assert.That(_host.IncCorePrepCalls, Is.Zero);
        Assert.That(Attempt(0).FromApp, Is.EqualTo(new[] { 0, Continue }), "the original never wrote the final state");
        Assert.That(_host.SstoreCalls.Any(c => c.Key == SstoreKey.LocalSkipCkpt), Is.True);
        AssertSent(0, RmlPeer.Daemon, RmlTag.Snapc, LocalFinish(Continue));
    }

    [Test]
    public void Signals_during_a_checkpoint_are_ignored_counted_and_do_not_shift_the_ids()
    {
        Init(vpid: 1);
        _host.Checkpointer = _ =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                _signal.Raise();
            }
            return (OpalStatus.Success, Continue);
        };
        Assert.That(SignalAndServe(), Is.EqualTo(OpalStatus.Success));
        Assert.That(_host.CheckpointRequest, Is.EqualTo(OpalCrCkptCmdState.StatusNone), "the storm set no new request");
        Assert.That(_log.Any(line => line.Contains("Received 10000 signal(s)")), Is.True);
        _host.Checkpointer = _ => (OpalStatus.Success, Continue);
        Assert.That(SignalAndServe(), Is.EqualTo(OpalStatus.Success));
        Assert.That(Attempt(1).Id, Is.EqualTo(1));
    }

    [Test]
    public void The_checkpoint_ends_before_LOCAL_FINISH_so_a_back_to_back_request_is_not_lost()
    {
        Init(vpid: 1);
        _host.OnSend = message =>
        {
            if (message.Tag == RmlTag.Snapc)
            {
                _signal.Raise(); // the local coordinator signals again as soon as it sees LOCAL_FINISH
            }
        };
        SignalAndServe();
        Assert.That(_host.CheckpointRequest, Is.EqualTo(OpalCrCkptCmdState.StatusRequested), "the second request was accepted");
    }

    // ---- ft_event ---------------------------------------------------------------------------------------

    [Test]
    public void Ft_event_restart_sends_LOCAL_UPDATE_with_the_new_pid()
    {
        Init(vpid: 3);
        _host.Pid = 777;
        Assert.That(_coordinator.FtEvent(Restart), Is.EqualTo(OpalStatus.Success));
        AssertSent(0, RmlPeer.Daemon, RmlTag.Snapc,
            Bytes(t => (SnapcMessages.BuildLocalUpdate(t, new OrteProcessName(0x1a2b0001, 3), 777, null, out var p), p)));
    }

    [Test]
    public void Ft_event_checkpoint_records_the_session_directory_on_the_current_handle()
    {
        Init(vpid: 1);
        Assert.That(_coordinator.FtEvent((int)OpalCrsState.Checkpoint), Is.EqualTo(OpalStatus.Success));
        var call = _host.SstoreCalls.Single();
        Assert.That((call.Operation, call.Handle, call.Key, call.Value),
            Is.EqualTo(("set", _host.SstoreHandleCurrent, SstoreKey.LocalMkdir, _host.JobSessionDirectory)));
    }

    [Test]
    public void Ft_event_other_states_do_nothing_and_unknown_states_are_refused()
    {
        Init(vpid: 1);
        foreach (var state in new[] { OpalCrsState.None, OpalCrsState.RestartPre, OpalCrsState.Continue, OpalCrsState.Term, OpalCrsState.Running, OpalCrsState.Error })
        {
            Assert.That(_coordinator.FtEvent((int)state), Is.EqualTo(OpalStatus.Success), state.ToString());
        }
        Assert.That(_host.Sent, Is.Empty);
        Assert.That(_host.SstoreCalls, Is.Empty);
        Assert.That(_coordinator.FtEvent(99), Is.EqualTo(OpalStatus.BadParam));
        Assert.That(_coordinator.FtEvent(-1), Is.EqualTo(OpalStatus.BadParam));
    }

    // ---- request_op --------------------------------------------------------------------------------------

    /// <summary>An HNP that starts the checkpoint on every process as soon as the leader's request arrives.</summary>
    private void HnpCheckpointsOnRequest(int opState = 0)
    {
        _host.OnSend = message =>
        {
            if (message.Tag == RmlTag.SnapcFull)
            {
                _signal.Raise();
                _host.Replies.Enqueue(Reply(SnapcOpEvent.Checkpoint, opState));
            }
        };
    }

    [Test]
    public void The_leader_takes_part_in_its_checkpoint_then_reads_the_reply_and_the_reference()
    {
        Init(vpid: 0);
        HnpCheckpointsOnRequest();
        var op = new RequestOperation { Event = (int)SnapcOpEvent.Checkpoint, Leader = 0 };
        Assert.That(_coordinator.RequestOp(op), Is.EqualTo(OpalStatus.Success));
        AssertSent(0, RmlPeer.Hnp, RmlTag.SnapcFull, Request(SnapcOpEvent.Checkpoint));
        AssertSent(1, RmlPeer.Daemon, RmlTag.Snapc, LocalFinish(Continue));
        Assert.That((op.SeqNum, op.GlobalHandle, op.GlobalHandleChanged), Is.EqualTo((5, "ompi_global_snapshot_77.ckpt", true)));
        Assert.That(_host.SstoreCalls.Where(c => c.Key == SstoreKey.GlobalSnapSeq).Select(c => c.Handle).Single(), Is.EqualTo(7u),
            "read from the handle of the checkpoint just taken");
    }

    [Test]
    public void The_leaders_second_and_third_checkpoints_wait_for_their_own_checkpoint()
    {
        Init(vpid: 0);
        HnpCheckpointsOnRequest();
        for (var i = 0; i < 3; i++)
        {
            var op = new RequestOperation { Event = (int)SnapcOpEvent.Checkpoint, Leader = 0 };
            Assert.That(_coordinator.RequestOp(op), Is.EqualTo(OpalStatus.Success), $"checkpoint {i}");
        }
        Assert.That(_host.IncCoreCkptCalls, Has.Count.EqualTo(3), "every request ran a checkpoint here");
        Assert.That(_host.Replies, Is.Empty, "every reply was consumed by its own request");
    }

    [Test]
    public void A_failed_checkpoint_reported_by_the_HNP_is_an_error()
    {
        Init(vpid: 0);
        HnpCheckpointsOnRequest(opState: -1);
        Assert.That(_coordinator.RequestOp(new RequestOperation { Event = (int)SnapcOpEvent.Checkpoint, Leader = 0 }), Is.EqualTo(OpalStatus.Error));
    }

    [Test]
    public void The_leader_does_not_wait_for_a_reply_after_its_own_checkpoint_failed()
    {
        Init(vpid: 0);
        _host.Checkpointer = _ => (OpalStatus.Error, Error);
        HnpCheckpointsOnRequest();
        Assert.That(_coordinator.RequestOp(new RequestOperation { Event = (int)SnapcOpEvent.Checkpoint, Leader = 0 }), Is.EqualTo(OpalStatus.Error));
        Assert.That(_host.ReceiveBounds, Is.Empty);
    }

    [Test]
    public void A_leader_whose_checkpoint_never_starts_gets_a_bounded_error()
    {
        Init(vpid: 0);
        var clock = Stopwatch.StartNew();
        Assert.That(_coordinator.RequestOp(new RequestOperation { Event = (int)SnapcOpEvent.Checkpoint, Leader = 0 }), Is.EqualTo(OpalStatus.Timeout));
        Assert.That(clock.Elapsed, Is.LessThan(Settings.ReleaseTimeout + TimeSpan.FromSeconds(1)));
        Assert.That(_host.ProgressCalls, Is.GreaterThan(0), "the wait progresses and services checkpoints");
    }

    [Test]
    public void Non_leaders_return_at_once_from_a_checkpoint_request()
    {
        Init(vpid: 2);
        Assert.That(_coordinator.RequestOp(new RequestOperation { Event = (int)SnapcOpEvent.Checkpoint, Leader = 0 }), Is.EqualTo(OpalStatus.Success));
        Assert.That(_host.Sent, Is.Empty);
    }

    [Test]
    public void A_garbled_completion_reply_is_an_error()
    {
        Init(vpid: 0);
        _host.OnSend = message =>
        {
            if (message.Tag == RmlTag.SnapcFull)
            {
                _signal.Raise();
                _host.Replies.Enqueue(new byte[] { 0, 0, 0, 1, 8, 0, 0, 0, 1, 3 });
            }
        };
        Assert.That(_coordinator.RequestOp(new RequestOperation { Event = (int)SnapcOpEvent.Checkpoint, Leader = 0 }), Is.EqualTo(OpalStatus.NotFound));
    }

    [Test]
    public void Quiesce_start_checkpoint_and_end_follow_the_original()
    {
        _pipes.Script = p => p.ScriptCheckpoint(incPrepOnly: true);
        Init(vpid: 0);
        _host.OnSend = message =>
        {
            if (message.Tag == RmlTag.SnapcFull && message.Payload.SequenceEqual(Request(SnapcOpEvent.QuiesceStart)))
            {
                _signal.Raise();
            }
        };

        Assert.That(_coordinator.RequestOp(new RequestOperation { Event = (int)SnapcOpEvent.QuiesceStart, Leader = 0 }), Is.EqualTo(OpalStatus.Success));
        Assert.That(Attempt(0).FromApp, Is.EqualTo(new[] { 0, Running }), "prepared: RUNNING (6) on the pipe");
        Assert.That(_signal.CheckpointActive, Is.True, "the quiesced region counts as a running checkpoint");

        var quiesceCheckpoint = new RequestOperation { Event = (int)SnapcOpEvent.QuiesceCheckpoint, Leader = 0 };
        Assert.That(_coordinator.RequestOp(quiesceCheckpoint), Is.EqualTo(OpalStatus.Success));
        Assert.That(_host.IncCoreCkptCalls, Has.Count.EqualTo(1));
        Assert.That((quiesceCheckpoint.SeqNum, quiesceCheckpoint.GlobalHandle), Is.EqualTo((5, "ompi_global_snapshot_77.ckpt")));
        Assert.That(Attempt(0).FromApp, Has.Count.EqualTo(2), "no FIFO traffic for QUIESCE_CHECKPOINT");

        Assert.That(_coordinator.RequestOp(new RequestOperation { Event = (int)SnapcOpEvent.QuiesceEnd, Leader = 0 }), Is.EqualTo(OpalStatus.Success));
        Assert.That(Attempt(0).FromApp, Is.EqualTo(new[] { 0, Running, Continue }));
        Assert.That(_host.IncCoreRecoverCalls, Is.EqualTo(new[] { Continue }));
        AssertSent(0, RmlPeer.Hnp, RmlTag.SnapcFull, Request(SnapcOpEvent.QuiesceStart));
        AssertSent(1, RmlPeer.Daemon, RmlTag.Snapc, LocalFinish(Continue));
        AssertSent(2, RmlPeer.Hnp, RmlTag.SnapcFull, Request(SnapcOpEvent.QuiesceEnd));
        Assert.That(_signal.CheckpointActive, Is.False);
    }

    [Test]
    public void Quiesce_end_or_checkpoint_without_quiesce_start_is_an_error_not_a_crash()
    {
        Init(vpid: 0);
        Assert.That(_coordinator.RequestOp(new RequestOperation { Event = (int)SnapcOpEvent.QuiesceEnd, Leader = 0 }), Is.EqualTo(OpalStatus.Error));
        Assert.That(_coordinator.RequestOp(new RequestOperation { Event = (int)SnapcOpEvent.QuiesceCheckpoint, Leader = 0 }), Is.EqualTo(OpalStatus.Error));
        Assert.That(_host.Sent, Is.Empty);
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(10)]
    [TestCase(-7)]
    public void Events_an_application_cannot_request_are_refused(int opEvent)
    {
        Init(vpid: 0);
        Assert.That(_coordinator.RequestOp(new RequestOperation { Event = opEvent, Leader = 0 }), Is.EqualTo(OpalStatus.BadParam));
        Assert.That(_host.Sent, Is.Empty);
    }

    [TestCase(-1)]
    [TestCase(2)]
    [TestCase(int.MaxValue)]
    public void A_migration_without_its_table_is_refused(int migNum)
    {
        Init(vpid: 0);
        var op = new RequestOperation { Event = (int)SnapcOpEvent.Migrate, Leader = 0, MigrationCount = migNum, Migrations = null };
        Assert.That(_coordinator.RequestOp(op), Is.EqualTo(OpalStatus.BadParam));
        Assert.That(_host.Sent, Is.Empty);
    }

    [Test]
    public void The_migration_leader_sends_the_table_takes_part_and_waits_for_the_release()
    {
        _pipes.Script = p => p.ScriptCheckpoint(allMigrating: true, migrating: false);
        Init(vpid: 0);
        var table = new[] { new SnapcMigrationEntry(0, "node07", -1, 0), new SnapcMigrationEntry(5, "", 2, 1) };
        _host.OnSend = message =>
        {
            if (message.Tag == RmlTag.SnapcFull)
            {
                _signal.Raise();
                _host.Replies.Enqueue(Bytes(t => (SnapcTestMessages.BuildMigrateDone(t, out var p), p)));
            }
        };
        var op = new RequestOperation { Event = (int)SnapcOpEvent.Migrate, Leader = 0, MigrationCount = 2, Migrations = table };
        Assert.That(_coordinator.RequestOp(op), Is.EqualTo(OpalStatus.Success));
        AssertSent(0, RmlPeer.Hnp, RmlTag.SnapcFull, Bytes(t => (SnapcMessages.BuildMigrate(t, 0x1a2b0001, table, out var p), p)));
        Assert.That(_host.IncCoreRecoverCalls, Is.EqualTo(new[] { Restart }));
    }

    [Test]
    public void The_migration_leader_takes_part_in_the_migration_checkpoint_while_it_waits_for_the_reply()
    {
        _pipes.Script = p => p.ScriptCheckpoint(allMigrating: true, migrating: false);
        Init(vpid: 0);
        var table = new[] { new SnapcMigrationEntry(0, "node07", -1, 0) };
        _host.OnSend = message =>
        {
            if (message.Tag == RmlTag.SnapcFull)
            {
                _signal.Raise(); // the HNP starts the migration checkpoint...
            }
            else if (message.Tag == RmlTag.Snapc)
            {
                // ...and answers once this process's LOCAL_FINISH is in: only a leader that took part gets here.
                _host.Replies.Enqueue(Bytes(t => (SnapcTestMessages.BuildMigrateDone(t, out var p), p)));
            }
        };
        var op = new RequestOperation { Event = (int)SnapcOpEvent.Migrate, Leader = 0, MigrationCount = 1, Migrations = table };
        Assert.That(_coordinator.RequestOp(op), Is.EqualTo(OpalStatus.Success));
        Assert.That(_host.ServicingReceives, Is.EqualTo(1));
        Assert.That(_host.IncCoreRecoverCalls, Is.EqualTo(new[] { Restart }), "the migration checkpoint ran here");
    }

    [Test]
    public void A_refused_migration_returns_an_error_at_once_and_the_next_checkpoint_is_an_ordinary_one()
    {
        Init(vpid: 0);
        var table = new[] { new SnapcMigrationEntry(0, "elsewhere", -1, 1) };
        _host.OnSend = message =>
        {
            if (message.Tag == RmlTag.SnapcFull)
            {
                _host.Replies.Enqueue(Reply(SnapcOpEvent.Migrate, -1)); // native-snapc's HNP refuses every migration
            }
        };
        var clock = Stopwatch.StartNew();
        var op = new RequestOperation { Event = (int)SnapcOpEvent.Migrate, Leader = 0, MigrationCount = 1, Migrations = table };
        Assert.That(_coordinator.RequestOp(op), Is.EqualTo(OpalStatus.Error));
        Assert.That(clock.Elapsed, Is.LessThan(Settings.ReleaseTimeout), "no wait for a migration checkpoint that will not come");
        Assert.That(_host.IncCoreCkptCalls, Is.Empty);
        Assert.That(_log, Has.Some.Contains("op_state -1"));

        _host.OnSend = null;
        Assert.That(SignalAndServe(), Is.EqualTo(OpalStatus.Success));
        Assert.That(_host.IncCoreCkptCalls, Has.Count.EqualTo(1), "checkpointed, not skipped as a non-migrating process of a migration");
        Assert.That(_host.IncCoreRecoverCalls, Is.EqualTo(new[] { Continue }));
    }

    [Test]
    public void A_refused_restart_returns_an_error_at_once()
    {
        Make(Settings with { TermTimeout = TimeSpan.FromSeconds(30) });
        Init(vpid: 2);
        _host.OnSend = message =>
        {
            if (message.Tag == RmlTag.SnapcFull)
            {
                _host.Replies.Enqueue(Reply(SnapcOpEvent.Restart, -1));
            }
        };
        var clock = Stopwatch.StartNew();
        var op = new RequestOperation("ompi_global_snapshot_1234.ckpt") { Event = (int)SnapcOpEvent.Restart, Leader = 2, SeqNum = 3 };
        Assert.That(_coordinator.RequestOp(op), Is.EqualTo(OpalStatus.Error));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        Assert.That(_log, Has.Some.Contains("refused the restart"));
    }

    [Test]
    public void A_restart_request_is_sent_then_waits_boundedly_to_be_restarted()
    {
        Init(vpid: 0);
        var op = new RequestOperation("ompi_global_snapshot_1234.ckpt") { Event = (int)SnapcOpEvent.Restart, Leader = 0, SeqNum = 7 };
        Assert.That(_coordinator.RequestOp(op), Is.EqualTo(OpalStatus.Timeout));
        AssertSent(0, RmlPeer.Hnp, RmlTag.SnapcFull,
            Bytes(t => (SnapcMessages.BuildRestart(t, 0x1a2b0001, 7, "ompi_global_snapshot_1234.ckpt", out var p), p)));
    }

    [Test]
    public void A_failed_send_of_the_request_is_returned()
    {
        Init(vpid: 0);
        _host.SendResult = OpalStatus.Unreach;
        Assert.That(_coordinator.RequestOp(new RequestOperation { Event = (int)SnapcOpEvent.Checkpoint, Leader = 0 }), Is.EqualTo(OpalStatus.Unreach));
    }

    [Test]
    public void A_late_reply_to_a_failed_request_is_not_taken_for_the_next_request_or_FIN_ACK()
    {
        Init(vpid: 0);
        _host.Checkpointer = _ => (OpalStatus.Error, Error);
        HnpCheckpointsOnRequest(opState: -1); // this HNP answers even a failed checkpoint, late
        Assert.That(_coordinator.RequestOp(new RequestOperation { Event = (int)SnapcOpEvent.Checkpoint, Leader = 0 }), Is.EqualTo(OpalStatus.Error));
        Assert.That(_host.Replies, Has.Count.EqualTo(1), "the late reply is still queued");

        _host.Checkpointer = _ => (OpalStatus.Success, Continue);
        HnpCheckpointsOnRequest(opState: 0);
        Assert.That(_coordinator.RequestOp(new RequestOperation { Event = (int)SnapcOpEvent.Checkpoint, Leader = 0 }), Is.EqualTo(OpalStatus.Success),
            "the second request skips the first one's late reply and takes its own");

        _host.OnSend = null;
        _host.Replies.Enqueue(Bytes(t => (SnapcMessages.BuildFinAck(t, out var p), p)));
        Assert.That(_coordinator.Finalize(), Is.EqualTo(OpalStatus.Success));
    }

    [Test]
    public void Finalize_skips_a_late_reply_to_a_timed_out_checkpoint()
    {
        Init(vpid: 0);
        // The checkpoint never runs here: the leader gives up; the HNP answers afterwards.
        Assert.That(_coordinator.RequestOp(new RequestOperation { Event = (int)SnapcOpEvent.Checkpoint, Leader = 0 }), Is.EqualTo(OpalStatus.Timeout));
        _host.Replies.Enqueue(Reply(SnapcOpEvent.Checkpoint, -1));
        _host.Replies.Enqueue(Bytes(t => (SnapcMessages.BuildFinAck(t, out var p), p)));
        Assert.That(_coordinator.Finalize(), Is.EqualTo(OpalStatus.Success));
    }

    [Test]
    public void An_unexpected_reply_with_nothing_owed_is_still_an_error()
    {
        Init(vpid: 0);
        _host.Replies.Enqueue(Reply(SnapcOpEvent.Checkpoint, 0));
        Assert.That(_coordinator.Finalize(), Is.EqualTo(OpalStatus.UnpackFailure));
    }

    [Test]
    public void A_request_signalled_during_a_refused_attempt_is_handed_back_to_the_host()
    {
        Init(vpid: 1);
        _host.HasCrs = false;
        _host.OnSend = message =>
        {
            if (message.Tag == RmlTag.Snapc)
            {
                _signal.Raise(); // signalled again as soon as LOCAL_FINISH(7) went out
            }
        };
        Assert.That(SignalAndServe(), Is.EqualTo(OpalStatus.NotSupported));
        Assert.That(_host.CheckpointRequest, Is.EqualTo(OpalCrCkptCmdState.StatusNone), "the host wiped the request after the refused callback");
        Assert.That(_host.CurrentlyStalled, Is.True, "the stall path will call back");

        _host.OnSend = null;
        _host.HasCrs = true;
        _host.TestIfCheckpointReady(); // stall path: the request is re-posted
        Assert.That((_host.CheckpointRequest, _host.CurrentlyStalled), Is.EqualTo((OpalCrCkptCmdState.StatusRequested, false)));
        Assert.That(_host.NotifyResults[^1], Is.EqualTo(OpalStatus.Success));
        _host.TestIfCheckpointReady(); // the usual path: a checkpoint with the next id
        Assert.That(_host.NotifyResults[^1], Is.EqualTo(OpalStatus.Success));
        Assert.That(Attempt(1).Id, Is.EqualTo(1));
        Assert.That(Attempt(1).FromApp, Is.EqualTo(new[] { 0, Continue }));
    }

    [Test]
    public void After_a_refused_request_with_no_new_signal_the_call_back_changes_nothing()
    {
        Init(vpid: 1);
        _host.HasCrs = false;
        Assert.That(SignalAndServe(), Is.EqualTo(OpalStatus.NotSupported));
        _host.TestIfCheckpointReady(); // the stall-path call back
        Assert.That((_host.CheckpointRequest, _host.CurrentlyStalled), Is.EqualTo((OpalCrCkptCmdState.StatusNone, false)));
        _host.TestIfCheckpointReady();
        Assert.That(_host.NotifyResults, Has.Count.EqualTo(2), "nothing further to do");
        Assert.That(_pipes.Created, Has.Count.EqualTo(2), "no new attempt");
    }

    [Test]
    public void A_missing_sequence_attribute_gives_minus_one_and_unknown()
    {
        Init(vpid: 0);
        _host.Attributes.Remove(SstoreKey.GlobalSnapSeq);
        _host.Attributes.Remove(SstoreKey.GlobalSnapRef);
        HnpCheckpointsOnRequest();
        var op = new RequestOperation { Event = (int)SnapcOpEvent.Checkpoint, Leader = 0 };
        Assert.That(_coordinator.RequestOp(op), Is.EqualTo(OpalStatus.Success));
        Assert.That((op.SeqNum, op.GlobalHandle), Is.EqualTo((-1, "Unknown")));
    }
}

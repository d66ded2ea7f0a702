extern alias command;

using System;
using System.Collections.Generic;
using System.Linq;
using command::NativeSnapc.Command.Global;
using command::NativeSnapc.Protocol.Dss;
using command::NativeSnapc.Protocol.Frames;
using command::NativeSnapc.Protocol.Snapc;
using command::NativeSnapc.Protocol.Wire;
using NUnit.Framework;

namespace NativeSnapc.Tests.Command.Global;

/// <summary>snapc_full_global's state machine and sstore/central's global side with fake nodes and store.</summary>
[TestFixture]
internal sealed class GlobalCoordinatorTests
{
    private readonly object _nodeA = new();
    private readonly object _nodeB = new();
    private FakeGlobalPorts _ports = null!;
    private FakeStore _store = null!;
    private GlobalCoordinator _global = null!;
    private readonly List<CheckpointOutcome> _outcomes = new();

    [SetUp]
    public void SetUp()
    {
        _ports = new FakeGlobalPorts();
        _store = new FakeStore { Next = 4 };
        _outcomes.Clear();
        _global = new GlobalCoordinator(_ports, _store, GlobalSettings.Default with { ReadyWait = TimeSpan.FromSeconds(10) });
        _global.AddNode(_nodeA, "a");
        _global.AddNode(_nodeB, "b");
    }

    private void Hello(object node, uint vpid) =>
        _global.OnNodeFrame(node, new FrameHeader(FrameKind.Hello, 0, Payloads.Rank(vpid), FrameRole.App, Payloads.Hnp, FrameRole.Hnp, 24),
            Payloads.Hello(100 + (int)vpid, 4).Encode());

    private void FromRank(object node, uint vpid, byte[] payload) =>
        _global.OnNodeFrame(node, Payloads.FromRank(vpid, RmlTag.SnapcFull) with { DestinationRole = FrameRole.Hnp }, payload);

    private void Orted(object node, int state, bool quick = true) =>
        _global.OnNodeFrame(node, Payloads.FromDaemon(RmlTag.SnapcFull), Payloads.OrtedState(state, quick));

    private void Push(object node, params uint[] vpids) => PushFor(1, node, vpids);

    private void PushFor(uint handle, object node, params uint[] vpids) =>
        _global.OnNodeFrame(node, Payloads.FromDaemon(RmlTag.SstoreInternal), Payloads.LocalPush(handle, vpids));

    private void JobOfFour()
    {
        Hello(_nodeA, 0);
        Hello(_nodeA, 1);
        Hello(_nodeB, 2);
        Hello(_nodeB, 3);
        FromRank(_nodeA, 0, Payloads.RequestOp(SnapcOpEvent.Init));
    }

    [Test]
    public void A_control_checkpoint_waits_for_every_rank_then_sends_PENDING_with_the_handle_to_each_node()
    {
        Hello(_nodeA, 0);
        _global.RequestCheckpoint(false, _outcomes.Add);
        Assert.That(_ports.Sent, Is.Empty, "1 of 4 ranks: not yet");
        Hello(_nodeA, 1);
        Hello(_nodeB, 2);
        Hello(_nodeB, 3);
        Assert.That(_ports.Sent, Is.Empty, "no INIT yet");
        FromRank(_nodeA, 0, Payloads.RequestOp(SnapcOpEvent.Init));

        foreach (var node in new[] { _nodeA, _nodeB })
        {
            var pending = _ports.JobStates(node).Single();
            Assert.That((pending.IsQuick, pending.JobId, pending.State, pending.Options), Is.EqualTo((false, Payloads.Job, SnapcCkptState.Pending, SnapcCheckpointOptions.None)));
            Assert.That(pending.Handle, Is.EqualTo(new SstoreCentralHandleInfo(1, 4, _store.Reference, _store.AppLocationFormat(4))));
        }
        Assert.That(_store.Lines, Is.EqualTo(new[] { "begin 4" }));
    }

    [Test]
    public void A_checkpoint_runs_to_a_finished_sequence_and_the_leader_gets_op_state_0()
    {
        JobOfFour();
        FromRank(_nodeA, 0, Payloads.RequestOp(SnapcOpEvent.Checkpoint));
        Orted(_nodeA, SnapcCkptState.Running);
        Orted(_nodeB, SnapcCkptState.Running);
        Assert.That(_global.JobState, Is.EqualTo(SnapcCkptState.Running));
        Orted(_nodeA, SnapcCkptState.FinishedLocal, quick: false);
        Assert.That(_ports.JobStates(_nodeA).Select(s => s.State), Does.Not.Contain(SnapcCkptState.FinishedLocal), "one node is not enough");
        Orted(_nodeB, SnapcCkptState.FinishedLocal, quick: false);
        Assert.That(_ports.JobStates(_nodeB).Last().State, Is.EqualTo(SnapcCkptState.FinishedLocal), "released everywhere");

        FromRank(_nodeB, 2, Payloads.RequestOp(SnapcOpEvent.Fin));
        Assert.That(_ports.ToRank(_nodeB, 2), Is.Empty, "FIN_ACK waits for the running checkpoint");

        Push(_nodeA, 0, 1);
        Assert.That(_store.Lines, Is.EqualTo(new[] { "begin 4" }), "the ranks' lines go out with the sequence's end");
        Push(_nodeB, 2, 3);
        Assert.That(_store.Lines, Is.EqualTo(new[] { "begin 4" }.Concat(Enumerable.Range(0, 4).Select(v => $"process {Payloads.Job}.{v} self")).Append("end 4 finished")));
        Assert.That(_ports.JobStates(_nodeA).Last().State, Is.EqualTo(SnapcCkptState.Established));
        Assert.That(_ports.ToRank(_nodeA, 0), Is.Empty, "the reply comes at NONE");

        Orted(_nodeA, SnapcCkptState.Recovered);
        Orted(_nodeB, SnapcCkptState.Recovered);
        Assert.That(_global.JobState, Is.EqualTo(SnapcCkptState.None));
        var reply = _ports.ToRank(_nodeA, 0).Single();
        Assert.That(SnapcMessages.ParseRequestOpDone(reply.Payload, DssBufferType.NonDescribed, out var done), Is.EqualTo(OpalStatus.Success));
        Assert.That(done, Is.EqualTo(new SnapcRequestOpReply(SnapcCommand.FullRequestOp, SnapcOpEvent.Checkpoint, 0)));
        Assert.That((reply.Header.Source, reply.Header.SourceRole), Is.EqualTo((Payloads.Hnp, FrameRole.Hnp)));
        Assert.That(SnapcMessages.ParseFinAck(_ports.ToRank(_nodeB, 2).Single().Payload, DssBufferType.NonDescribed, out var finAck), Is.EqualTo(OpalStatus.Success));
        Assert.That(finAck!.Event, Is.EqualTo(SnapcOpEvent.FinAck));
        Assert.That(_global.Status().LastFinishedSeq, Is.EqualTo(4));
    }

    [Test]
    public void An_ERROR_from_one_node_fails_the_checkpoint_everywhere_without_finishing_the_sequence()
    {
        JobOfFour();
        _global.RequestCheckpoint(false, _outcomes.Add);
        FromRank(_nodeA, 0, Payloads.RequestOp(SnapcOpEvent.Checkpoint));
        Orted(_nodeA, SnapcCkptState.Running);
        Orted(_nodeB, SnapcCkptState.Error);
        Assert.That(_ports.JobStates(_nodeA).Last().State, Is.EqualTo(SnapcCkptState.Error));
        Assert.That(_ports.JobStates(_nodeB).Last().State, Is.EqualTo(SnapcCkptState.Error));
        Assert.That(_store.Lines, Is.EqualTo(new[] { "begin 4", "end 4 unfinished" }), "no # Finished Seq for a failed sequence");
        Assert.That(_outcomes.Single().Succeeded, Is.False);
        Assert.That(_outcomes.Single().Error, Does.Contain("node b"));

        Orted(_nodeA, SnapcCkptState.Recovered);
        Orted(_nodeB, SnapcCkptState.Recovered);
        Assert.That(_global.JobState, Is.EqualTo(SnapcCkptState.Error).Or.EqualTo(SnapcCkptState.Pending), "the queued leader request started next");
        // the leader's request ran as the next checkpoint (seq 5); fail it too and check its reply
        Orted(_nodeA, SnapcCkptState.Error);
        var reply = _ports.ToRank(_nodeA, 0).Single();
        SnapcMessages.ParseRequestOpDone(reply.Payload, DssBufferType.NonDescribed, out var done);
        Assert.That(done!.OpState, Is.EqualTo(-1));
    }

    [Test]
    public void A_lost_node_fails_the_checkpoint_and_the_drain_is_bounded()
    {
        JobOfFour();
        _global.RequestCheckpoint(false, _outcomes.Add);
        _global.RemoveNode(_nodeB);
        Assert.That(_outcomes.Single().Succeeded, Is.False);
        _ports.Now += TimeSpan.FromMinutes(1);
        _global.Tick();
        Assert.That(_global.JobState, Is.EqualTo(SnapcCkptState.None));
    }

    [Test]
    public void A_job_that_never_gets_ready_fails_the_request_after_the_wait()
    {
        Hello(_nodeA, 0);
        _global.RequestCheckpoint(false, _outcomes.Add);
        _ports.Now += TimeSpan.FromSeconds(11);
        _global.Tick();
        Assert.That(_outcomes.Single().Error, Does.Contain("1 of 4 ranks connected"));
        Assert.That(_store.Lines, Is.Empty);
    }

    [Test]
    public void Quiesce_start_is_a_prep_only_checkpoint_and_term_ends_the_job_after_success()
    {
        JobOfFour();
        FromRank(_nodeA, 0, Payloads.RequestOp(SnapcOpEvent.QuiesceStart));
        Assert.That(_ports.JobStates(_nodeA).Single().Options.IncPrepOnly, Is.True);
        Orted(_nodeA, SnapcCkptState.IncPreped, quick: false);
        Orted(_nodeB, SnapcCkptState.IncPreped, quick: false);
        Assert.That(_global.JobState, Is.EqualTo(SnapcCkptState.IncPreped));
        Assert.That(_ports.ToRank(_nodeA, 0), Is.Empty, "QUIESCE_START gets no reply");
        FromRank(_nodeA, 0, Payloads.RequestOp(SnapcOpEvent.QuiesceEnd));
        Orted(_nodeA, SnapcCkptState.FinishedLocal, quick: false);
        Orted(_nodeB, SnapcCkptState.FinishedLocal, quick: false);
        Push(_nodeA, 0, 1);
        Push(_nodeB, 2, 3);
        Orted(_nodeA, SnapcCkptState.Recovered);
        Orted(_nodeB, SnapcCkptState.Recovered);
        Assert.That(_global.JobState, Is.EqualTo(SnapcCkptState.None));
        Assert.That(_ports.Terminations, Is.Zero);

        _global.RequestCheckpoint(true, _outcomes.Add);
        Assert.That(_ports.JobStates(_nodeB).Last().Options.Term, Is.True);
        Orted(_nodeA, SnapcCkptState.FinishedLocal, quick: false);
        Orted(_nodeB, SnapcCkptState.FinishedLocal, quick: false);
        PushFor(2, _nodeA, 0, 1);
        PushFor(2, _nodeB, 2, 3);
        Orted(_nodeA, SnapcCkptState.Recovered);
        Orted(_nodeB, SnapcCkptState.Recovered);
        Assert.That(_outcomes.Single().Succeeded, Is.True);
        Assert.That(_ports.Terminations, Is.EqualTo(1));
    }

    [Test]
    public void When_the_job_ends_a_running_and_a_queued_checkpoint_are_answered_at_once_and_no_other_starts()
    {
        JobOfFour();
        _global.RequestCheckpoint(false, _outcomes.Add);
        _global.RequestCheckpoint(false, _outcomes.Add);
        Assert.That(_global.JobState, Is.EqualTo(SnapcCkptState.Pending));
        _global.EndJob("the job ended (mpirun exit status 137)");
        Assert.That(_outcomes.Select(o => (o.Succeeded, o.Error)), Is.EqualTo(new[]
        {
            (false, (string?)"the job ended (mpirun exit status 137)"),
            (false, (string?)"the job ended (mpirun exit status 137)"),
        }));
        Assert.That(_store.Lines, Is.EqualTo(new[] { "begin 4", "end 4 unfinished" }), "the running sequence is closed unfinished");
        _global.RequestCheckpoint(false, _outcomes.Add);
        Assert.That(_outcomes.Last().Error, Is.EqualTo("the job is ending"));
    }

    [Test]
    public void Restart_and_migrate_requests_are_refused_at_once_with_op_state_minus_1_and_no_checkpoint()
    {
        JobOfFour();
        SnapcMessages.BuildRestart(DssBufferType.NonDescribed, Payloads.Job, 0, "ompi_global_snapshot_1.ckpt", out var restart);
        FromRank(_nodeA, 1, restart);
        SnapcMessages.BuildMigrate(DssBufferType.NonDescribed, Payloads.Job, new[] { new SnapcMigrationEntry(1, "h", -1, 0) }, out var migrate);
        FromRank(_nodeA, 0, migrate);
        Assert.That(_ports.Sent, Has.Count.EqualTo(2), "one reply each, nothing to the nodes");
        var replies = new[] { (Vpid: 1u, Event: SnapcOpEvent.Restart), (Vpid: 0u, Event: SnapcOpEvent.Migrate) };
        foreach (var (vpid, opEvent) in replies)
        {
            var reply = _ports.ToRank(_nodeA, vpid).Single();
            Assert.That(reply.Header.SourceRole, Is.EqualTo(FrameRole.Hnp));
            Assert.That(SnapcMessages.ParseRequestOpDone(reply.Payload, DssBufferType.NonDescribed, out var done), Is.EqualTo(OpalStatus.Success));
            Assert.That((done!.Command, done.Event, done.OpState), Is.EqualTo((SnapcCommand.FullRequestOp, opEvent, (int?)-1)));
        }
        Assert.That(_global.JobState, Is.EqualTo(SnapcCkptState.None));
    }
}

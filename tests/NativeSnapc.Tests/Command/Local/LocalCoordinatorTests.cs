extern alias command;

using System;
using System.Linq;
using command::NativeSnapc.Command.Local;
using command::NativeSnapc.Protocol.Dss;
using command::NativeSnapc.Protocol.Frames;
using command::NativeSnapc.Protocol.Snapc;
using command::NativeSnapc.Protocol.Sstore;
using command::NativeSnapc.Protocol.Wire;
using NUnit.Framework;

namespace NativeSnapc.Tests.Command.Local;

/// <summary>snapc_full_local's state machine with fake ranks, links and handshakes.</summary>
[TestFixture]
internal sealed class LocalCoordinatorTests
{
    private static readonly SstoreCentralHandleInfo Handle = new(1, 0, "ompi_global_snapshot_9.ckpt", "/s/ompi_global_snapshot_9.ckpt/0/opal_snapshot_%d.ckpt");

    private FakeLocalPorts _ports = null!;
    private LocalCoordinator _local = null!;
    private LocalRank[] _ranks = null!;

    [SetUp]
    public void SetUp()
    {
        _ports = new FakeLocalPorts();
        _local = new LocalCoordinator(_ports, LocalSettings.Default("/node") with { ErrorDrain = TimeSpan.FromSeconds(5) });
        _ranks = Enumerable.Range(0, 3).Select(v => _local.AddRank(new object(), Payloads.Rank((uint)v), Payloads.Hello(1000 + v, 3))).ToArray();
    }

    private void Pending(SnapcCheckpointOptions options = default, SstoreCentralHandleInfo? handle = null) =>
        _local.OnGlobalFrame(Payloads.FromHnp(), Payloads.JobState(SnapcCkptState.Pending, handle ?? Handle, options));

    [Test]
    public void Hello_and_requests_are_relayed_to_the_global_coordinator_and_replies_back_as_the_HNP()
    {
        Assert.That(_ports.ToGlobal.Count(f => f.Header.Kind == FrameKind.Hello), Is.EqualTo(3));
        var hello = _ports.ToGlobal.First();
        Assert.That((hello.Header.Source, hello.Header.SourceRole), Is.EqualTo((Payloads.Rank(0), FrameRole.App)));
        Assert.That(HelloPayload.TryDecode(hello.Payload, out var decoded) && decoded.Pid == 1000 && decoded.ProcessCount == 3);

        _local.OnRankMessage(_ranks[0], Payloads.FromRank(0, RmlTag.SnapcFull), Payloads.RequestOp(SnapcOpEvent.Init));
        var relayed = _ports.ToGlobal.Last();
        Assert.That((relayed.Header.Tag, relayed.Header.Source, relayed.Header.DestinationRole), Is.EqualTo((RmlTag.SnapcFull, Payloads.Rank(0), FrameRole.Hnp)));
        Assert.That(relayed.Payload, Is.EqualTo(Payloads.RequestOp(SnapcOpEvent.Init)));

        SnapcMessages.BuildFinAck(DssBufferType.NonDescribed, out var finAck);
        _local.OnGlobalFrame(new FrameHeader(FrameKind.Rml, RmlTag.SnapcFull, Payloads.Hnp, FrameRole.Hnp, Payloads.Rank(2), FrameRole.App, 0), finAck);
        Assert.That(_ports.ToRanks.Single(), Is.EqualTo((_ranks[2], RmlTag.SnapcFull, true, finAck)));
    }

    [Test]
    public void A_checkpoint_signals_every_rank_at_once_with_lock_step_FIFO_ids_and_runs_to_RECOVERED()
    {
        Pending();
        Assert.That(_ports.Handshakes, Has.Count.EqualTo(3), "all ranks' handshakes start together");
        var first = _ports.Handshakes[1].Request;
        Assert.That((first.Pid, first.PipeId, first.ReadFifo, first.WriteFifo, first.Handle, first.Signal),
            Is.EqualTo((1001, 0, "/node/opal_cr_prog_read.1001_0", "/node/opal_cr_prog_write.1001_0", 1u, 10)));

        foreach (var rank in _ranks) _local.Running(rank);
        Assert.That(_ports.OrtedStates(), Is.EqualTo(new[] { new SnapcOrtedStateUpdate(SnapcFullCommand.UpdateOrtedStateQuick, SnapcCkptState.Running) }));

        foreach (var rank in _ranks) _local.Final(rank, (int)OpalCrsState.Continue);
        Assert.That(_ports.OrtedStates().Last(), Is.EqualTo(new SnapcOrtedStateUpdate(SnapcFullCommand.UpdateOrtedState, SnapcCkptState.FinishedLocal)));

        // sstore: every rank's PUSH, then one PUSH of the node to the HNP
        for (var v = 0; v < 3; v++) _local.OnRankMessage(_ranks[v], Payloads.FromRank((uint)v, RmlTag.SstoreInternal), Payloads.AppPush(1, "self"));
        var push = _ports.ToGlobal.Last(f => f.Header.Tag == RmlTag.SstoreInternal);
        var reader = new DssReader(push.Payload, DssBufferType.NonDescribed);
        Assert.That(SstoreCentralMessages.ParseHead(reader, out var head), Is.EqualTo(OpalStatus.Success));
        Assert.That(SstoreCentralMessages.ParseLocalPushBody(reader, head, out var body), Is.EqualTo(OpalStatus.Success));
        Assert.That(body!.Entries.Select(e => (e.Name.vpid, e.CrsComponent)), Is.EqualTo(new[] { (0u, "self"), (1u, "self"), (2u, "self") }));

        Assert.That(_ports.Handshakes.Any(h => h.Released), Is.False, "no release before FINISHED_LOCAL");
        _local.OnGlobalFrame(Payloads.FromHnp(), Payloads.JobState(SnapcCkptState.FinishedLocal));
        Assert.That(_ports.Handshakes.All(h => h.Released));

        for (var v = 0; v < 3; v++) _local.OnRankMessage(_ranks[v], Payloads.FromRank((uint)v, RmlTag.Snapc), Payloads.LocalFinish(4));
        Assert.That(_ports.OrtedStates().Last(), Is.EqualTo(new SnapcOrtedStateUpdate(SnapcFullCommand.UpdateOrtedStateQuick, SnapcCkptState.Recovered)));
        Assert.That(_local.CheckpointActive, Is.False);

        // the next checkpoint uses the next FIFO id of each process
        Pending(handle: Handle with { Handle = 2, Seq = 1 });
        Assert.That(_ports.Handshakes.Skip(3).Select(h => h.Request.PipeId), Is.EqualTo(new[] { 1, 1, 1 }));
    }

    [Test]
    public void A_pull_is_answered_with_the_ranks_own_location()
    {
        Pending();
        _local.OnRankMessage(_ranks[2], Payloads.FromRank(2, RmlTag.SstoreInternal), Payloads.AppPull(1));
        var (rank, tag, asHnp, payload) = _ports.ToRanks.Single();
        Assert.That((rank, tag, asHnp), Is.EqualTo((_ranks[2], RmlTag.SstoreInternal, false)));
        Assert.That(SstoreCentralMessages.ParsePullReply(payload, DssBufferType.NonDescribed, out var reply), Is.EqualTo(OpalStatus.Success));
        Assert.That(reply, Is.EqualTo(new SstorePullReply(1, 0, "ompi_global_snapshot_9.ckpt",
            "/s/ompi_global_snapshot_9.ckpt/0/opal_snapshot_2.ckpt", "/s/ompi_global_snapshot_9.ckpt/0/opal_snapshot_2.ckpt/snapshot_meta.data")));

        _local.OnRankMessage(_ranks[2], Payloads.FromRank(2, RmlTag.SstoreInternal), Payloads.AppPull(77));
        Assert.That(SstoreCentralMessages.ParsePullReply(_ports.ToRanks.Last().Payload, DssBufferType.NonDescribed, out var unknown), Is.EqualTo(OpalStatus.Success));
        Assert.That(unknown, Is.EqualTo(new SstorePullReply(77, -1, null, null, null)), "an unknown handle gets seq -1 and NULL strings");
    }

    [Test]
    public void A_rank_that_dies_fails_the_checkpoint_once_and_ERROR_from_the_global_releases_or_abandons_the_others()
    {
        Pending();
        foreach (var rank in _ranks) _local.Running(rank);
        _local.Final(_ranks[0], (int)OpalCrsState.Continue);
        _local.RemoveRank(_ranks[1], finalized: false);
        _local.Failed(_ranks[1], "closed its FIFO");
        Assert.That(_ports.OrtedStates().Count(s => s.State == SnapcCkptState.Error), Is.EqualTo(1), "one ERROR to the global");
        Assert.That(_ports.ToGlobal.Single(f => f.Header.Kind == FrameKind.Bye).Header.Tag, Is.EqualTo(1u), "the global hears the rank died");
        Assert.That(_ports.Handshakes[1].Aborted, Is.Not.Null);

        _local.OnGlobalFrame(Payloads.FromHnp(), Payloads.JobState(SnapcCkptState.Error));
        Assert.That(_ports.Handshakes[0].Released, Is.True, "a rank waiting for its release gets it");
        Assert.That(_ports.Handshakes[2].Aborted, Is.Not.Null, "a rank still checkpointing is let go");

        _local.OnRankMessage(_ranks[0], Payloads.FromRank(0, RmlTag.Snapc), Payloads.LocalFinish(4));
        Assert.That(_local.CheckpointActive, Is.True, "rank 2 has not finished yet");
        _ports.Now += TimeSpan.FromSeconds(6);
        _local.Tick();
        Assert.That(_local.CheckpointActive, Is.False, "the drain is bounded");
        Assert.That(_ports.OrtedStates().Last().State, Is.EqualTo(SnapcCkptState.Recovered));
    }

    [Test]
    public void A_rank_reporting_OPAL_CRS_ERROR_fails_the_checkpoint()
    {
        Pending();
        foreach (var rank in _ranks) _local.Running(rank);
        _local.Final(_ranks[0], (int)OpalCrsState.Continue);
        _local.Final(_ranks[1], (int)OpalCrsState.Error);
        _local.Final(_ranks[2], (int)OpalCrsState.Continue);
        Assert.That(_ports.OrtedStates().Select(s => s.State), Does.Contain(SnapcCkptState.Error));
        Assert.That(_ports.OrtedStates().Select(s => s.State), Does.Not.Contain(SnapcCkptState.FinishedLocal), "never FINISHED_LOCAL after an error");
    }

    [Test]
    public void Quiesce_reports_INC_PREPED_once_every_rank_is_prepared()
    {
        Pending(new SnapcCheckpointOptions(false, false, true, false));
        Assert.That(_ports.Handshakes.All(h => h.Request.Options.IncPrepOnly));
        foreach (var rank in _ranks) _local.Running(rank);
        _local.Prepared(_ranks[0]);
        _local.Prepared(_ranks[1]);
        Assert.That(_ports.OrtedStates().Select(s => s.State), Does.Not.Contain(SnapcCkptState.IncPreped));
        _local.Prepared(_ranks[2]);
        Assert.That(_ports.OrtedStates().Last(), Is.EqualTo(new SnapcOrtedStateUpdate(SnapcFullCommand.UpdateOrtedState, SnapcCkptState.IncPreped)));
    }

    [Test]
    public void A_restarted_process_starts_its_FIFO_ids_over()
    {
        Pending();
        foreach (var rank in _ranks) _local.Running(rank);
        Assert.That(_ranks[0].NextPipeId, Is.EqualTo(1));
        SnapcMessages.BuildLocalUpdate(DssBufferType.NonDescribed, Payloads.Rank(0), 4242, null, out var update);
        _local.OnRankMessage(_ranks[0], Payloads.FromRank(0, RmlTag.Snapc), update);
        Assert.That((_ranks[0].Pid, _ranks[0].NextPipeId), Is.EqualTo((4242, 0)));
    }

    [Test]
    public void The_global_coordinators_loss_lets_every_rank_go()
    {
        Pending();
        foreach (var rank in _ranks) _local.Running(rank);
        _local.Final(_ranks[0], (int)OpalCrsState.Continue);
        _local.OnGlobalClosed();
        Assert.That(_ports.Handshakes[0].Released, Is.True);
        Assert.That(_ports.Handshakes.Skip(1).All(h => h.Aborted is not null));
    }

    [TestCase("/s/r/3/opal_snapshot_%d.ckpt", 12u, "/s/r/3/opal_snapshot_12.ckpt")]
    [TestCase("/no/format", 1u, "/no/format")]
    public void The_location_format_takes_the_vpid(string format, uint vpid, string expected) =>
        Assert.That(LocalCoordinator.FormatLocation(format, vpid), Is.EqualTo(expected));
}

using System;
using System.Linq;
using NativeSnapc.Tests.Support;
using NUnit.Framework;
using static NativeSnapc.Tests.EndToEnd.ProtocolRun;

namespace NativeSnapc.Tests.EndToEnd;

/// <summary>
/// The quiesced region (docs/protocol.md#quiesce, #per-event): QUIESCE_START is a checkpoint with inc_prep_only that
/// stops after INC prep with RUNNING (6) on the pipe, QUIESCE_CHECKPOINT runs the CRS inside the region without any
/// FIFO traffic, QUIESCE_END finishes the handshake (4, release, LOCAL_FINISH 4) on every rank before the leader sends
/// its request.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class QuiesceTests
{
    [Test]
    public void Two_ranks_quiesce_checkpoint_inside_the_region_and_end_it()
    {
        using var runtime = new ReferenceRuntime(apps: 2);
        var app = runtime.RunApp(new[]
        {
            "init", "barrier", "request:quiesce_start", "request:quiesce_checkpoint", "request:quiesce_end", "barrier", "finalize",
        }, ranks: 2, bound: RunBound);
        var peerExit = runtime.WaitForPeer();

        AssertEndedByItself(runtime, app, 0, ranks: 2);
        Assert.That(peerExit, Is.EqualTo(0), runtime.Transcript());
        var jobid = Ident(app, 0)["jobid"];
        var reference = $"ompi_global_snapshot_{Field(runtime.PeerLinesStartingWith("PEER ready")[0], "pid")}.ckpt";

        Assert.That(RequestNames(runtime), Is.EqualTo(new[] { "init", "quiesce_start", "quiesce_end", "fin" }));
        Assert.That(Received(runtime, "REQUEST_OP").Where(l => l.Contains(" name=quiesce_")),
            Is.All.StartWith("RECV from=0 tag=25 REQUEST_OP event=").And.All.Contain($" jobid={jobid} to=hnp ").And.All.Contain(" bytes=22 "));
        Assert.That(runtime.PeerLinesStartingWith("CKPT start"), Is.EqualTo(new[]
        {
            "CKPT start number=1 handle=1 seq=0 reason=quiesce_start leader=0 all_migrating=0 term=0 stop=0 inc_prep_only=1 signals=1 apps=2",
        }));
        foreach (var vpid in new[] { 0, 1 })
        {
            // Everything the pipes carried: prepared (6), then at QUIESCE_END finished (4) and the release.
            Assert.That(FifoStepNames(runtime, vpid, 0), Is.EqualTo(new[]
            {
                "open", "options=0,0,0,0,1,0 handle=1", "response=0", "sentinel=0", "final=6 prepared", "final=4 finished", "released",
            }), $"vpid {vpid}\n{runtime.Transcript()}");
            var lines = RankLines(app, vpid);
            var start = IndexOf(lines, l => l.StartsWith("STEP 3 request:quiesce_start rc=0 ", StringComparison.Ordinal));
            var checkpoint = IndexOf(lines, l => l.StartsWith("STEP 4 request:quiesce_checkpoint ", StringComparison.Ordinal));
            var end = IndexOf(lines, l => l.StartsWith("STEP 5 request:quiesce_end rc=0 ", StringComparison.Ordinal));
            Assert.That(start, Is.GreaterThanOrEqualTo(0), $"rank {vpid} released from quiesce_start\n{runtime.Transcript()}");
            Assert.That(end, Is.GreaterThanOrEqualTo(0), $"rank {vpid} ended the quiesce\n{runtime.Transcript()}");
            // The CRS ran inside the region, on every rank, and nowhere else; no LOCAL_FINISH before QUIESCE_END.
            var crs = IndexOf(lines, l => l.StartsWith("CRS checkpoint", StringComparison.Ordinal));
            Assert.That(crs, Is.GreaterThan(start).And.LessThan(checkpoint), $"rank {vpid}");
            Assert.That(RankLines(app, vpid, "CRS checkpoint"), Has.Count.EqualTo(1));
            Assert.That(RankLines(app, vpid, "CRS checkpoint")[0], Does.Contain(" term=0 stop=0 outcome=continue "));
            var checkpointStep = app.Step("request:quiesce_checkpoint", vpid);
            Assert.That(checkpointStep.Rc, Is.EqualTo(0));
            Assert.That(checkpointStep["seq"], Is.EqualTo("0"), "every rank gets the sequence number");
            Assert.That(checkpointStep["handle"], Is.EqualTo(reference), "every rank gets the global reference");
            var finish = IndexOf(lines, l => l == $"HOST local_finish vpid={vpid} cr_state=4 count=1");
            Assert.That(finish, Is.GreaterThan(checkpoint).And.LessThan(end), $"rank {vpid}");
            // The recovery at QUIESCE_END (CONTINUE down the coordination chain) precedes its LOCAL_FINISH.
            Assert.That(IndexOf(lines, l => l.StartsWith($"COORD vpid={vpid} state=4 ", StringComparison.Ordinal)), Is.GreaterThan(checkpoint).And.LessThan(finish));
            // Like the original, the region's checkpoint and QUIESCE_END both sync the handle.
            Assert.That(Received(runtime, "SSTORE_PUSH", vpid).Select(l => Field(l, "handle") + "/" + Field(l, "crs_comp")),
                Is.EqualTo(new[] { "1/refnoop", "1/refnoop" }));
            Assert.That(Received(runtime, "LOCAL_FINISH", vpid).Select(l => Field(l, "cr_state")), Is.EqualTo(new[] { "4" }));
        }

        // The leader's QUIESCE_END request leaves only after its own recovery and LOCAL_FINISH.
        var leader = RankLines(app, 0);
        var leaderFinish = IndexOf(leader, l => l.StartsWith("HOST send vpid=0 tag=24 ", StringComparison.Ordinal));
        var endRequest = IndexOf(leader, leaderFinish + 1, l => l.StartsWith("HOST send vpid=0 tag=25 ", StringComparison.Ordinal));
        Assert.That(leaderFinish, Is.GreaterThanOrEqualTo(0));
        Assert.That(endRequest, Is.GreaterThan(leaderFinish).And.LessThan(IndexOf(leader, l => l.StartsWith("STEP 5 request:quiesce_end", StringComparison.Ordinal))));
        var peer = runtime.PeerLines;
        Assert.That(IndexOf(peer, l => l.StartsWith("RECV from=0 tag=24 LOCAL_FINISH ", StringComparison.Ordinal)),
            Is.LessThan(IndexOf(peer, l => l.Contains(" name=quiesce_end "))));
        Assert.That(RankLines(app, 1, "HOST send vpid=1 tag=25 "), Is.Empty, "the non-leader sends no request");
        Assert.That(runtime.PeerLinesStartingWith("CKPT done"), Is.EqualTo(new[]
        {
            "CKPT done number=1 handle=1 seq=0 result=ok finished=2 failed=0 restarted=0 migrated=0 error_state=0",
        }));
        AssertCleanWire(runtime, app);
        AssertNoPipeFilesLeft(runtime);
    }
}

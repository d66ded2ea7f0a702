using System.Linq;
using NativeSnapc.Tests.Support;
using NUnit.Framework;
using static NativeSnapc.Tests.EndToEnd.ProtocolRun;

namespace NativeSnapc.Tests.EndToEnd;

/// <summary>
/// app_coord_init and app_coord_finalize in a real Open MPI process (docs/protocol.md#init-finalize-and-ft_event,
/// messages INIT/FIN, #replies-from-the-hnp FIN_ACK): the fence, INIT and FIN from vpid 0 only, FIN_ACK awaited by
/// vpid 0 only.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class InitFinalizeTests
{
    [Test]
    public void A_singleton_sends_INIT_and_FIN_and_waits_for_the_FIN_ACK()
    {
        using var runtime = new ReferenceRuntime();
        var app = runtime.RunApp(new[] { "init", "finalize" }, bound: RunBound);
        var peerExit = runtime.WaitForPeer();

        AssertEndedByItself(runtime, app, 0);
        Assert.That(peerExit, Is.EqualTo(0), runtime.Transcript());
        Assert.That(app.Step("init").Rc, Is.EqualTo(0));
        Assert.That(app.Step("finalize").Rc, Is.EqualTo(0));
        var jobid = Ident(app)["jobid"];

        // The peer dispatches tag 25 + cmd 8 (ORTE_SNAPC_FULL_REQUEST_OP_CMD) as REQUEST_OP; 22 bytes are
        // [n=1][uint8 8] [n=1][jobid] [n=1][INT32 tag][int32 event], nothing more.
        var requests = Received(runtime, "REQUEST_OP");
        Assert.That(requests, Has.Count.EqualTo(2), runtime.Transcript());
        Assert.That(requests[0], Does.StartWith($"RECV from=0 tag=25 REQUEST_OP event=1 name=init jobid={jobid} to=hnp "));
        Assert.That(requests[1], Does.StartWith($"RECV from=0 tag=25 REQUEST_OP event=2 name=fin jobid={jobid} to=hnp "));
        Assert.That(requests.Select(r => Field(r, "bytes")), Is.All.EqualTo("22"));
        Assert.That(runtime.PeerLinesStartingWith("SEND "), Is.EqualTo(new[] { "SEND to=0 tag=25 FIN_ACK op_event=3 bytes=14 conn=1" }));

        // finalize returned only after the FIN_ACK arrived.
        var lines = RankLines(app, 0);
        var delivered = IndexOf(lines, l => l == "HOST deliver vpid=0 tag=25 from=hnp bytes=14");
        Assert.That(delivered, Is.GreaterThan(IndexOf(lines, l => l.StartsWith("STEP 1 init ", System.StringComparison.Ordinal))));
        Assert.That(delivered, Is.LessThan(IndexOf(lines, l => l.StartsWith("STEP 2 finalize ", System.StringComparison.Ordinal))));
        Assert.That(runtime.PeerLines.Where(l => l.StartsWith("FIFO ", System.StringComparison.Ordinal) || l.StartsWith("SIGNAL ", System.StringComparison.Ordinal)), Is.Empty);
        AssertCleanWire(runtime, app);
        AssertNoPipeFilesLeft(runtime);
    }

    [Test]
    public void Three_ranks_fence_at_init_and_finalize_and_only_rank_zero_talks_to_the_HNP()
    {
        using var runtime = new ReferenceRuntime(apps: 3);
        // A barrier lines the ranks up; then one rank is late for init and another for finalize: the others
        // must wait for it in the fence.
        var app = runtime.RunApp(new[] { "barrier", "on:1:sleep:1000", "init", "on:2:sleep:1000", "finalize" }, ranks: 3, bound: RunBound);
        var peerExit = runtime.WaitForPeer();

        AssertEndedByItself(runtime, app, 0, ranks: 3);
        Assert.That(peerExit, Is.EqualTo(0), runtime.Transcript());
        foreach (var rank in new[] { 0, 2 })
        {
            Assert.That(int.Parse(app.Step("init", rank)["ms"]), Is.GreaterThanOrEqualTo(700), $"rank {rank} waited for rank 1 in the init fence\n{runtime.Transcript()}");
        }
        foreach (var rank in new[] { 0, 1 })
        {
            Assert.That(int.Parse(app.Step("finalize", rank)["ms"]), Is.GreaterThanOrEqualTo(700), $"rank {rank} waited for rank 2 in the finalize fence\n{runtime.Transcript()}");
        }
        Assert.That(Enumerable.Range(0, 3).Select(r => app.Step("finalize", r).Rc), Is.All.EqualTo(0));

        var jobid = Ident(app, 0)["jobid"];
        Assert.That(Enumerable.Range(0, 3).Select(r => Ident(app, r)["jobid"]), Is.All.EqualTo(jobid));
        Assert.That(Received(runtime, "REQUEST_OP"), Has.Count.EqualTo(2), runtime.Transcript());
        Assert.That(Received(runtime, "REQUEST_OP")[0], Does.StartWith($"RECV from=0 tag=25 REQUEST_OP event=1 name=init jobid={jobid} "));
        Assert.That(Received(runtime, "REQUEST_OP")[1], Does.StartWith($"RECV from=0 tag=25 REQUEST_OP event=2 name=fin jobid={jobid} "));
        Assert.That(runtime.PeerLinesStartingWith("SEND "), Has.Count.EqualTo(1));
        Assert.That(runtime.PeerLinesStartingWith("SEND ")[0], Does.StartWith("SEND to=0 tag=25 FIN_ACK op_event=3 "));
        foreach (var rank in new[] { 1, 2 })
        {
            Assert.That(RankLines(app, rank, "HOST send "), Is.Empty, $"rank {rank} sends nothing\n{runtime.Transcript()}");
            Assert.That(RankLines(app, rank, "HOST deliver "), Is.Empty, $"rank {rank} waits for no FIN_ACK");
        }
        var rankZero = RankLines(app, 0);
        Assert.That(IndexOf(rankZero, l => l.StartsWith("HOST deliver vpid=0 tag=25 from=hnp", System.StringComparison.Ordinal)),
            Is.LessThan(IndexOf(rankZero, l => l.StartsWith("STEP 5 finalize ", System.StringComparison.Ordinal))).And.GreaterThanOrEqualTo(0));
        AssertCleanWire(runtime, app);
        AssertNoPipeFilesLeft(runtime);
    }
}

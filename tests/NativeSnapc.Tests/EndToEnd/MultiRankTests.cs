using System;
using System.Linq;
using NativeSnapc.Tests.Support;
using NUnit.Framework;

namespace NativeSnapc.Tests.EndToEnd;

/// <summary>Four ranks under Debian's mpirun (real PMIx fence) hosting the built library, against the reference peer.</summary>
[TestFixture]
[NonParallelizable]
public sealed class MultiRankTests
{
    [Test]
    public void Four_ranks_init_three_checkpoints_a_quiesce_cycle_and_finalize()
    {
        using var runtime = new ReferenceRuntime(apps: 4);
        var app = runtime.RunApp(new[]
        {
            "init", "barrier",
            "request:checkpoint", "loop:20000:1", "barrier",
            "request:checkpoint", "loop:20000:2", "barrier",
            "request:checkpoint", "loop:20000:3", "barrier",
            "request:quiesce_start", "request:quiesce_checkpoint", "request:quiesce_end", "barrier",
            "finalize",
        }, ranks: 4);
        var peerExit = runtime.WaitForPeer();

        Assert.That(app.ExitCode, Is.EqualTo(0), runtime.Transcript());
        Assert.That(peerExit, Is.EqualTo(0), runtime.Transcript());
        for (var rank = 0; rank < 4; rank++)
        {
            var steps = app.StepsOf(rank);
            Assert.That(steps, Has.Count.EqualTo(16), $"rank {rank}");
            Assert.That(steps.Where(s => s.Rc != 0), Is.Empty, $"rank {rank}: every step succeeded");
        }
        // The leader's three checkpoints report the sequence numbers the peer's sstore handed out.
        var leaderSeqs = app.StepsOf(0).Where(s => s.Step == "request:checkpoint").Select(s => s["seq"]).ToList();
        Assert.That(leaderSeqs, Is.EqualTo(new[] { "0", "1", "2" }));

        var finishes = runtime.PeerLinesStartingWith("RECV").Where(l => l.Contains(" LOCAL_FINISH ")).ToList();
        Assert.That(finishes, Has.Count.EqualTo(16), "LOCAL_FINISH from 4 ranks for 3 checkpoints and the quiesce");
        Assert.That(finishes.All(l => l.Contains("cr_state=4") && l.Contains("extra=0")), Is.True);
        var requests = runtime.PeerLinesStartingWith("RECV").Where(l => l.Contains(" REQUEST_OP ")).Select(l => LineFields.Parse(l)["name"].ToUpperInvariant()).ToList();
        Assert.That(requests, Is.EqualTo(new[] { "INIT", "CHECKPOINT", "CHECKPOINT", "CHECKPOINT", "QUIESCE_START", "QUIESCE_END", "FIN" }));
        Assert.That(runtime.PeerLinesStartingWith("RECV").Where(l => l.Contains("UNDECODABLE")), Is.Empty);
        Assert.That(runtime.LeftoverPipeFiles(), Is.Empty, "no FIFO left behind");
    }
}

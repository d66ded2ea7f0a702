using System;
using NativeSnapc.Tests.Support;
using NUnit.Framework;
using static NativeSnapc.Tests.EndToEnd.FaultScenario;

namespace NativeSnapc.Tests.EndToEnd;

/// <summary>
/// A live local coordinator that signals the process but never opens the FIFOs (ref_peer --no-fifo-open), as a
/// real one does when its own wait for the files (snapc_full_max_wait_time) ran out before the process
/// serviced the request.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class FaultRendezvousTests
{
    [Test]
    public void Coordinator_that_never_opens_the_FIFOs_leaves_the_attempt_to_the_handshake_timeout()
    {
        const int handshake = 2;
        using var runtime = new ReferenceRuntime(["--no-fifo-open", "--wait-ms", "1500", "--on", "init=checkpoint"],
            environment: Timeouts(handshake, release: 10, reply: 10));
        var app = runtime.StartApp(["init", $"loop:{(handshake * 1000) + 1500}", "finalize"]);

        var waited = TimeBetween(
            () => runtime.PeerLines, l => l.StartsWith("SIGNAL vpid=0", StringComparison.Ordinal),
            () => app.Lines, l => l.Contains("no local coordinator joined the handshake"),
            TimeSpan.FromSeconds(handshake) + Slack, runtime);
        app.WaitForExit(TimeSpan.FromSeconds(60));

        Assert.That(waited, Is.GreaterThan(TimeSpan.FromSeconds(handshake) - TimeSpan.FromMilliseconds(500))
            .And.LessThan(TimeSpan.FromSeconds(handshake) + Slack), runtime.Transcript());
        Assert.That(app.Lines, Has.Some.Contains("TimedOut"), runtime.Transcript());
        AssertEndedByItself(runtime, app, 0);
        Assert.That(runtime.PeerLinesStartingWith("FIFO vpid=0 id=0 failed reason=fault:no-open"), Has.Count.EqualTo(1));
        Assert.That(CheckpointsTaken(app), Is.Zero);
        Assert.That(LocalFinishStates(app), Is.EqualTo(new[] { 7 }), "the failed attempt is reported");
        AssertNoPipeFilesLeft(runtime);
    }

    [Test]
    public void After_an_abandoned_attempt_the_next_checkpoint_uses_the_local_coordinators_FIFO_id()
    {
        // The process gives up first (1 s), then the local coordinator (1.5 s), which moved on to id 1 when it signalled.
        using var runtime = new ReferenceRuntime(["--no-fifo-open", "--wait-ms", "1500", "--on", "init=checkpoint"],
            environment: Timeouts(handshake: 1, release: 10, reply: 10));
        var app = runtime.StartApp(["init", "loop:2500", "loop:8000:1", "finalize"]);

        WaitForPeerLine(runtime, "CKPT done number=1", TimeSpan.FromSeconds(10));
        WaitForAppLine(runtime, app, l => l.Contains("no local coordinator joined the handshake"), TimeSpan.FromSeconds(10), "the failed attempt");
        runtime.PeerCommand("fault clear");
        runtime.PeerCommand("checkpoint");
        app.WaitForExit(TimeSpan.FromSeconds(60));

        Assert.That(runtime.PeerLinesStartingWith("SIGNAL vpid=0"), Has.Some.Contains("id=1"), "the coordinator's id after one signal");
        Assert.That(LocalFinishStates(app), Is.EqualTo(new[] { 7, 4 }), runtime.Transcript());
        Assert.That(runtime.PeerLinesStartingWith("CKPT done number=2"), Has.One.Contains("result=ok"), runtime.Transcript());
        AssertEndedByItself(runtime, app, 0);
    }
}

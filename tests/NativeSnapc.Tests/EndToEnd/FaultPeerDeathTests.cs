using System;
using NativeSnapc.Protocol.Wire;
using NativeSnapc.Tests.Support;
using NUnit.Framework;
using static NativeSnapc.Tests.EndToEnd.FaultScenario;

namespace NativeSnapc.Tests.EndToEnd;

/// <summary>
/// The local coordinator (ref_peer, which also plays the HNP) is SIGKILLed at each step of the handshake of a
/// checkpoint the leader requested. The library must fail that checkpoint within its bound and without
/// taking it, and every later send to the dead peer must fail cleanly.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class FaultPeerDeathTests
{
    /// <summary>What "noticed within about a second" allows on a loaded machine; the bounds configured are far longer.</summary>
    private static readonly TimeSpan NoticeLimit = TimeSpan.FromSeconds(2);

    /// <summary>The handshake bound of the tests in which only it can end the wait.</summary>
    private const int HandshakeSeconds = 2;

    // After the fault the application runs its loop for half a second, so that the peer's teardown has closed the
    // socket by the time the next request is sent.
    private static readonly string[] Steps = ["init", "request:checkpoint", "loop:500", "request:checkpoint", "finalize"];

    [Test]
    public void Peer_killed_before_the_rendezvous_times_out_after_the_handshake_timeout_and_takes_no_checkpoint()
    {
        // The FIFOs exist but no reader ever comes: only the handshake bound can end the wait.
        using var runtime = RunUntilTheHandshakeBoundEndsTheWait("signal", out var app);
        // The failed attempt ends the leader's wait for its checkpoint at once.
        Assert.That(int.Parse(app.StepsOf(0)[1]["ms"]), Is.LessThan((HandshakeSeconds * 1000) + (int)Slack.TotalMilliseconds));
        Assert.That(app.Lines, Has.Some.Contains("cannot send LOCAL_FINISH(7)"), "the attempt is reported; the dead peer cannot take it");
    }

    /// <summary>
    /// Killed after opening both FIFOs but before its first value: until that value the application cannot tell a
    /// dead local coordinator from a slow one (docs/protocol.md#rendezvous-and-blocking), so the handshake bound
    /// ends the wait — and nothing is taken or left behind.
    /// </summary>
    [Test]
    public void Peer_killed_between_opening_the_FIFOs_and_the_options_times_out_after_the_handshake_timeout()
    {
        using var runtime = RunUntilTheHandshakeBoundEndsTheWait("open", out _);
    }

    /// <summary>
    /// The peer dies at <paramref name="dieAt"/>, before the application can tell it from a slow one: the handshake
    /// bound, and nothing shorter, ends the wait; the checkpoint fails, later sends fail cleanly, nothing is taken
    /// and no FIFO is left.
    /// </summary>
    private static ReferenceRuntime RunUntilTheHandshakeBoundEndsTheWait(string dieAt, out AppRun app)
    {
        const int release = 4, reply = 2;
        var runtime = new ReferenceRuntime(["--die-at", dieAt], environment: Timeouts(HandshakeSeconds, release, reply));
        try
        {
            app = Check(runtime, dieAt, release, reply);
            return runtime;
        }
        catch
        {
            runtime.Dispose();
            throw;
        }
    }

    private static AppRun Check(ReferenceRuntime runtime, string dieAt, int release, int reply)
    {
        var run = runtime.StartApp(Steps);
        var waited = TimeBetween(
            () => runtime.PeerLines, l => l.StartsWith($"FAULT die at={dieAt}", StringComparison.Ordinal),
            () => run.Lines, l => l.Contains("no local coordinator joined the handshake"),
            TimeSpan.FromSeconds(HandshakeSeconds) + Slack, runtime);
        run.WaitForExit(TimeSpan.FromSeconds(60));

        Assert.That(waited, Is.GreaterThan(TimeSpan.FromSeconds(HandshakeSeconds) - TimeSpan.FromMilliseconds(500))
            .And.LessThan(TimeSpan.FromSeconds(HandshakeSeconds) + Slack), runtime.Transcript());
        AssertEndedByItself(runtime, run, 1);
        Assert.That(run.StepsOf(0)[1].Rc, Is.EqualTo(OpalStatus.Error), runtime.Transcript());
        AssertLaterSendsFailCleanly(runtime, run, release, reply);
        Assert.That(CheckpointsTaken(run), Is.Zero, "no checkpoint without a handshake");
        AssertNoPipeFilesLeft(runtime);
        return run;
    }

    [TestCase("options", 0)]
    [TestCase("response", 0)]
    [TestCase("release", 1)]
    public void Peer_killed_after_the_rendezvous_is_noticed_at_once(string step, int checkpointsBeforeTheFault)
    {
        // The bounds of the waits the death interrupts (handshake 20 s, release 3 s) are above the 2 s allowed
        // for noticing it: failing that fast shows the death was seen, not waited out.
        const int handshake = 20, release = 3, reply = 2;
        using var runtime = new ReferenceRuntime(["--die-at", step], environment: Timeouts(handshake, release, reply));
        var app = runtime.RunApp(Steps, bound: TimeSpan.FromSeconds(60));

        AssertEndedByItself(runtime, app, 1);
        WaitForPeerLine(runtime, "FAULT die", TimeSpan.FromSeconds(5), $"at={step}", "how=kill");
        var failed = app.StepsOf(0)[1];
        Assert.That(failed.Rc, Is.EqualTo(OpalStatus.Error), runtime.Transcript());
        Assert.That(int.Parse(failed["ms"]), Is.LessThan(NoticeLimit.TotalMilliseconds), runtime.Transcript());
        // Classified as the peer gone (POLLHUP on the FIFO it read, or EPIPE on a write), not as a timeout.
        Assert.That(app.Lines, Has.Some.Contains("PeerGone"), runtime.Transcript());
        AssertLaterSendsFailCleanly(runtime, app, release, reply);
        // A death during the handshake leaves no checkpoint; one at the release comes after the checkpointer ran.
        Assert.That(CheckpointsTaken(app), Is.EqualTo(checkpointsBeforeTheFault), runtime.Transcript());
        AssertNoPipeFilesLeft(runtime);
    }

    /// <summary>
    /// The second request and finalize: the send is refused once the socket is closed (ORTE_ERR_UNREACH);
    /// should the peer's teardown still be under way, the send goes out and the wait ends at its bound instead.
    /// </summary>
    private static void AssertLaterSendsFailCleanly(ReferenceRuntime runtime, AppRun app, int release, int reply)
    {
        var steps = app.StepsOf(0);
        Assert.That(steps, Has.Count.EqualTo(Steps.Length), runtime.Transcript());
        var request = steps[3];
        var finalize = steps[4];
        Assert.That(request.Rc, Is.AnyOf(OpalStatus.Unreach, OpalStatus.Timeout), runtime.Transcript());
        Assert.That(int.Parse(request["ms"]), Is.LessThan((release * 1000) + (int)Slack.TotalMilliseconds));
        Assert.That(finalize.Rc, Is.AnyOf(OpalStatus.Unreach, OpalStatus.Timeout), runtime.Transcript());
        Assert.That(int.Parse(finalize["ms"]), Is.LessThan((reply * 1000) + (int)Slack.TotalMilliseconds));
    }
}

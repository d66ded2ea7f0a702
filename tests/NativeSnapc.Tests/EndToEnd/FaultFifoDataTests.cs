using System;
using System.Linq;
using NativeSnapc.Tests.Support;
using NUnit.Framework;
using static NativeSnapc.Tests.EndToEnd.FaultScenario;

namespace NativeSnapc.Tests.EndToEnd;

/// <summary>
/// Garbage values and short writes from the local coordinator on the FIFOs (ref_peer --fifo-fault), in the
/// first of two checkpoints the peer starts itself (no HNP reply is involved). The FIFO protocol carries raw
/// ints: garbage is just a value, and only where a value is used does it matter. A short write followed by
/// the peer closing its ends is an error within the bound. Either way the second checkpoint works.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class FaultFifoDataTests
{
    private static readonly TimeSpan NoticeLimit = TimeSpan.FromSeconds(2);

    // Long bounds: an error seen within a second was detected, not waited out.
    private const int Handshake = 20, Release = 20;

    [TestCase("options:short", "read the 'all_migrating' option", 0)]
    [TestCase("sentinel:short", "Unable to read from named pipe", 0)]
    [TestCase("release:short", "Unable to read the 'last_cmd'", 1)]
    public void Short_write_then_close_fails_the_checkpoint_at_once(string fault, string failedRead, int checkpointsBeforeTheFault)
    {
        using var runtime = StartPeer(fault);
        var app = runtime.StartApp(["init", "loop:15000:1", "loop:15000:2", "finalize"]);

        // From the peer's short write to the application's LOCAL_FINISH(ERROR).
        var noticed = TimeBetween(
            () => runtime.PeerLines, l => l.StartsWith("FAULT fifo", StringComparison.Ordinal) && l.Contains("kind=short"),
            () => app.LinesStartingWith("HOST local_finish"), l => l.Contains("cr_state=7"),
            TimeSpan.FromSeconds(Handshake) + Slack, runtime);
        StartSecondCheckpointAfterTheFirstLocalFinish(runtime, 7);
        app.WaitForExit(TimeSpan.FromSeconds(60));

        Assert.That(noticed, Is.LessThan(NoticeLimit), runtime.Transcript());
        AssertEndedByItself(runtime, app, 0);
        Assert.That(app.Lines, Has.Some.Contains(failedRead).And.Contains("Truncated"), runtime.Transcript());
        Assert.That(LocalFinishStates(app), Is.EqualTo(new[] { 7, 4 }), "ERROR for the cut handshake, then a good checkpoint");
        Assert.That(CheckpointsTaken(app), Is.EqualTo(checkpointsBeforeTheFault + 1), runtime.Transcript());
        AssertSecondCheckpointOk(runtime);
        AssertNoPipeFilesLeft(runtime);
    }

    [Test]
    public void Garbage_options_are_taken_as_values_and_the_garbage_handle_fails_the_sstore_registration()
    {
        using var runtime = StartPeer("options:garbage");
        var app = runtime.StartApp(["init", "loop:15000:1", "loop:15000:2", "finalize"]);

        StartSecondCheckpointAfterTheFirstLocalFinish(runtime, 7);
        app.WaitForExit(TimeSpan.FromSeconds(60));

        AssertEndedByItself(runtime, app, 0);
        // Nothing in the protocol marks 0x7fffffff, -1, … as wrong: they are six "true" options and handle
        // 0xdeadbeef, which the store does not know, so the registration fails and no checkpoint is taken.
        Assert.That(runtime.PeerLinesStartingWith("FIFO vpid=0 id=0 options="), Has.Some.Contains("handle=3735928559"));
        Assert.That(app.LinesStartingWith("SSTORE register"), Has.Some.Contains("handle=3735928559").And.Contains("rc=-1"));
        Assert.That(app.Lines, Has.Some.Contains("cannot register sstore handle 3735928559"), runtime.Transcript());
        Assert.That(runtime.PeerLinesStartingWith("FIFO vpid=0 id=0 final=7 error"), Has.Count.EqualTo(1),
            "the local coordinator is told ERROR once the handshake is complete");
        Assert.That(LocalFinishStates(app), Is.EqualTo(new[] { 7, 4 }));
        Assert.That(CheckpointsTaken(app), Is.EqualTo(1), "only the second checkpoint was taken");
        AssertSecondCheckpointOk(runtime);
        AssertNoPipeFilesLeft(runtime);
    }

    [TestCase("sentinel:garbage", "sentinel=2147483647")]
    [TestCase("release:garbage", "FAULT fifo stage=release kind=garbage")]
    public void Garbage_sentinel_or_release_is_ignored_as_the_protocol_says(string fault, string peerEvidence)
    {
        using var runtime = StartPeer(fault);
        var app = runtime.StartApp(["init", "loop:15000:1", "loop:15000:2", "finalize"]);

        StartSecondCheckpointAfterTheFirstLocalFinish(runtime, 4);
        app.WaitForExit(TimeSpan.FromSeconds(60));

        AssertEndedByItself(runtime, app, 0);
        Assert.That(runtime.PeerLines, Has.Some.Contains(peerEvidence), runtime.Transcript());
        Assert.That(LocalFinishStates(app), Is.EqualTo(new[] { 4, 4 }), "the values of sentinel and release are not used");
        Assert.That(CheckpointsTaken(app), Is.EqualTo(2));
        Assert.That(runtime.PeerLinesStartingWith("CKPT done").Select(l => LineFields.Parse(l)["result"]), Is.EqualTo(new[] { "ok", "ok" }));
        AssertNoPipeFilesLeft(runtime);
    }

    /// <summary>The peer with the fault for its first checkpoint only, which it starts when the application's INIT arrives.</summary>
    private static ReferenceRuntime StartPeer(string fault) =>
        new(["--fifo-fault", fault + "@1", "--on", "init=checkpoint"], environment: Timeouts(Handshake, Release, reply: 20));

    /// <summary>
    /// The application ends a checkpoint before it sends LOCAL_FINISH, so once the peer has that message a new
    /// signal is serviced, not ignored as "already checkpointing".
    /// </summary>
    private static void StartSecondCheckpointAfterTheFirstLocalFinish(ReferenceRuntime runtime, int crState)
    {
        WaitForPeerLine(runtime, "RECV from=0 tag=24 LOCAL_FINISH", TimeSpan.FromSeconds(Handshake) + Slack, $"cr_state={crState}");
        runtime.PeerCommand("checkpoint");
    }

    private static void AssertSecondCheckpointOk(ReferenceRuntime runtime)
    {
        var done = runtime.PeerLinesStartingWith("CKPT done").Select(l => LineFields.Parse(l)).ToList();
        Assert.That(done, Has.Count.EqualTo(2), runtime.Transcript());
        Assert.That(done[0]["result"], Is.EqualTo("error"));
        Assert.That(done[1]["result"], Is.EqualTo("ok"), runtime.Transcript());
    }
}

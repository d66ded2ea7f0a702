using System;
using NativeSnapc.Protocol.Wire;
using NativeSnapc.Tests.Support;
using NUnit.Framework;
using static NativeSnapc.Tests.EndToEnd.FaultScenario;

namespace NativeSnapc.Tests.EndToEnd;

/// <summary>
/// The HNP's replies on tag 25 (FIN_ACK, the completion of a checkpoint or a migration) missing, garbled,
/// truncated or late. Each wait for one is bounded by snapc_full_reply_timeout; a reply that cannot be
/// unpacked is an error; and the next exchange works once the HNP behaves again.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class FaultHnpReplyTests
{
    private const int Reply = 2;

    private static readonly string[] TwoCheckpointsAndFinalize = ["init", "request:checkpoint", "request:checkpoint", "finalize"];

    [Test]
    public void Silent_HNP_ends_the_leaders_checkpoint_and_finalize_at_the_reply_timeout()
    {
        // The first completion is never sent; from then on only the FIN_ACK is withheld.
        using var runtime = new ReferenceRuntime(["--hnp", "silent:ckpt", "--on", "done=fault hnp silent:fin"],
            environment: Timeouts(handshake: 10, release: 10, reply: Reply));
        var app = runtime.RunApp(TwoCheckpointsAndFinalize, bound: TimeSpan.FromSeconds(60));

        AssertEndedByItself(runtime, app, 1);
        var steps = app.StepsOf(0);
        AssertTimedOutAtTheReplyBound(runtime, steps[1]);
        Assert.That(steps[2].Rc, Is.EqualTo(OpalStatus.Success), "the next checkpoint, answered, works\n" + runtime.Transcript());
        Assert.That(steps[2]["seq"], Is.EqualTo("1"));
        AssertTimedOutAtTheReplyBound(runtime, steps[3]);
        Assert.That(app.Lines, Has.Exactly(2).Contains($"from the HNP within {Reply} s"), "one report per missing reply");
        Assert.That(CheckpointsTaken(app), Is.EqualTo(2), "both checkpoints ran; only the replies were missing");
        Assert.That(runtime.PeerLinesStartingWith("FAULT hnp silent"), Has.Count.EqualTo(2));
        AssertNoPipeFilesLeft(runtime);
    }

    [Test]
    public void Silent_HNP_ends_the_leaders_migration_at_the_reply_timeout()
    {
        // Process 5 is not in this one-process job: the migration checkpoint runs with no process migrating,
        // so the leader (not migrating) takes part and then waits for the HNP's release.
        using var runtime = new ReferenceRuntime(["--hnp", "silent:migrate", "--on", "done=fault clear"],
            environment: Timeouts(handshake: 10, release: 10, reply: Reply));
        var app = runtime.RunApp(["init", "request:migrate:5/nohost/-1/0", "request:migrate:5/nohost/-1/0", "finalize"],
            bound: TimeSpan.FromSeconds(60));

        AssertEndedByItself(runtime, app, 1);
        var steps = app.StepsOf(0);
        AssertTimedOutAtTheReplyBound(runtime, steps[1]);
        Assert.That(steps[2].Rc, Is.EqualTo(OpalStatus.Success), "the next migration, released, works\n" + runtime.Transcript());
        Assert.That(steps[3].Rc, Is.EqualTo(OpalStatus.Success), runtime.Transcript());
        Assert.That(runtime.PeerLinesStartingWith("FAULT hnp silent kind=MIGRATE_DONE"), Has.Count.EqualTo(1));
        AssertNoPipeFilesLeft(runtime);
    }

    [TestCase("garbage")]
    [TestCase("truncated")]
    public void Garbled_replies_are_unpack_errors(string mode)
    {
        // The first completion is garbled; from then on only the FIN_ACK is.
        using var runtime = new ReferenceRuntime(["--hnp", $"{mode}:ckpt", "--on", $"done=fault hnp {mode}:fin"],
            environment: Timeouts(handshake: 10, release: 10, reply: 20));
        var app = runtime.RunApp(TwoCheckpointsAndFinalize, bound: TimeSpan.FromSeconds(60));

        AssertEndedByItself(runtime, app, 1);
        var steps = app.StepsOf(0);
        Assert.That(runtime.PeerLinesStartingWith("SEND to=0 tag=25"), Has.Some.Contains($"fault={mode}"));
        Assert.That(steps[1].Rc, Is.AnyOf(UnpackErrors), runtime.Transcript());
        Assert.That(steps[2].Rc, Is.EqualTo(OpalStatus.Success), "the next checkpoint, answered properly, works\n" + runtime.Transcript());
        Assert.That(steps[2]["seq"], Is.EqualTo("1"));
        Assert.That(steps[3].Rc, Is.AnyOf(UnpackErrors), runtime.Transcript());
        Assert.That(app.Lines, Has.Exactly(2).Contains("reply cannot be unpacked"), "one report per garbled reply");
        AssertNoPipeFilesLeft(runtime);
    }

    [Test]
    public void A_reply_that_comes_after_the_timeout_is_not_taken_for_the_next_one()
    {
        // The first completion comes 1.5 s after the checkpoint, after the leader gave up (reply bound 1 s);
        // the application carries on meanwhile. Later replies are on time.
        using var runtime = new ReferenceRuntime(["--hnp", "late:ckpt", "--late-ms", "1500", "--on", "done=fault clear"],
            environment: Timeouts(handshake: 10, release: 10, reply: 1));
        var app = runtime.RunApp(["init", "request:checkpoint", "loop:1500", "request:checkpoint", "finalize"],
            bound: TimeSpan.FromSeconds(60));

        AssertEndedByItself(runtime, app, 1);
        var steps = app.StepsOf(0);
        Assert.That(steps[1].Rc, Is.EqualTo(OpalStatus.Timeout), runtime.Transcript());
        Assert.That(runtime.PeerLinesStartingWith("SEND to=0 tag=25 CKPT_DONE"), Has.Some.Contains("fault=late"));
        Assert.That(steps[3].Rc, Is.EqualTo(OpalStatus.Success), runtime.Transcript());
        // The second checkpoint's own completion must not be left for finalize, which waits for FIN_ACK.
        Assert.That(steps[4].Rc, Is.EqualTo(OpalStatus.Success), runtime.Transcript());
    }

    /// <summary>
    /// Every way a request can stop waiting leaves the real reply owed: when it follows, the next request must
    /// not take it for its own. Wrong command or event: a MIGRATE completion where the CHECKPOINT one was due,
    /// then the right one. Unpack errors: a FIN_ACK-shaped reply (no op_state), or 16 bytes of garbage, then the
    /// right one. (A timeout: the test above.)
    /// </summary>
    [TestCase("wrong", "after-wrong")]
    [TestCase("ack-then-reply", "after-ack")]
    [TestCase("garbage-then-reply", "after-garbage")]
    public void A_reply_that_follows_a_rejected_one_is_not_taken_for_the_next_requests(string mode, string rightReplyNote)
    {
        using var runtime = new ReferenceRuntime(["--hnp", $"{mode}:ckpt", "--on", "done=fault clear"],
            environment: Timeouts(handshake: 10, release: 10, reply: 20));
        var app = runtime.RunApp(["init", "request:checkpoint", "finalize"], bound: TimeSpan.FromSeconds(60));

        AssertEndedByItself(runtime, app, 1);
        var steps = app.StepsOf(0);
        Assert.That(steps[1].Rc, mode == "wrong" ? Is.EqualTo(OpalStatus.UnpackFailure) : Is.AnyOf(UnpackErrors), runtime.Transcript());
        var replies = runtime.PeerLinesStartingWith("SEND to=0 tag=25");
        Assert.That(replies, Has.Some.Contains("CKPT_DONE").And.Contain($"fault={rightReplyNote}"),
            "the right completion was sent after the rejected one\n" + runtime.Transcript());
        // The completion that came after the rejected reply is drained, and finalize gets its own FIN_ACK.
        Assert.That(steps[2].Rc, Is.EqualTo(OpalStatus.Success), runtime.Transcript());
        AssertNoPipeFilesLeft(runtime);
    }

    [Test]
    public void After_a_wrong_kind_of_reply_the_next_checkpoint_gets_its_own_completion()
    {
        using var runtime = new ReferenceRuntime(["--hnp", "wrong:ckpt", "--on", "done=fault clear"],
            environment: Timeouts(handshake: 10, release: 10, reply: 20));
        var app = runtime.RunApp(TwoCheckpointsAndFinalize, bound: TimeSpan.FromSeconds(60));

        AssertEndedByItself(runtime, app, 1);
        var steps = app.StepsOf(0);
        Assert.That(steps[1].Rc, Is.EqualTo(OpalStatus.UnpackFailure), runtime.Transcript());
        Assert.That(app.Lines, Has.Some.Contains("expected the reply to Checkpoint (cmd 8, event 4), got cmd 8, event 6"));
        Assert.That(steps[2].Rc, Is.EqualTo(OpalStatus.Success), runtime.Transcript());
        Assert.That(steps[2]["seq"], Is.EqualTo("1"));
        Assert.That(steps[3].Rc, Is.EqualTo(OpalStatus.Success), runtime.Transcript());
    }

    [Test]
    public void After_a_local_failure_the_next_request_and_finalize_get_their_own_replies()
    {
        // The first handshake is cut short (2 of 4 bytes of the options): the leader's checkpoint fails at once
        // and the leader does not wait for the HNP, which still reports the failure (CKPT_DONE, op_state -1).
        using var runtime = new ReferenceRuntime(["--fifo-fault", "options:short@1"],
            environment: Timeouts(handshake: 10, release: 10, reply: 5));
        var app = runtime.RunApp(TwoCheckpointsAndFinalize, bound: TimeSpan.FromSeconds(60));

        AssertEndedByItself(runtime, app, 1);
        var steps = app.StepsOf(0);
        Assert.That(steps[1].Rc, Is.EqualTo(OpalStatus.Error), runtime.Transcript());
        Assert.That(runtime.PeerLinesStartingWith("SEND to=0 tag=25 CKPT_DONE"), Has.Some.Contains("op_state=-1"));
        Assert.That(steps[2].Rc, Is.EqualTo(OpalStatus.Success), "the second checkpoint succeeded at the peer\n" + runtime.Transcript());
        Assert.That(steps[3].Rc, Is.EqualTo(OpalStatus.Success), runtime.Transcript());
    }

    [Test]
    public void After_a_local_failure_the_HNP_never_answers_the_next_request_still_gets_its_reply()
    {
        // As Open MPI 4.1's HNP does (docs/protocol.md#refusals-and-failures): a checkpoint that failed in a process
        // gets no completion at all. The first handshake is cut short, so the leader's checkpoint fails at once; the
        // HNP stays silent about it and answers everything after.
        using var runtime = new ReferenceRuntime(["--fifo-fault", "options:short@1", "--hnp", "silent:ckpt", "--on", "done=fault hnp normal"],
            environment: Timeouts(handshake: 10, release: 10, reply: Reply));
        var app = runtime.RunApp(TwoCheckpointsAndFinalize, bound: TimeSpan.FromSeconds(60));

        AssertEndedByItself(runtime, app, 1);
        var steps = app.StepsOf(0);
        Assert.That(steps[1].Rc, Is.EqualTo(OpalStatus.Error), runtime.Transcript());
        Assert.That(int.Parse(steps[1]["ms"]), Is.LessThan(Reply * 1000), "a local failure is not waited out");
        Assert.That(runtime.PeerLinesStartingWith("FAULT hnp silent kind=CKPT_DONE"), Has.Count.EqualTo(1));
        Assert.That(steps[2].Rc, Is.EqualTo(OpalStatus.Success), "the next checkpoint takes its own reply\n" + runtime.Transcript());
        Assert.That(steps[2]["seq"], Is.EqualTo("1"));
        Assert.That(steps[3].Rc, Is.EqualTo(OpalStatus.Success), runtime.Transcript());
    }

    private static void AssertTimedOutAtTheReplyBound(ReferenceRuntime runtime, StepResult step)
    {
        Assert.That(step.Rc, Is.EqualTo(OpalStatus.Timeout), runtime.Transcript());
        Assert.That(int.Parse(step["ms"]), Is.GreaterThanOrEqualTo((Reply * 1000) - 100)
            .And.LessThan((Reply * 1000) + (int)Slack.TotalMilliseconds), runtime.Transcript());
    }
}

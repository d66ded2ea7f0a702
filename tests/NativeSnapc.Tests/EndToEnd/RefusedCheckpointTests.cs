using System;
using System.Linq;
using NativeSnapc.Tests.Support;
using NUnit.Framework;
using static NativeSnapc.Tests.EndToEnd.ProtocolRun;

namespace NativeSnapc.Tests.EndToEnd;

/// <summary>
/// Responses other than START (docs/protocol.md#refusals-and-failures, #test_if_checkpoint_ready): NULL when no CRS is
/// selected, IN_PROGRESS while opal_cr_checkpointing_state is RUNNING. The response goes on the wire like the
/// original's; unlike the original (which went on to checkpoint and blocked forever, or crashed without a CRS), no
/// checkpoint is taken, LOCAL_FINISH carries ERROR (7) and the FIFO ids stay in step for the next checkpoint. ref_app
/// holds LOCAL_FINISH back (rml-delay:24) so that the peer reads the response before it: the app sends it right after
/// writing the response, and the peer may otherwise take the message first.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class RefusedCheckpointTests
{
    [Test]
    public void Without_a_CRS_the_response_is_NULL_and_no_checkpoint_is_taken()
    {
        using var runtime = new ReferenceRuntime(new[] { "--on", "init+100=checkpoint" });
        var app = runtime.StartApp(new[] { "init", "trace-notify", "rml-delay:24:500", "loop:30000:1", "loop:30000:2", "finalize" },
            appOptions: new[] { "--no-crs" });
        // The second request only once the first attempt is over (see BackToBackRequestAfterARefusedAttempt…).
        WaitForStep(runtime, app, "loop:30000:1");
        runtime.PeerCommand("checkpoint");
        app.WaitForExit(RunBound);
        var peerExit = runtime.WaitForPeer();

        AssertEndedByItself(runtime, app, 0);
        Assert.That(peerExit, Is.EqualTo(0), runtime.Transcript());
        for (var id = 0; id < 2; id++)
        {
            // NULL (2) is written, the peer refuses as the real daemon does: no sentinel, no final state.
            Assert.That(FifoStepNames(runtime, 0, id), Is.EqualTo(new[]
            {
                "open", $"options=0,0,0,0,0,0 handle={id + 1}", "response=2", "failed reason=refused:null",
            }), $"attempt {id + 1}\n{runtime.Transcript()}");
        }
        // Each refusal asks for a call back through the stall path (a request signalled meanwhile would be
        // wiped by the host); with none pending, that call changes nothing.
        var notifications = app.LinesStartingWith("NOTIFY ");
        Assert.That(notifications.Where(l => !l.Contains(" response=0 ")), Is.EqualTo(new[]
        {
            $"NOTIFY vpid=0 response=2 rc={OpalErrNotSupported} cr_state=4 stalled=1",
            $"NOTIFY vpid=0 response=2 rc={OpalErrNotSupported} cr_state=4 stalled=1",
        }), runtime.Transcript());
        Assert.That(notifications.Where(l => l.Contains(" response=0 ")), Is.All.EqualTo("NOTIFY vpid=0 response=0 rc=0 cr_state=4 stalled=0"));
        Assert.That(Received(runtime, "LOCAL_FINISH").Select(l => Field(l, "cr_state")), Is.EqualTo(new[] { "7", "7" }));
        // Nothing after the response: no sstore registration, no CRS, no PUSH.
        Assert.That(Received(runtime, "SSTORE_PULL"), Is.Empty);
        Assert.That(Received(runtime, "SSTORE_PUSH"), Is.Empty);
        Assert.That(app.LinesStartingWith("CRS "), Is.Empty);
        Assert.That(app.LinesStartingWith("SSTORE "), Is.Empty);
        Assert.That(runtime.PeerLinesStartingWith("CKPT done").Select(l => Field(l, "result")), Is.EqualTo(new[] { "error", "error" }));
        Assert.That(app.Step("finalize").Rc, Is.EqualTo(0));
        AssertCleanWire(runtime, app);
        AssertNoPipeFilesLeft(runtime);
    }

    [Test]
    public void Without_a_CRS_the_leaders_checkpoint_request_fails_instead_of_hanging()
    {
        using var runtime = new ReferenceRuntime();
        // No finalize: see A_failed_leader_checkpoint_leaves_the_HNP_reply_for_the_next_waiter.
        var app = runtime.RunApp(new[] { "init", "rml-delay:24:500", "request:checkpoint" }, appOptions: new[] { "--no-crs" }, bound: RunBound);
        var peerExit = runtime.WaitForPeer();

        AssertEndedByItself(runtime, app, 1);
        Assert.That(peerExit, Is.EqualTo(0), runtime.Transcript());
        var request = app.Step("request:checkpoint");
        Assert.That(request.Rc, Is.EqualTo(OpalError), runtime.Transcript());
        Assert.That(int.Parse(request["ms"]), Is.LessThan(15000), "returned without waiting for a reply that never comes");
        Assert.That(Received(runtime, "REQUEST_OP").Select(l => Field(l, "name")), Is.EqualTo(new[] { "init", "checkpoint" }));
        Assert.That(FifoStepNames(runtime, 0, 0), Is.EqualTo(new[]
        {
            "open", "options=0,0,0,0,0,0 handle=1", "response=2", "failed reason=refused:null",
        }), runtime.Transcript());
        Assert.That(Received(runtime, "LOCAL_FINISH").Select(l => Field(l, "cr_state")), Is.EqualTo(new[] { "7" }));
        Assert.That(app.LinesStartingWith("CRS "), Is.Empty);
        AssertCleanWire(runtime, app);
        AssertNoPipeFilesLeft(runtime);
    }

    [Test]
    public void While_a_checkpoint_is_running_the_response_is_in_progress_and_the_next_checkpoint_uses_the_next_id()
    {
        using var runtime = new ReferenceRuntime(new[] { "--on", "init+100=checkpoint" });
        // opal_cr_checkpointing_state = RUNNING: opal_cr_test_if_checkpoint_ready answers IN_PROGRESS
        // (docs/protocol.md#test_if_checkpoint_ready).
        var app = runtime.StartApp(new[] { "init", "trace-notify", "rml-delay:24:500", "cr-state:6", "loop:30000:1", "loop:30000:2", "finalize" });
        WaitForStep(runtime, app, "loop:30000:1");
        runtime.PeerCommand("checkpoint");
        app.WaitForExit(RunBound);
        var peerExit = runtime.WaitForPeer();

        AssertEndedByItself(runtime, app, 0);
        Assert.That(peerExit, Is.EqualTo(0), runtime.Transcript());
        Assert.That(FifoStepNames(runtime, 0, 0), Is.EqualTo(new[]
        {
            "open", "options=0,0,0,0,0,0 handle=1", "response=1", "failed reason=refused:in_progress",
        }), runtime.Transcript());
        // The refused attempt left the checkpointing state at NONE, so the next request is a normal checkpoint with id 1.
        Assert.That(FifoStepNames(runtime, 0, 1), Is.EqualTo(new[]
        {
            "open", "options=0,0,0,0,0,0 handle=2", "response=0", "sentinel=0", "final=4 finished", "released",
        }), runtime.Transcript());
        Assert.That(app.LinesStartingWith("NOTIFY "), Is.EqualTo(new[]
        {
            $"NOTIFY vpid=0 response=1 rc={OpalErrResourceBusy} cr_state=4 stalled=1", "NOTIFY vpid=0 response=0 rc=0 cr_state=4 stalled=0",
            "NOTIFY vpid=0 response=0 rc=0 cr_state=4 stalled=0",
        }));
        Assert.That(Received(runtime, "LOCAL_FINISH").Select(l => Field(l, "cr_state")), Is.EqualTo(new[] { "7", "4" }));
        Assert.That(app.LinesStartingWith("CRS result"), Is.EqualTo(new[] { "CRS result vpid=0 call=1 rc=0 state=4" }));
        Assert.That(Received(runtime, "SSTORE_PULL").Select(l => Field(l, "handle")), Is.EqualTo(new[] { "2" }));
        Assert.That(runtime.PeerLinesStartingWith("CKPT done").Select(l => Field(l, "result")), Is.EqualTo(new[] { "error", "ok" }));
        AssertCleanWire(runtime, app);
        AssertNoPipeFilesLeft(runtime);
    }

    [Test]
    public void Back_to_back_request_after_a_refused_attempt_is_serviced()
    {
        // The local coordinator signals again as soon as it sees LOCAL_FINISH(7). For START, opal_cr clears
        // opal_cr_checkpoint_request before the callback; for IN_PROGRESS and NULL it clears it AFTER the
        // callback returns — and LOCAL_FINISH leaves inside the callback. A signal in that window (here
        // widened to 300 ms, a descheduled thread) is overwritten, and the peer's id 1 is never opened.
        using var runtime = new ReferenceRuntime(new[] { "--wait-ms", "5000", "--on", "init+100=checkpoint", "--on", "local_finish#1=checkpoint" });
        var app = runtime.RunApp(new[] { "init", "trace-notify:300", "rml-delay:24:500", "cr-state:6", "loop:8000:2", "finalize" }, bound: RunBound);
        runtime.WaitForPeer();

        Assert.That(FifoStepNames(runtime, 0, 1), Does.Contain("final=4 finished"), runtime.Transcript());
        Assert.That(app.Step("loop:8000:2").Rc, Is.EqualTo(0), runtime.Transcript());
    }

    [Test]
    public void A_failed_leader_checkpoint_leaves_the_HNP_reply_for_the_next_waiter()
    {
        // The library does not wait for the completion of a checkpoint that failed locally ("the HNP never
        // completes it"), but an HNP whose job state reached ERROR does reply, with op_state -1
        // (snapc_full_global.c; the peer does so). That reply is then consumed by the next wait on tag 25.
        using var runtime = new ReferenceRuntime();
        var app = runtime.RunApp(new[] { "init", "request:checkpoint", "request:checkpoint", "finalize" },
            appOptions: new[] { "--crs", "error;continue" }, bound: RunBound);
        runtime.WaitForPeer();

        var requests = app.Steps.Where(s => s.Step == "request:checkpoint").ToList();
        Assert.That(requests[0].Rc, Is.EqualTo(OpalError), runtime.Transcript());
        Assert.That(runtime.PeerLinesStartingWith("SEND to=0 tag=25 CKPT_DONE").Select(l => Field(l, "op_state")), Is.EqualTo(new[] { "-1", "0" }));
        Assert.That(requests[1].Rc, Is.EqualTo(0), "the second checkpoint succeeded (op_state 0 on the wire)\n" + runtime.Transcript());
        Assert.That(app.Step("finalize").Rc, Is.EqualTo(0), "FIN_ACK is on the wire\n" + runtime.Transcript());
    }
}

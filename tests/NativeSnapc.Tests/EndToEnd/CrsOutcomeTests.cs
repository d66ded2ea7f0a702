using System;
using System.Linq;
using NativeSnapc.Tests.Support;
using NUnit.Framework;
using static NativeSnapc.Tests.EndToEnd.ProtocolRun;

namespace NativeSnapc.Tests.EndToEnd;

/// <summary>
/// What the checkpointer reports decides the rest of the checkpoint (docs/protocol.md#values-on-the-fifos, #restart;
/// docs/protocol.md, defects 2 and 10): ERROR is passed on without waiting for a release, a failure that leaves RUNNING
/// is reported as ERROR (the original passed RUNNING, which the local coordinator takes for success), RESTART skips the
/// final handshake and resets the FIFO id, and a CRS that names no component is recorded under the selected one.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class CrsOutcomeTests
{
    [Test]
    public void A_CRS_error_is_reported_as_ERROR_without_waiting_for_the_release()
    {
        using var runtime = new ReferenceRuntime(apps: 2);
        // Rank 0's CRS fails; rank 1's takes 1.5 s, so the peer can release nobody before then. Rank 0's
        // recovery takes 300 ms so that the peer reads its final state before its LOCAL_FINISH.
        var app = runtime.StartApp(new[]
        {
            "init", "on:0:crs:error", "on:0:coord-delay:300", "on:1:crs:sleep=1500", "barrier", "loop:30000:1", "barrier", "finalize",
        }, ranks: 2);
        WaitForStep(runtime, app, "barrier", ranks: 2);
        runtime.PeerCommand("checkpoint");
        app.WaitForExit(RunBound);
        var peerExit = runtime.WaitForPeer();

        AssertEndedByItself(runtime, app, 0, ranks: 2);
        Assert.That(peerExit, Is.EqualTo(0), runtime.Transcript());
        Assert.That(RankLines(app, 0, "CRS result"), Is.EqualTo(new[] { "CRS result vpid=0 call=1 rc=-1 state=7" }));
        Assert.That(FifoStepNames(runtime, 0, 0), Is.EqualTo(new[]
        {
            "open", "options=0,0,0,0,0,0 handle=1", "response=0", "sentinel=0", "final=7 error", "ended reason=error-reported",
        }), runtime.Transcript());
        Assert.That(FifoStepNames(runtime, 1, 0), Is.EqualTo(new[]
        {
            "open", "options=0,0,0,0,0,0 handle=1", "response=0", "sentinel=0", "final=4 finished", "released",
        }), runtime.Transcript());
        // Rank 0's LOCAL_FINISH(ERROR) arrived while rank 1 was still checkpointing: it never waited for a release.
        var peer = runtime.PeerLines;
        var errorFinish = IndexOf(peer, l => l.StartsWith("RECV from=0 tag=24 LOCAL_FINISH cr_state=7 ", StringComparison.Ordinal));
        Assert.That(errorFinish, Is.GreaterThanOrEqualTo(0), runtime.Transcript());
        Assert.That(errorFinish, Is.LessThan(IndexOf(peer, l => l == "FIFO vpid=1 id=0 final=4 finished")));
        Assert.That(Received(runtime, "LOCAL_FINISH", 1).Select(l => Field(l, "cr_state")), Is.EqualTo(new[] { "4" }));
        // The error still reaches sstore: the PUSH names the component that ran.
        Assert.That(Received(runtime, "SSTORE_PUSH", 0).Select(l => Field(l, "crs_comp")), Is.EqualTo(new[] { "refnoop" }));
        Assert.That(runtime.PeerLinesStartingWith("CKPT done"), Has.One.StartWith("CKPT done number=1 handle=1 seq=0 result=error ").And.EndWith(" error_state=1"));
        AssertCleanWire(runtime, app);
        AssertNoPipeFilesLeft(runtime);
    }

    [Test]
    public void A_CRS_failure_that_leaves_RUNNING_is_reported_as_ERROR()
    {
        using var runtime = new ReferenceRuntime(new[] { "--on", "init+100=checkpoint" });
        var app = runtime.RunApp(new[] { "init", "trace-notify", "coord-delay:300", "loop:30000:1", "finalize" },
            appOptions: new[] { "--crs", "fail" }, bound: RunBound);
        var peerExit = runtime.WaitForPeer();

        AssertEndedByItself(runtime, app, 0);
        Assert.That(peerExit, Is.EqualTo(0), runtime.Transcript());
        Assert.That(app.LinesStartingWith("CRS result"), Is.EqualTo(new[] { "CRS result vpid=0 call=1 rc=-1 state=6" }));
        Assert.That(FifoSteps(runtime, 0, 0).Skip(1).Take(4), Is.EqualTo(new[]
        {
            "options=0,0,0,0,0,0 handle=1", "response=0", "sentinel=0", "final=7 error",
        }), runtime.Transcript());
        Assert.That(Received(runtime, "LOCAL_FINISH").Select(l => Field(l, "cr_state")), Is.EqualTo(new[] { "7" }));
        // The notify callback reports the checkpointer's failure to opal_cr.
        Assert.That(app.LinesStartingWith("NOTIFY "), Is.EqualTo(new[] { $"NOTIFY vpid=0 response=0 rc={OpalError} cr_state=4 stalled=0" }));
        Assert.That(runtime.PeerLinesStartingWith("CKPT done")[0], Does.Contain(" result=error ").And.Contain(" error_state=1"));
        AssertCleanWire(runtime, app);
        AssertNoPipeFilesLeft(runtime);
    }

    [Test]
    public void A_restart_sends_LOCAL_UPDATE_through_ft_event_and_the_FIFO_id_starts_again_at_zero()
    {
        using var runtime = new ReferenceRuntime(new[]
        {
            "--on", "init+100=checkpoint", "--on", "local_finish#1=checkpoint", "--on", "local_finish#2=checkpoint",
        });
        var app = runtime.RunApp(new[] { "init", "loop:30000:3", "finalize" }, appOptions: new[] { "--crs", "restart;continue" }, bound: RunBound);
        var peerExit = runtime.WaitForPeer();

        AssertEndedByItself(runtime, app, 0);
        Assert.That(peerExit, Is.EqualTo(0), runtime.Transcript());
        var ident = Ident(app);
        var pid = ident["pid"];

        // Checkpoint 1 resumes "from the image": no final state on the pipe, no release, no PUSH for handle 1.
        var first = FifoStepNames(runtime, 0, 0).Take(5).ToList();
        Assert.That(first.Take(4), Is.EqualTo(new[] { "open", "options=0,0,0,0,0,0 handle=1", "response=0", "sentinel=0" }), runtime.Transcript());
        Assert.That(first[4], Is.EqualTo("restarted").Or.EqualTo("closed restarted=1"), runtime.Transcript());
        Assert.That(Received(runtime, "SSTORE_PUSH").Select(l => Field(l, "handle")), Is.EqualTo(new[] { "2", "3" }));
        // recover(RESTART) went down the coordination chain to app_coord_ft_event(RESTART): LOCAL_UPDATE with getpid().
        Assert.That(app.LinesStartingWith("COORD vpid=0 state=3 "), Has.Count.EqualTo(1));
        Assert.That(app.LinesStartingWith("COORD vpid=0 state=3 ")[0], Does.StartWith("COORD vpid=0 state=3 ft_event=0 below=opal_cr_coord rc=0 "));
        var update = Received(runtime, "LOCAL_UPDATE");
        Assert.That(update, Has.Count.EqualTo(1));
        Assert.That(update[0], Does.StartWith($"RECV from=0 tag=24 LOCAL_UPDATE jobid={ident["jobid"]} vpid=0 pid={pid} to=daemon "));
        Assert.That(Field(update[0], "bytes"), Is.EqualTo("26"));
        Assert.That(runtime.PeerLinesStartingWith("RESTART "), Is.EqualTo(new[] { $"RESTART vpid=0 pid={pid}->{pid} next_id=0 reset=1" }));
        var lines = RankLines(app, 0);
        Assert.That(IndexOf(lines, l => l.StartsWith("HOST send vpid=0 tag=24 to=daemon bytes=26 ", StringComparison.Ordinal)),
            Is.LessThan(IndexOf(lines, l => l == "HOST local_finish vpid=0 cr_state=3 count=1")).And.GreaterThanOrEqualTo(0));
        Assert.That(Received(runtime, "LOCAL_FINISH").Select(l => Field(l, "cr_state")), Is.EqualTo(new[] { "3", "4", "4" }));

        // Both sides start again at id 0 (with the same pid here: the test CRS restarts nothing).
        Assert.That(runtime.PeerLinesStartingWith("SIGNAL ").Select(l => Field(l, "id")), Is.EqualTo(new[] { "0", "0", "1" }));
        Assert.That(FifoSteps(runtime, 0, 0).Skip(5), Is.EqualTo(new[]
        {
            $"open a={runtime.PipeDir}/opal_cr_prog_read.{pid}_0 b={runtime.PipeDir}/opal_cr_prog_write.{pid}_0",
            "options=0,0,0,0,0,0 handle=2", "response=0", "sentinel=0", "final=4 finished", "released",
        }), runtime.Transcript());
        Assert.That(FifoStepNames(runtime, 0, 1), Is.EqualTo(new[]
        {
            "open", "options=0,0,0,0,0,0 handle=3", "response=0", "sentinel=0", "final=4 finished", "released",
        }), runtime.Transcript());
        Assert.That(runtime.PeerLinesStartingWith("CKPT done").Select(l => Field(l, "result") + "/" + Field(l, "restarted")),
            Is.EqualTo(new[] { "ok/1", "ok/0", "ok/0" }));
        AssertCleanWire(runtime, app);
        AssertNoPipeFilesLeft(runtime);
    }

    [Test]
    public void A_CRS_without_a_component_name_is_recorded_under_the_selected_component()
    {
        using var runtime = new ReferenceRuntime(new[] { "--on", "init+100=checkpoint", "--on", "local_finish#1=checkpoint" });
        // The selected component is called "refsel"; the CRS names itself "refnoop" unless told "noname" (the
        // original's 'self' CRS left the name NULL, the PUSH carried NULL and the daemon waited forever).
        var app = runtime.RunApp(new[] { "init", "loop:30000:2", "finalize" },
            appOptions: new[] { "--crs", "noname;continue", "--crs-name", "refsel" }, bound: RunBound);
        var peerExit = runtime.WaitForPeer();

        AssertEndedByItself(runtime, app, 0);
        Assert.That(peerExit, Is.EqualTo(0), runtime.Transcript());
        Assert.That(app.LinesStartingWith("SSTORE set_attr vpid=0 handle=1 key=0 ").Select(l => Field(l, "value")), Is.EqualTo(new[] { "refsel" }));
        Assert.That(app.LinesStartingWith("SSTORE set_attr vpid=0 handle=2 key=0 ").Select(l => Field(l, "value")), Is.EqualTo(new[] { "refnoop" }));
        Assert.That(Received(runtime, "SSTORE_PUSH").Select(l => Field(l, "handle") + "/" + Field(l, "skipped") + "/" + Field(l, "crs_comp")),
            Is.EqualTo(new[] { "1/0/refsel", "2/0/refnoop" }));
        Assert.That(runtime.PeerLinesStartingWith("CKPT done").Select(l => Field(l, "result")), Is.EqualTo(new[] { "ok", "ok" }));
        AssertCleanWire(runtime, app);
        AssertNoPipeFilesLeft(runtime);
    }
}

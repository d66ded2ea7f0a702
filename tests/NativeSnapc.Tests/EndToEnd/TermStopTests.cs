using System;
using System.Linq;
using NativeSnapc.Tests.Support;
using NUnit.Framework;
using static NativeSnapc.Tests.EndToEnd.ProtocolRun;

namespace NativeSnapc.Tests.EndToEnd;

/// <summary>
/// The checkpoint options term and stop (docs/protocol.md#term-and-stop): term reports TERM (5) and waits to be
/// killed — bounded by snapc_full_term_timeout, where the original spun forever; stop records the component and syncs
/// sstore early, from app_coord_ft_event(CHECKPOINT), before the checkpointer runs.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class TermStopTests
{
    [Test]
    public void A_term_checkpoint_reports_TERM_and_waits_until_the_peer_terminates_the_process()
    {
        // A long term timeout: the kill must be what ends the wait, even on a loaded machine.
        using var runtime = new ReferenceRuntime(new[] { "--on", "init+100=checkpoint term" },
            environment: new System.Collections.Generic.Dictionary<string, string> { ["OMPI_MCA_snapc_full_term_timeout"] = "60" });
        var app = runtime.RunApp(new[] { "init", "loop:30000:1", "finalize" }, bound: RunBound);
        var peerExit = runtime.WaitForPeer();

        Assert.That(peerExit, Is.EqualTo(0), runtime.Transcript());
        var pid = Ident(app)["pid"];
        Assert.That(FifoStepNames(runtime, 0, 0), Is.EqualTo(new[]
        {
            "open", "options=0,0,1,0,0,0 handle=1", "response=0", "sentinel=0", "final=5 finished", "released",
        }), runtime.Transcript());
        // The CRS answered CONTINUE; opal_cr_inc_core_ckpt turned it into TERM because of the option.
        Assert.That(app.LinesStartingWith("CRS checkpoint")[0], Does.Contain(" term=1 stop=0 "));
        Assert.That(app.LinesStartingWith("CRS result"), Is.EqualTo(new[] { "CRS result vpid=0 call=1 rc=0 state=4" }));
        Assert.That(app.LinesStartingWith("COORD vpid=0 state=5 "), Has.Count.EqualTo(1), "recovery with TERM");
        Assert.That(Received(runtime, "LOCAL_FINISH").Select(l => Field(l, "cr_state")), Is.EqualTo(new[] { "5" }));
        var peer = runtime.PeerLines;
        var terminate = IndexOf(peer, l => l == $"TERMINATE vpid=0 pid={pid} signo=15 reason=term");
        Assert.That(terminate, Is.GreaterThan(IndexOf(peer, l => l.StartsWith("RECV from=0 tag=24 LOCAL_FINISH ", StringComparison.Ordinal))), runtime.Transcript());
        // The process was still waiting inside the checkpoint when SIGTERM ended it.
        Assert.That(app.ExitCode, Is.EqualTo(128 + 15), runtime.Transcript());
        Assert.That(app.Steps.Select(s => s.Step), Is.EqualTo(new[] { "init" }), runtime.Transcript());
        Assert.That(Received(runtime, "REQUEST_OP").Select(l => Field(l, "name")), Is.EqualTo(new[] { "init" }));
        AssertCleanWire(runtime, app);
        AssertNoPipeFilesLeft(runtime);
    }

    [Test]
    public void When_nobody_terminates_it_a_term_checkpoint_returns_an_error_after_the_term_timeout()
    {
        using var runtime = new ReferenceRuntime(new[] { "--no-term-kill", "--on", "init+100=checkpoint term" });
        var app = runtime.RunApp(new[] { "init", "trace-notify", "loop:30000:1", "finalize" }, bound: RunBound);
        var peerExit = runtime.WaitForPeer();

        AssertEndedByItself(runtime, app, 0);
        Assert.That(peerExit, Is.EqualTo(0), runtime.Transcript());
        Assert.That(FifoStepNames(runtime, 0, 0), Is.EqualTo(new[]
        {
            "open", "options=0,0,1,0,0,0 handle=1", "response=0", "sentinel=0", "final=5 finished", "released",
        }), runtime.Transcript());
        Assert.That(Received(runtime, "LOCAL_FINISH").Select(l => Field(l, "cr_state")), Is.EqualTo(new[] { "5" }));
        Assert.That(runtime.PeerLinesStartingWith("TERMINATE"), Is.Empty);
        // The notify callback gave up after snapc_full_term_timeout (3 s) with OPAL_ERR_TIMEOUT, and the
        // application went on (the loop's only checkpoint, then finalize).
        Assert.That(app.LinesStartingWith("NOTIFY "), Is.EqualTo(new[] { $"NOTIFY vpid=0 response=0 rc={OpalErrTimeout} cr_state=4 stalled=0" }));
        var loop = app.Step("loop:30000:1");
        Assert.That(int.Parse(loop["ms"]), Is.InRange((int)TermTimeout.TotalMilliseconds, (int)TermTimeout.TotalMilliseconds + 15000), runtime.Transcript());
        Assert.That(app.Lines.Where(l => l.Contains("the process was not terminated within 3 s")).ToList(), Has.Count.EqualTo(1), runtime.Transcript());
        Assert.That(app.Step("finalize").Rc, Is.EqualTo(0));
        AssertCleanWire(runtime, app);
        AssertNoPipeFilesLeft(runtime);
    }

    [Test]
    public void A_stop_checkpoint_syncs_sstore_from_ft_event_before_the_checkpointer()
    {
        using var runtime = new ReferenceRuntime(new[] { "--on", "init+100=checkpoint stop" });
        // The early sync names the selected component ("refsel"), as the original's ft_event does.
        var app = runtime.RunApp(new[] { "init", "loop:30000:1", "finalize" }, appOptions: new[] { "--crs-name", "refsel" }, bound: RunBound);
        var peerExit = runtime.WaitForPeer();

        AssertEndedByItself(runtime, app, 0);
        Assert.That(peerExit, Is.EqualTo(0), runtime.Transcript());
        Assert.That(FifoStepNames(runtime, 0, 0), Is.EqualTo(new[]
        {
            "open", "options=0,0,0,1,0,0 handle=1", "response=0", "sentinel=0", "final=4 finished", "released",
        }), runtime.Transcript());
        var lines = RankLines(app, 0);
        var setComponent = IndexOf(lines, l => l.StartsWith("SSTORE set_attr vpid=0 handle=1 key=0 rc=0 value=refsel", StringComparison.Ordinal));
        var sync = IndexOf(lines, l => l.StartsWith("SSTORE sync vpid=0 handle=1 rc=0 skipped=0 crs_comp=refsel", StringComparison.Ordinal));
        var ftEventReturned = IndexOf(lines, l => l.StartsWith("COORD vpid=0 state=1 ft_event=0 ", StringComparison.Ordinal));
        var crs = IndexOf(lines, l => l.StartsWith("CRS checkpoint", StringComparison.Ordinal));
        Assert.That(setComponent, Is.GreaterThanOrEqualTo(0), runtime.Transcript());
        Assert.That(sync, Is.GreaterThan(setComponent).And.LessThan(ftEventReturned), "synced inside ft_event(CHECKPOINT)");
        Assert.That(ftEventReturned, Is.LessThan(crs));
        Assert.That(lines[crs], Does.Contain(" term=0 stop=1 "));
        // Stage 2 does not sync again: one PUSH, the early one.
        Assert.That(app.LinesStartingWith("SSTORE sync"), Has.Count.EqualTo(1));
        Assert.That(app.LinesStartingWith("SSTORE set_attr vpid=0 handle=1 key=0 "), Has.Count.EqualTo(1));
        Assert.That(Received(runtime, "SSTORE_PUSH").Select(l => Field(l, "handle") + "/" + Field(l, "skipped") + "/" + Field(l, "crs_comp")),
            Is.EqualTo(new[] { "1/0/refsel" }));
        Assert.That(Received(runtime, "LOCAL_FINISH").Select(l => Field(l, "cr_state")), Is.EqualTo(new[] { "4" }));
        Assert.That(runtime.PeerLinesStartingWith("CKPT done")[0], Does.Contain(" result=ok "));
        AssertCleanWire(runtime, app);
        AssertNoPipeFilesLeft(runtime);
    }
}

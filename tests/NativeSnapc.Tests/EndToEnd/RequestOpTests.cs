using System;
using System.Linq;
using NativeSnapc.Tests.Support;
using NUnit.Framework;
using static NativeSnapc.Tests.EndToEnd.ProtocolRun;

namespace NativeSnapc.Tests.EndToEnd;

/// <summary>
/// app_coord_request_op per event, as leader and as non-leader (docs/protocol.md#per-event): only the leader sends
/// (REQUEST_OP); RESTART waits to be killed — at most snapc_full_term_timeout here, forever in the original.
/// CHECKPOINT, MIGRATE and the quiesce events are covered end to end in their own fixtures; here are
/// RESTART, the non-leaders' returns and the events an application cannot request.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class RequestOpTests
{
    [Test]
    public void Restart_carries_sequence_and_handle_and_every_caller_waits_at_most_the_term_timeout()
    {
        // Each rank exits 1 (its restart step failed); mpirun must not abort the other rank for that.
        using var runtime = new ReferenceRuntime(apps: 2, environment: new System.Collections.Generic.Dictionary<string, string>
        {
            ["OMPI_MCA_orte_abort_on_non_zero_status"] = "0",
        });
        var app = runtime.RunApp(new[] { "init", "barrier", "request:restart:3:ompi_global_snapshot_77.ckpt", "barrier", "finalize" },
            ranks: 2, bound: RunBound);
        var peerExit = runtime.WaitForPeer();

        // Both ranks ran to their end; only the restart step failed on each (the process was not replaced).
        // (With orte_abort_on_non_zero_status=0 mpirun's own exit code does not reflect the ranks'.)
        Assert.That(app.LinesStartingWith("DONE ref_app"), Has.Count.EqualTo(2), runtime.Transcript());
        Assert.That(app.LinesStartingWith("DONE ref_app"), Is.All.Contains(" steps=5 failed=1 "));
        Assert.That(peerExit, Is.EqualTo(0), runtime.Transcript());
        var jobid = Ident(app, 0)["jobid"];
        var restart = Received(runtime, "REQUEST_OP").Where(l => l.Contains(" name=restart ")).ToList();
        Assert.That(restart, Has.Count.EqualTo(1), "only the leader sends RESTART");
        Assert.That(restart[0], Does.StartWith($"RECV from=0 tag=25 REQUEST_OP event=5 name=restart jobid={jobid} seq=3 handle=ompi_global_snapshot_77.ckpt to=hnp "));
        // The 22 bytes of a request, seq as OPAL_INT (count, type tag, int32: 9), the handle as OPAL_STRING
        // (count, length, 28 characters and the NUL: 37).
        Assert.That(Field(restart[0], "bytes"), Is.EqualTo("68"));
        for (var rank = 0; rank < 2; rank++)
        {
            var step = app.Step("request:restart:3:ompi_global_snapshot_77.ckpt", rank);
            Assert.That(step.Rc, Is.EqualTo(OpalErrTimeout), $"rank {rank}\n{runtime.Transcript()}");
            Assert.That(int.Parse(step["ms"]), Is.InRange((int)TermTimeout.TotalMilliseconds, (int)TermTimeout.TotalMilliseconds + 15000), $"rank {rank}");
            Assert.That(app.Step("finalize", rank).Rc, Is.EqualTo(0));
        }
        Assert.That(RankLines(app, 1, "HOST send vpid=1 tag=25 "), Is.Empty);
        Assert.That(runtime.PeerLinesStartingWith("CKPT start"), Is.Empty, "a restart request starts no checkpoint");
        AssertCleanWire(runtime, app);
        AssertNoPipeFilesLeft(runtime);
    }

    [Test]
    public void A_restart_caller_stays_in_request_op_until_the_job_is_killed()
    {
        using var runtime = new ReferenceRuntime(new[] { "--restart-kill" },
            environment: new System.Collections.Generic.Dictionary<string, string> { ["OMPI_MCA_snapc_full_term_timeout"] = "60" });
        // Handle "-": a NULL global_handle, packed as a NULL string.
        var app = runtime.RunApp(new[] { "init", "request:restart:0:-", "finalize" }, bound: RunBound);
        runtime.WaitForPeer();

        var restart = Received(runtime, "REQUEST_OP").Where(l => l.Contains(" name=restart ")).ToList();
        Assert.That(restart, Has.Count.EqualTo(1));
        Assert.That(restart[0], Does.Contain(" event=5 name=restart ").And.Contain(" seq=0 handle=(null) ").And.Contain(" bytes=39 "));
        Assert.That(runtime.PeerLinesStartingWith("TERMINATE"), Is.EqualTo(new[] { $"TERMINATE vpid=0 pid={Ident(app)["pid"]} signo=9 reason=restart" }));
        Assert.That(app.ExitCode, Is.EqualTo(128 + 9), runtime.Transcript());
        Assert.That(app.Steps.Select(s => s.Step), Is.EqualTo(new[] { "init" }), "killed inside request_op");
        AssertCleanWire(runtime, app);
        AssertNoPipeFilesLeft(runtime);
    }

    [Test]
    public void Non_leaders_send_nothing_for_checkpoint_and_migrate_and_return_at_once()
    {
        using var runtime = new ReferenceRuntime();
        var app = runtime.RunApp(new[] { "init", "request:checkpoint@-1", "request:migrate:0//0/0@-1", "finalize" }, bound: RunBound);
        var peerExit = runtime.WaitForPeer();

        AssertEndedByItself(runtime, app, 0);
        Assert.That(peerExit, Is.EqualTo(0), runtime.Transcript());
        foreach (var step in new[] { "request:checkpoint@-1", "request:migrate:0//0/0@-1" })
        {
            Assert.That(app.Step(step).Rc, Is.EqualTo(0), step);
            Assert.That(int.Parse(app.Step(step)["ms"]), Is.LessThan(2000), step);
            Assert.That(app.Step(step)["seq"], Is.EqualTo("-1"), "the datum is left as built");
        }
        Assert.That(RequestNames(runtime), Is.EqualTo(new[] { "init", "fin" }));
        Assert.That(runtime.PeerLinesStartingWith("CKPT start"), Is.Empty);
        AssertCleanWire(runtime, app);
        AssertNoPipeFilesLeft(runtime);
    }

    [TestCase("self")]
    [TestCase("-1")]
    public void Events_an_application_cannot_request_are_refused_and_nothing_is_sent(string leader)
    {
        using var runtime = new ReferenceRuntime();
        var events = new[] { "none", "init", "fin", "fin_ack", "10", "-1" };
        var app = runtime.RunApp(new[] { "init" }.Concat(events.Select(e => $"request:{e}@{leader}")).Append("finalize"), bound: RunBound);
        var peerExit = runtime.WaitForPeer();

        AssertEndedByItself(runtime, app, 1);
        Assert.That(peerExit, Is.EqualTo(0), runtime.Transcript());
        foreach (var e in events)
        {
            Assert.That(app.Step($"request:{e}@{leader}").Rc, Is.EqualTo(OpalErrBadParam), e);
        }
        Assert.That(app.Step("finalize").Rc, Is.EqualTo(0));
        Assert.That(RequestNames(runtime), Is.EqualTo(new[] { "init", "fin" }));
        AssertCleanWire(runtime, app);
        AssertNoPipeFilesLeft(runtime);
    }

    [TestCase("self")]
    [TestCase("-1")]
    public void Quiesce_checkpoint_and_end_outside_a_quiesced_region_fail_without_traffic(string leader)
    {
        using var runtime = new ReferenceRuntime();
        var app = runtime.RunApp(new[] { "init", $"request:quiesce_checkpoint@{leader}", $"request:quiesce_end@{leader}", "finalize" }, bound: RunBound);
        var peerExit = runtime.WaitForPeer();

        AssertEndedByItself(runtime, app, 1);
        Assert.That(peerExit, Is.EqualTo(0), runtime.Transcript());
        Assert.That(app.Step($"request:quiesce_checkpoint@{leader}").Rc, Is.EqualTo(OpalError));
        Assert.That(app.Step($"request:quiesce_end@{leader}").Rc, Is.EqualTo(OpalError), "the original dereferenced NULL here");
        Assert.That(app.LinesStartingWith("CRS "), Is.Empty);
        Assert.That(app.LinesStartingWith("SSTORE "), Is.Empty);
        Assert.That(RequestNames(runtime), Is.EqualTo(new[] { "init", "fin" }));
        Assert.That(Received(runtime, "LOCAL_FINISH"), Is.Empty);
        AssertCleanWire(runtime, app);
        AssertNoPipeFilesLeft(runtime);
    }
}

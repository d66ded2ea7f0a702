using System;
using System.Collections.Generic;
using System.Linq;
using NativeSnapc.Tests.Support;
using NUnit.Framework;
using static NativeSnapc.Tests.EndToEnd.ProtocolRun;

namespace NativeSnapc.Tests.EndToEnd;

/// <summary>
/// MIGRATE (docs/protocol.md#migration, #sent-by-the-application, #per-event): the leader sends the table, every
/// process takes part in a checkpoint with all_migrating set. A process that stays skips the CRS, marks the snapshot
/// skipped, recovers "as if restarting" (LOCAL_UPDATE) and sends LOCAL_FINISH(4); a migrating process is checkpointed,
/// sends no LOCAL_FINISH and waits to be killed (bounded here by snapc_full_term_timeout); the leader waits for
/// MIGRATE_DONE.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class MigrationTests
{
    [Test]
    public void Rank_one_migrates_and_returns_an_error_when_nobody_kills_it()
    {
        using var runtime = new ReferenceRuntime(new[] { "--no-migrate-kill" }, apps: 2);
        // The table: rank 1 to host "nodeB" off node, and a vpid the job does not have (carried, not migrated).
        var app = runtime.RunApp(new[]
        {
            "init", "trace-notify", "barrier", "request:migrate:1/nodeB/1/1,7//7/0", "loop:30000:1:notify", "barrier", "finalize",
        }, ranks: 2, bound: RunBound);
        var peerExit = runtime.WaitForPeer();

        AssertEndedByItself(runtime, app, 0, ranks: 2);
        Assert.That(peerExit, Is.EqualTo(0), runtime.Transcript());
        var jobid = Ident(app, 0)["jobid"];
        var migrate = Received(runtime, "REQUEST_OP").Where(l => l.Contains(" name=migrate ")).ToList();
        Assert.That(migrate, Is.EqualTo(new[]
        {
            $"RECV from=0 tag=25 REQUEST_OP event=6 name=migrate jobid={jobid} mig_num=2 mig=1/nodeB/1/1,7//7/0 to=hnp conn={Field(migrate.Single(), "conn")} bytes=108 extra=0",
        }), runtime.Transcript());
        Assert.That(runtime.PeerLinesStartingWith("CKPT start")[0], Does.StartWith("CKPT start number=1 handle=1 seq=0 reason=migrate leader=0 all_migrating=1 "));
        Assert.That(runtime.PeerLinesStartingWith("SIGNAL ").Select(l => Field(l, "vpid") + (l.EndsWith(" migrating=1", StringComparison.Ordinal) ? "m" : "")),
            Is.EqualTo(new[] { "0", "1m" }));

        // Rank 0 stays: no CRS, snapshot marked skipped, CONTINUE, release, recovery as a restart, LOCAL_FINISH(4).
        Assert.That(FifoStepNames(runtime, 0, 0), Is.EqualTo(new[]
        {
            "open", "options=1,0,0,0,0,0 handle=1", "response=0", "sentinel=0", "final=4 finished", "released",
        }), runtime.Transcript());
        Assert.That(RankLines(app, 0, "CRS "), Is.Empty);
        Assert.That(RankLines(app, 0, "SSTORE set_attr vpid=0 handle=1 key=21 ").Select(l => Field(l, "value")), Is.EqualTo(new[] { "1" }));
        Assert.That(Received(runtime, "SSTORE_PUSH", 0).Select(l => Field(l, "skipped") + "/" + Field(l, "crs_comp")), Is.EqualTo(new[] { "1/(null)" }));
        Assert.That(RankLines(app, 0, "COORD vpid=0 state=3 "), Has.Count.EqualTo(1), "recovered with RESTART");
        var rankZeroPid = Ident(app, 0)["pid"];
        Assert.That(Received(runtime, "LOCAL_UPDATE", 0).Select(l => Field(l, "pid")), Is.EqualTo(new[] { rankZeroPid }));
        Assert.That(runtime.PeerLinesStartingWith("RESTART vpid=0 "), Is.EqualTo(new[] { $"RESTART vpid=0 pid={rankZeroPid}->{rankZeroPid} next_id=1 reset=0" }));
        Assert.That(Received(runtime, "LOCAL_FINISH", 0).Select(l => Field(l, "cr_state")), Is.EqualTo(new[] { "4" }));

        // Rank 1 migrates: checkpointed, final state written, not released, no LOCAL_FINISH, FIFOs removed.
        Assert.That(FifoStepNames(runtime, 1, 0), Is.EqualTo(new[]
        {
            "open", "options=1,1,0,0,0,0 handle=1", "response=0", "sentinel=0", "final=4 finished", "migrated",
        }), runtime.Transcript());
        Assert.That(RankLines(app, 1, "CRS result"), Is.EqualTo(new[] { "CRS result vpid=1 call=1 rc=0 state=4" }));
        Assert.That(Received(runtime, "SSTORE_PUSH", 1).Select(l => Field(l, "skipped") + "/" + Field(l, "crs_comp")), Is.EqualTo(new[] { "0/refnoop" }));
        Assert.That(Received(runtime, "LOCAL_FINISH", 1), Is.Empty);
        Assert.That(RankLines(app, 1, "HOST local_finish"), Is.Empty);
        // Nobody killed it: after snapc_full_term_timeout the notify callback returns OPAL_ERR_TIMEOUT.
        Assert.That(runtime.PeerLinesStartingWith("TERMINATE"), Is.Empty);
        Assert.That(RankLines(app, 1, "NOTIFY "), Has.Count.EqualTo(1));
        Assert.That(Field(RankLines(app, 1, "NOTIFY ")[0], "rc"), Is.EqualTo(OpalErrTimeout.ToString()));
        Assert.That(int.Parse(app.Step("loop:30000:1:notify", 1)["ms"]), Is.InRange(2000, 20000), "about the 3 s term timeout after the request");

        // The leader returned only after MIGRATE_DONE.
        var leader = RankLines(app, 0);
        Assert.That(runtime.PeerLinesStartingWith("SEND to=0 tag=25 MIGRATE_DONE"), Has.Count.EqualTo(1));
        Assert.That(runtime.PeerLinesStartingWith("SEND to=0 tag=25 MIGRATE_DONE")[0], Does.Contain(" op_event=6 op_state=0 bytes=23 "));
        var replied = IndexOf(leader, l => l == "HOST deliver vpid=0 tag=25 from=hnp bytes=23");
        Assert.That(replied, Is.GreaterThan(IndexOf(leader, l => l == "HOST local_finish vpid=0 cr_state=4 count=1")), runtime.Transcript());
        Assert.That(replied, Is.LessThan(IndexOf(leader, l => l.StartsWith("STEP 4 request:migrate:", StringComparison.Ordinal))));
        Assert.That(app.Step("request:migrate:1/nodeB/1/1,7//7/0", 0).Rc, Is.EqualTo(0));
        Assert.That(app.Step("request:migrate:1/nodeB/1/1,7//7/0", 1).Rc, Is.EqualTo(0), "a non-leader returns at once");
        Assert.That(RankLines(app, 1, "HOST send vpid=1 tag=25 "), Is.Empty);
        Assert.That(runtime.PeerLinesStartingWith("CKPT done"), Is.EqualTo(new[]
        {
            "CKPT done number=1 handle=1 seq=0 result=ok finished=1 failed=0 restarted=0 migrated=1 error_state=0",
        }));
        AssertCleanWire(runtime, app);
        AssertNoPipeFilesLeft(runtime);
    }

    [Test]
    public void The_migrating_rank_is_killed_while_the_leader_gets_MIGRATE_DONE()
    {
        // orte_enable_recovery keeps mpirun from aborting the job when the migrated rank is killed; a long
        // term timeout makes sure the kill is what ends the migrating rank's wait.
        using var runtime = new ReferenceRuntime(apps: 2, environment: new Dictionary<string, string>
        {
            ["OMPI_MCA_orte_enable_recovery"] = "1",
            ["OMPI_MCA_snapc_full_term_timeout"] = "60",
        });
        // No finalize, neither ours nor MPI's: their fences would wait for the killed rank.
        var app = runtime.RunApp(new[] { "init", "barrier", "request:migrate:1//1/0", "loop:30000:1" }, ranks: 2,
            appOptions: new[] { "--skip-mpi-finalize" }, bound: RunBound);
        runtime.WaitForPeer();

        var rankOnePid = Ident(app, 1)["pid"];
        Assert.That(Received(runtime, "REQUEST_OP").Where(l => l.Contains(" name=migrate ")).Select(l => Field(l, "mig")), Is.EqualTo(new[] { "1//1/0" }));
        Assert.That(FifoStepNames(runtime, 1, 0), Is.EqualTo(new[]
        {
            "open", "options=1,1,0,0,0,0 handle=1", "response=0", "sentinel=0", "final=4 finished", "migrated",
        }), runtime.Transcript());
        Assert.That(runtime.PeerLinesStartingWith("TERMINATE"), Is.EqualTo(new[] { $"TERMINATE vpid=1 pid={rankOnePid} signo=9 reason=migrated" }));
        // Killed while waiting inside the checkpoint: its loop never ended, and it sent no LOCAL_FINISH.
        Assert.That(app.StepsOf(1).Select(s => s.Step), Is.EqualTo(new[] { "init", "barrier", "request:migrate:1//1/0" }), runtime.Transcript());
        Assert.That(Received(runtime, "LOCAL_FINISH", 1), Is.Empty);
        Assert.That(RankLines(app, 1, "DONE "), Is.Empty);

        Assert.That(FifoStepNames(runtime, 0, 0), Is.EqualTo(new[]
        {
            "open", "options=1,0,0,0,0,0 handle=1", "response=0", "sentinel=0", "final=4 finished", "released",
        }), runtime.Transcript());
        Assert.That(Received(runtime, "LOCAL_FINISH", 0).Select(l => Field(l, "cr_state")), Is.EqualTo(new[] { "4" }));
        Assert.That(runtime.PeerLinesStartingWith("SEND to=0 tag=25 MIGRATE_DONE"), Has.Count.EqualTo(1));
        Assert.That(app.StepsOf(0).Select(s => s.Rc), Is.EqualTo(new[] { 0, 0, 0, 0 }), runtime.Transcript());
        Assert.That(RankLines(app, 0, "DONE "), Has.One.StartsWith("DONE ref_app vpid=0 steps=4 failed=0 "), "rank 0 went on and ended normally");
        AssertCleanWire(runtime, app);
        AssertNoPipeFilesLeft(runtime);
    }
}

using System;
using System.IO;
using System.Linq;
using NativeSnapc.Tests.Support;
using NUnit.Framework;
using static NativeSnapc.Tests.EndToEnd.ProtocolRun;

namespace NativeSnapc.Tests.EndToEnd;

/// <summary>
/// The normal checkpoint (docs/protocol.md#normal-checkpoint): signal, FIFO rendezvous, options block, START, sentinel,
/// sstore PULL, the CRS, PUSH, final CONTINUE, release, LOCAL_FINISH — and the FIFO ids, handles and sequence numbers
/// of the checkpoints after it, signalled by the local coordinator or requested by the leader.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class CheckpointPathTests
{
    /// <summary>
    /// A long-running process takes many checkpoints: more than the reference runtime's sstore table holds (64),
    /// which fills only if handles are never freed after their sync. Every one must succeed, with its own sequence.
    /// </summary>
    [Test]
    public void Seventy_checkpoints_in_one_process_all_succeed()
    {
        const int Checkpoints = 70;
        using var runtime = new ReferenceRuntime();
        var steps = new[] { "init" }.Concat(Enumerable.Repeat("request:checkpoint", Checkpoints)).Append("finalize");
        var app = runtime.RunApp(steps, bound: RunBound);

        AssertEndedByItself(runtime, app, 0);
        var checkpoints = app.StepsOf(0).Where(s => s.Step == "request:checkpoint").ToList();
        Assert.That(checkpoints.Select(s => s.Rc), Is.All.EqualTo(0), runtime.Transcript());
        Assert.That(checkpoints.Select(s => s["seq"]), Is.EqualTo(Enumerable.Range(0, Checkpoints).Select(i => i.ToString())));
        Assert.That(app.Lines, Has.None.Contains("table-full"));
    }

    /// <summary>
    /// The checkpoint hot path allocates nothing on the managed heap after the first checkpoint (docs/architecture.md,
    /// "The checkpoint hot path"): the notify callback counts it, and finalize reports it at verbose level 1.
    /// </summary>
    [Test]
    public void Checkpoints_after_the_first_allocate_nothing()
    {
        const int Checkpoints = 25;
        using var runtime = new ReferenceRuntime(environment: new System.Collections.Generic.Dictionary<string, string>
        {
            ["OMPI_MCA_snapc_full_verbose"] = "1",
        });
        var steps = new[] { "init" }.Concat(Enumerable.Repeat("request:checkpoint", Checkpoints)).Append("finalize");
        var app = runtime.RunApp(steps, bound: RunBound);

        AssertEndedByItself(runtime, app, 0);
        Assert.That(app.StepsOf(0).Where(s => s.Step == "request:checkpoint").Select(s => s.Rc), Is.All.EqualTo(0), runtime.Transcript());
        var report = app.Lines.Single(l => l.Contains("App) finalize: "));
        Assert.That(report, Does.Match($@"App\) finalize: {Checkpoints} notify calls; managed bytes allocated: \d+ in the first, 0 in the {Checkpoints - 1} after it$"), runtime.Transcript());
    }

    [Test]
    public void A_signalled_checkpoint_runs_the_whole_handshake_and_writes_the_snapshot_metadata()
    {
        using var runtime = new ReferenceRuntime(new[] { "--on", "init+100=checkpoint" });
        var app = runtime.RunApp(new[] { "init", "loop:30000:1", "finalize" }, bound: RunBound);
        var peerExit = runtime.WaitForPeer();

        AssertEndedByItself(runtime, app, 0);
        Assert.That(peerExit, Is.EqualTo(0), runtime.Transcript());
        var ident = Ident(app);
        var pid = ident["pid"];
        var peerPid = Field(runtime.PeerLinesStartingWith("PEER ready")[0], "pid");

        Assert.That(runtime.PeerLinesStartingWith("CKPT start"), Is.EqualTo(new[]
        {
            "CKPT start number=1 handle=1 seq=0 reason=control leader=-1 all_migrating=0 term=0 stop=0 inc_prep_only=0 signals=1 apps=1",
        }));
        Assert.That(runtime.PeerLinesStartingWith("SIGNAL "), Is.EqualTo(new[] { $"SIGNAL vpid=0 pid={pid} id=0 signo=10 count=1" }));
        // The app's side of the FIFO handshake, as the local coordinator saw it, in order.
        Assert.That(FifoSteps(runtime, 0, 0), Is.EqualTo(new[]
        {
            $"open a={runtime.PipeDir}/opal_cr_prog_read.{pid}_0 b={runtime.PipeDir}/opal_cr_prog_write.{pid}_0",
            "options=0,0,0,0,0,0 handle=1", "response=0", "sentinel=0", "final=4 finished", "released",
        }), runtime.Transcript());

        // sstore/central's protocol on tag 44: the PULL for the handle read from the FIFO, the PUSH naming the CRS.
        var reference = $"ompi_global_snapshot_{peerPid}.ckpt";
        var location = $"{runtime.StoreDir}/{reference}/0/opal_snapshot_0.ckpt";
        var metadata = $"{location}/snapshot_meta.data";
        Assert.That(Received(runtime, "SSTORE_PULL").Select(l => Field(l, "handle")), Is.EqualTo(new[] { "1" }));
        Assert.That(runtime.PeerLinesStartingWith("SEND to=0 tag=44 SSTORE_PULL_REPLY"), Has.Count.EqualTo(1));
        Assert.That(runtime.PeerLinesStartingWith("SEND to=0 tag=44 SSTORE_PULL_REPLY")[0],
            Does.StartWith($"SEND to=0 tag=44 SSTORE_PULL_REPLY handle=1 seq=0 ref={reference} loc={location} meta={metadata} "));
        Assert.That(Received(runtime, "SSTORE_PUSH"), Has.Count.EqualTo(1));
        Assert.That(Received(runtime, "SSTORE_PUSH")[0], Does.StartWith("RECV from=0 tag=44 SSTORE_PUSH handle=1 skipped=0 crs_comp=refnoop "));

        // LOCAL_FINISH(CONTINUE) comes after the release, and the checkpoint is complete.
        var peer = runtime.PeerLines;
        var finish = Received(runtime, "LOCAL_FINISH");
        Assert.That(finish.Select(l => Field(l, "cr_state")), Is.EqualTo(new[] { "4" }));
        Assert.That(Field(finish[0], "bytes"), Is.EqualTo("14"));
        Assert.That(IndexOf(peer, l => l == "FIFO vpid=0 id=0 released"), Is.LessThan(IndexOf(peer, l => l == finish[0])));
        Assert.That(runtime.PeerLinesStartingWith("CKPT done"), Is.EqualTo(new[]
        {
            "CKPT done number=1 handle=1 seq=0 result=ok finished=1 failed=0 restarted=0 migrated=0 error_state=0",
        }));

        // The app side: the CRS got this process, the snapshot directory and metadata file from sstore.
        Assert.That(app.LinesStartingWith("CRS checkpoint"), Is.EqualTo(new[]
        {
            $"CRS checkpoint vpid=0 call=1 pid={pid} dir={location} meta={metadata} term=0 stop=0 outcome=continue sleep=0",
        }));
        Assert.That(app.LinesStartingWith("CRS result"), Is.EqualTo(new[] { "CRS result vpid=0 call=1 rc=0 state=4" }));
        Assert.That(app.LinesStartingWith("HOST local_finish"), Is.EqualTo(new[] { "HOST local_finish vpid=0 cr_state=4 count=1" }));
        Assert.That(app.Step("loop:30000:1")["finished"], Is.EqualTo("1"));

        // snapshot_meta.data as sstore (register, ft_event's MKDIR, sync) and the CRS wrote it
        // (docs/protocol.md#snapshot-tree-and-metadata).
        Assert.That(MetadataShape(metadata), Is.EqualTo(new[]
        {
            "# Timestamp: <date>", $"# PID: {pid}", $"# MKDIR: {ident["session"]}", "# OPAL CRS Component: refnoop", "# Timestamp: <date>",
        }), File.ReadAllText(metadata));
        AssertCleanWire(runtime, app);
        AssertNoPipeFilesLeft(runtime);
    }

    [Test]
    public void Three_back_to_back_signalled_checkpoints_use_FIFO_ids_zero_one_two()
    {
        // The local coordinator signals the next checkpoint the moment it sees LOCAL_FINISH (the original
        // lost such a request: docs/protocol.md#errata).
        using var runtime = new ReferenceRuntime(new[]
        {
            "--on", "init+100=checkpoint", "--on", "local_finish#1=checkpoint", "--on", "local_finish#2=checkpoint",
        });
        var app = runtime.RunApp(new[] { "init", "loop:30000:3", "finalize" }, bound: RunBound);
        var peerExit = runtime.WaitForPeer();

        AssertEndedByItself(runtime, app, 0);
        Assert.That(peerExit, Is.EqualTo(0), runtime.Transcript());
        var pid = Ident(app)["pid"];
        Assert.That(runtime.PeerLinesStartingWith("SIGNAL ").Select(l => Field(l, "id")), Is.EqualTo(new[] { "0", "1", "2" }));
        for (var id = 0; id < 3; id++)
        {
            Assert.That(FifoSteps(runtime, 0, id), Is.EqualTo(new[]
            {
                $"open a={runtime.PipeDir}/opal_cr_prog_read.{pid}_{id} b={runtime.PipeDir}/opal_cr_prog_write.{pid}_{id}",
                $"options=0,0,0,0,0,0 handle={id + 1}", "response=0", "sentinel=0", "final=4 finished", "released",
            }), $"checkpoint {id + 1}\n{runtime.Transcript()}");
        }
        Assert.That(runtime.PeerLinesStartingWith("CKPT done").Select(l => Field(l, "result")), Is.EqualTo(new[] { "ok", "ok", "ok" }));
        Assert.That(runtime.PeerLinesStartingWith("CKPT done").Select(l => Field(l, "seq")), Is.EqualTo(new[] { "0", "1", "2" }));
        Assert.That(Received(runtime, "SSTORE_PULL").Select(l => Field(l, "handle")), Is.EqualTo(new[] { "1", "2", "3" }));
        Assert.That(Received(runtime, "SSTORE_PUSH").Select(l => Field(l, "handle")), Is.EqualTo(new[] { "1", "2", "3" }));
        Assert.That(Received(runtime, "LOCAL_FINISH").Select(l => Field(l, "cr_state")), Is.EqualTo(new[] { "4", "4", "4" }));
        Assert.That(app.LinesStartingWith("CRS result").Select(l => Field(l, "state")), Is.EqualTo(new[] { "4", "4", "4" }));
        // Each snapshot in its own sequence directory.
        var reference = $"ompi_global_snapshot_{Field(runtime.PeerLinesStartingWith("PEER ready")[0], "pid")}.ckpt";
        for (var seq = 0; seq < 3; seq++)
        {
            Assert.That(File.Exists($"{runtime.StoreDir}/{reference}/{seq}/opal_snapshot_0.ckpt/snapshot_meta.data"), Is.True, $"seq {seq}");
        }
        AssertCleanWire(runtime, app);
        AssertNoPipeFilesLeft(runtime);
    }

    [Test]
    public void The_leader_requests_three_checkpoints_and_gets_sequence_numbers_zero_one_two()
    {
        using var runtime = new ReferenceRuntime();
        var app = runtime.RunApp(new[] { "init", "request:checkpoint", "request:checkpoint", "request:checkpoint", "finalize" }, bound: RunBound);
        var peerExit = runtime.WaitForPeer();

        AssertEndedByItself(runtime, app, 0);
        Assert.That(peerExit, Is.EqualTo(0), runtime.Transcript());
        var jobid = Ident(app)["jobid"];
        var reference = $"ompi_global_snapshot_{Field(runtime.PeerLinesStartingWith("PEER ready")[0], "pid")}.ckpt";
        var requests = app.Steps.Where(s => s.Step == "request:checkpoint").ToList();
        Assert.That(requests.Select(s => s.Rc), Is.EqualTo(new[] { 0, 0, 0 }), runtime.Transcript());
        Assert.That(requests.Select(s => s["seq"]), Is.EqualTo(new[] { "0", "1", "2" }));
        Assert.That(requests.Select(s => s["handle"]), Is.All.EqualTo(reference));

        var checkpointRequests = Received(runtime, "REQUEST_OP").Where(l => l.Contains(" name=checkpoint ")).ToList();
        Assert.That(checkpointRequests, Has.Count.EqualTo(3));
        Assert.That(checkpointRequests, Is.All.StartWith($"RECV from=0 tag=25 REQUEST_OP event=4 name=checkpoint jobid={jobid} to=hnp conn=1 bytes=22 "));
        Assert.That(runtime.PeerLinesStartingWith("CKPT start").Select(l => Field(l, "reason") + "/" + Field(l, "leader")),
            Is.EqualTo(new[] { "checkpoint/0", "checkpoint/0", "checkpoint/0" }));
        Assert.That(runtime.PeerLinesStartingWith("SEND to=0 tag=25 CKPT_DONE"), Has.Count.EqualTo(3));
        Assert.That(runtime.PeerLinesStartingWith("SEND to=0 tag=25 CKPT_DONE"), Is.All.Contains(" op_event=4 op_state=0 bytes=23 "));
        Assert.That(runtime.PeerLinesStartingWith("SIGNAL ").Select(l => Field(l, "id")), Is.EqualTo(new[] { "0", "1", "2" }));

        // Each request returned only after its own checkpoint ran here and the completion reply arrived.
        var lines = RankLines(app, 0);
        for (var n = 0; n < 3; n++)
        {
            var step = IndexOf(lines, l => l.StartsWith($"STEP {n + 2} request:checkpoint ", StringComparison.Ordinal));
            var previous = IndexOf(lines, l => l.StartsWith($"STEP {n + 1} ", StringComparison.Ordinal));
            var between = lines.Skip(previous + 1).Take(step - previous - 1).ToList();
            var finished = IndexOf(between, l => l == $"HOST local_finish vpid=0 cr_state=4 count={n + 1}");
            var replied = IndexOf(between, l => l == "HOST deliver vpid=0 tag=25 from=hnp bytes=23");
            Assert.That(finished, Is.GreaterThanOrEqualTo(0), $"request {n + 1} took part in its checkpoint\n{runtime.Transcript()}");
            Assert.That(replied, Is.GreaterThan(finished), $"request {n + 1} then waited for CKPT_DONE\n{runtime.Transcript()}");
        }
        AssertCleanWire(runtime, app);
        AssertNoPipeFilesLeft(runtime);
    }

    [Test]
    public void A_checkpoint_stalled_by_OPAL_EXISTS_resumes_without_a_second_handshake()
    {
        using var runtime = new ReferenceRuntime(new[] { "--on", "init+100=checkpoint" });
        // The coordination callback answers OPAL_EXISTS three times, as ompi_cr_coord does while crcp/bkmrk
        // drains messages; opal_cr re-enters the notify callback at each later test point (docs/protocol.md#stall).
        var app = runtime.RunApp(new[] { "init", "trace-notify", "coord-exists:3", "loop:30000:1", "finalize" }, bound: RunBound);
        var peerExit = runtime.WaitForPeer();

        AssertEndedByItself(runtime, app, 0);
        Assert.That(peerExit, Is.EqualTo(0), runtime.Transcript());
        Assert.That(app.LinesStartingWith("COORD vpid=0 state=1 ").Select(l => l.Contains(" exists=1 ")), Is.EqualTo(new[] { true, true, true, false }),
            runtime.Transcript());
        // Three stalled returns (success, stalled), then the completed checkpoint.
        Assert.That(app.LinesStartingWith("NOTIFY "), Is.EqualTo(new[]
        {
            "NOTIFY vpid=0 response=0 rc=0 cr_state=6 stalled=1", "NOTIFY vpid=0 response=0 rc=0 cr_state=6 stalled=1",
            "NOTIFY vpid=0 response=0 rc=0 cr_state=6 stalled=1", "NOTIFY vpid=0 response=0 rc=0 cr_state=4 stalled=0",
        }));
        // One handshake, one sstore registration, one session-dir record (ft_event reached once), one CRS call.
        Assert.That(FifoStepNames(runtime, 0, 0), Is.EqualTo(new[]
        {
            "open", "options=0,0,0,0,0,0 handle=1", "response=0", "sentinel=0", "final=4 finished", "released",
        }), runtime.Transcript());
        Assert.That(Received(runtime, "SSTORE_PULL"), Has.Count.EqualTo(1));
        Assert.That(app.LinesStartingWith("SSTORE register"), Has.Count.EqualTo(1));
        Assert.That(app.LinesStartingWith("SSTORE set_attr vpid=0 handle=1 key=5 "), Has.Count.EqualTo(1));
        Assert.That(app.LinesStartingWith("CRS result"), Is.EqualTo(new[] { "CRS result vpid=0 call=1 rc=0 state=4" }));
        Assert.That(Received(runtime, "LOCAL_FINISH").Select(l => Field(l, "cr_state")), Is.EqualTo(new[] { "4" }));
        Assert.That(runtime.PeerLinesStartingWith("CKPT done")[0], Does.Contain(" result=ok "));
        AssertCleanWire(runtime, app);
        AssertNoPipeFilesLeft(runtime);
    }

    [Test]
    public void Fully_described_buffers_on_both_sides_still_decode()
    {
        // dss_buffer_type=1: every packed value carries its type (the format of Open MPI debug builds).
        using var runtime = new ReferenceRuntime(apps: 2, environment: new System.Collections.Generic.Dictionary<string, string>
        {
            ["OMPI_MCA_dss_buffer_type"] = "1",
        });
        var app = runtime.RunApp(new[] { "init", "barrier", "request:checkpoint", "loop:30000:1", "barrier", "finalize" }, ranks: 2, bound: RunBound);
        var peerExit = runtime.WaitForPeer();

        AssertEndedByItself(runtime, app, 0, ranks: 2);
        Assert.That(peerExit, Is.EqualTo(0), runtime.Transcript());
        Assert.That(app.Step("request:checkpoint", 0)["seq"], Is.EqualTo("0"));
        // Described sizes (non-described: 22, 14, 13, 35): the type tags travel with the values.
        Assert.That(Received(runtime, "REQUEST_OP").Select(l => Field(l, "name") + "/" + Field(l, "bytes")),
            Is.EqualTo(new[] { "init/29", "checkpoint/29", "fin/29" }));
        Assert.That(Received(runtime, "LOCAL_FINISH").Select(l => Field(l, "cr_state") + "/" + Field(l, "bytes")), Is.EqualTo(new[] { "4/18", "4/18" }));
        Assert.That(Received(runtime, "SSTORE_PULL").Select(l => Field(l, "bytes")), Is.EqualTo(new[] { "17", "17" }));
        Assert.That(Received(runtime, "SSTORE_PUSH").Select(l => Field(l, "crs_comp") + "/" + Field(l, "bytes")), Is.EqualTo(new[] { "refnoop/43", "refnoop/43" }));
        // The replies the peer packed described were unpacked by the library.
        Assert.That(runtime.PeerLinesStartingWith("SEND to=0 tag=25 ").Select(l => l.Split(' ')[3] + "/" + Field(l, "bytes")),
            Is.EqualTo(new[] { "CKPT_DONE/29", "FIN_ACK/18" }));
        Assert.That(RankLines(app, 0, "HOST deliver vpid=0 tag=25 "), Is.EqualTo(new[]
        {
            "HOST deliver vpid=0 tag=25 from=hnp bytes=29", "HOST deliver vpid=0 tag=25 from=hnp bytes=18",
        }));
        foreach (var vpid in new[] { 0, 1 })
        {
            Assert.That(FifoStepNames(runtime, vpid, 0), Is.EqualTo(new[]
            {
                "open", "options=0,0,0,0,0,0 handle=1", "response=0", "sentinel=0", "final=4 finished", "released",
            }), $"vpid {vpid}");
        }
        AssertCleanWire(runtime, app);
        AssertNoPipeFilesLeft(runtime);
    }
}

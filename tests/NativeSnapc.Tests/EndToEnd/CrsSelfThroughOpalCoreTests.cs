using System;
using System.IO;
using System.Linq;
using NativeSnapc.Tests.Support;
using NUnit.Framework;
using static NativeSnapc.Tests.EndToEnd.ProtocolRun;

namespace NativeSnapc.Tests.EndToEnd;

/// <summary>
/// The CRS "self" wired through the real OPAL core in the reference runtime: the real MCA framework selects the
/// component from the build tree's component directory (ref_app --crs-select), the real
/// opal_cr_test_if_checkpoint_ready → notify callback → opal_cr_inc_core_ckpt reaches its checkpoint through the
/// host's opal_crs table, and the snapshot lands where sstore/central puts it
/// (docs/protocol.md#snapshot-tree-and-metadata).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class CrsSelfThroughOpalCoreTests
{
    private static string ComponentDir => Path.Combine(Path.GetDirectoryName(TestEnvironment.LibraryPath)!, "openmpi");

    [Test]
    public void Two_checkpoints_reach_the_self_callbacks_and_leave_sstore_centrals_layout()
    {
        using var runtime = new ReferenceRuntime(new[] { "--on", "init+100=checkpoint", "--on", "done#1+100=checkpoint" });
        var app = runtime.RunApp(new[] { "init", "loop:30000:2", "finalize" },
            appOptions: new[] { "--crs-select", ComponentDir }, bound: RunBound);
        var peerExit = runtime.WaitForPeer();

        AssertEndedByItself(runtime, app, 0);
        Assert.That(peerExit, Is.EqualTo(0), runtime.Transcript());
        var ident = Ident(app);
        var pid = ident["pid"];
        var reference = $"ompi_global_snapshot_{Field(runtime.PeerLinesStartingWith("PEER ready")[0], "pid")}.ckpt";
        string Location(int seq) => $"{runtime.StoreDir}/{reference}/{seq}/opal_snapshot_0.ckpt";

        // Selected by the real framework; the test CRS of ref_app is not in the table.
        Assert.That(app.LinesStartingWith("CRS selected"), Is.EqualTo(new[] { $"CRS selected vpid=0 component=self dir={ComponentDir} rc=0" }));
        Assert.That(app.LinesStartingWith("CRS checkpoint"), Is.Empty);

        // opal_cr_inc_core_ckpt -> opal_crs.crs_checkpoint -> the application's callbacks, in the snapshot directory.
        Assert.That(app.LinesStartingWith("SELF "), Is.EqualTo(new[]
        {
            $"SELF checkpoint vpid=0 n=1 dir={Location(0)} rc=0", "SELF continue vpid=0",
            $"SELF checkpoint vpid=0 n=2 dir={Location(1)} rc=0", "SELF continue vpid=0",
        }), runtime.Transcript());
        Assert.That(Received(runtime, "LOCAL_FINISH").Select(l => Field(l, "cr_state")), Is.EqualTo(new[] { "4", "4" }));
        Assert.That(Received(runtime, "SSTORE_PUSH").Select(l => Field(l, "crs_comp")), Is.EqualTo(new[] { "self", "self" }));

        var restartCommand = $"{TestEnvironment.BuiltTool("runtime/ref_app")} --restarted";
        for (var seq = 0; seq < 2; seq++)
        {
            var metadata = $"{Location(seq)}/snapshot_meta.data";
            // sstore's register lines, ft_event's MKDIR, then the CRS's two lines, then sstore's sync.
            Assert.That(MetadataShape(metadata), Is.EqualTo(new[]
            {
                "# Timestamp: <date>", $"# PID: {pid}", $"# MKDIR: {ident["session"]}",
                "# OPAL CRS Component: self", $"# CONTEXT: {restartCommand}", "# Timestamp: <date>",
            }), File.ReadAllText(metadata));
            // The application's state and the metadata, nothing left over from writing aside.
            Assert.That(Directory.GetFiles(Location(seq)).Select(Path.GetFileName).Order(),
                Is.EqualTo(new[] { "ref_app_state.txt", "snapshot_meta.data" }));
            Assert.That(File.ReadAllText($"{Location(seq)}/ref_app_state.txt"), Is.EqualTo($"vpid=0 checkpoints={seq + 1}\n"));
        }

        // The HNP's global metadata: both sequences finished, each naming this process's checkpointer.
        var global = MetadataShape($"{runtime.StoreDir}/{reference}/global_snapshot_meta.data");
        var jobid = ident["jobid"];
        Assert.That(global, Is.EqualTo(new[]
        {
            "# Seq: 0", "# Local Snapshot Format Reference: opal_snapshot_%d.ckpt", "# Timestamp: <date>",
            $"# Process: {jobid}.0", "# OPAL CRS Component: self", "# Timestamp: <date>", "# Finished Seq: 0",
            "# Seq: 1", "# Local Snapshot Format Reference: opal_snapshot_%d.ckpt", "# Timestamp: <date>",
            $"# Process: {jobid}.0", "# OPAL CRS Component: self", "# Timestamp: <date>", "# Finished Seq: 1",
        }));
        AssertCleanWire(runtime, app);
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NativeSnapc.Tests.Support;
using NUnit.Framework;

namespace NativeSnapc.Tests.Runtime;

/// <summary>
/// The native-snapc runtime in the ranks of a stock Open MPI 4.1 job (docs/runtime.md), end to end: Debian's mpirun
/// runs cr_app — a program on &lt;mpi.h&gt; and native-snapc's public headers only — with LD_PRELOAD of the built
/// libnative_snapc_mpi.so, and the reference runtime's ref_peer stands where the node's local coordinator, the HNP and
/// sstore/central stand, decoding every message with the real opal_dss. Nothing of the reference runtime is inside the
/// ranks: what fills Open MPI's dormant parts there is the product.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class RankRuntimeTests
{
    private const int Ranks = 4;
    private static readonly TimeSpan JobBound = TimeSpan.FromSeconds(150);

    private static string CrApp => TestEnvironment.BuiltTool("runtime/cr_app");

    private static string CrAppNamed => TestEnvironment.BuiltTool("runtime/cr_app_named");

    /// <summary>cr_app's RESULT: every rank adds (rank + 1) * (i + 1) for i below the iterations.</summary>
    private static long ExpectedSum(int iterations, int ranks = Ranks) => (long)iterations * (iterations + 1) / 2 * ranks * (ranks + 1) / 2;

    [Test]
    public void A_checkpoint_requested_from_outside_is_taken_by_every_rank_at_the_same_safe_point()
    {
        using var runtime = new ReferenceRuntime(["--on", "init+300=checkpoint"], apps: Ranks, nodeLayout: true);
        var job = runtime.StartProgram(CrApp, ["--iterations", "400", "--pause-us", "2000", "--mode", "safe"], Ranks);
        job.WaitForExit(JobBound);

        Assert.That(job.ExitCode, Is.EqualTo(0), runtime.Transcript());
        var taken = Crapp(job, "safe-point").Where(l => l["checkpointed"] == "1").ToList();
        Assert.That(taken.Select(l => l["rank"]), Is.EquivalentTo(new[] { "0", "1", "2", "3" }), runtime.Transcript());
        Assert.That(taken.Select(l => l["iteration"]).Distinct().Count(), Is.EqualTo(1), "every rank took it at the same iteration");
        Assert.That(Crapp(job, "saved").Select(l => l["iteration"]).Distinct(), Is.EqualTo(new[] { taken[0]["iteration"] }));
        Assert.That(runtime.PeerLinesStartingWith("CKPT done"), Has.One.Contains("result=ok finished=4 failed=0"), runtime.Transcript());
        Assert.That(FinishedSequences(runtime), Is.EqualTo(new[] { 0 }));
        Assert.That(job.Lines, Has.Some.EqualTo($"RESULT sum={ExpectedSum(400)} iterations=400"));
        AssertEveryRankSaidBye(runtime);
    }

    [Test]
    public void OMPI_CR_Checkpoint_is_collective_led_by_rank_0_and_every_rank_gets_the_snapshot_and_sequence()
    {
        using var runtime = new ReferenceRuntime(apps: Ranks, nodeLayout: true);
        var job = runtime.StartProgram(CrApp, ["--iterations", "120", "--pause-us", "1000", "--mode", "api", "--at", "30,60"], Ranks);
        job.WaitForExit(JobBound);

        Assert.That(job.ExitCode, Is.EqualTo(0), runtime.Transcript());
        var reference = $"ompi_global_snapshot_{PeerPid(runtime)}.ckpt";
        var calls = Crapp(job, "checkpoint");
        Assert.That(calls, Has.Count.EqualTo(2 * Ranks), runtime.Transcript());
        foreach (var call in calls)
        {
            Assert.That(call["rc"], Is.EqualTo("0"), runtime.Transcript());
            Assert.That(call["handle"], Is.EqualTo(reference));
            Assert.That(call["seq"], Is.EqualTo(call["iteration"] == "30" ? "0" : "1"));
        }
        // Only the leader (vpid 0) asks the HNP, once per call.
        var requests = runtime.PeerLinesStartingWith("RECV").Where(l => l.Contains(" REQUEST_OP event=4 ")).ToList();
        Assert.That(requests, Has.Count.EqualTo(2));
        Assert.That(requests, Has.All.StartWith("RECV from=0 tag=25 REQUEST_OP event=4 name=checkpoint"));
        Assert.That(FinishedSequences(runtime), Is.EqualTo(new[] { 0, 1 }));
        Assert.That(job.Lines, Has.Some.EqualTo($"RESULT sum={ExpectedSum(120)} iterations=120"));
    }

    [Test]
    public void Test_points_take_a_request_that_is_pending_when_the_ranks_reach_their_next_MPI_call()
    {
        using var runtime = new ReferenceRuntime(apps: Ranks, nodeLayout: true);
        var job = runtime.StartProgram(CrApp, ["--iterations", "60", "--pause-us", "1000", "--mode", "testpoint", "--hold", "20:1500"], Ranks);
        // Every rank sleeps outside MPI: the request reaches them all before any calls MPI again.
        WaitFor(job, () => Crapp(job, "holding").Count == Ranks, TimeSpan.FromSeconds(60));
        runtime.PeerCommand("checkpoint");
        job.WaitForExit(JobBound);

        Assert.That(job.ExitCode, Is.EqualTo(0), runtime.Transcript());
        var saved = Crapp(job, "saved");
        Assert.That(saved.Select(l => l["rank"]), Is.EquivalentTo(new[] { "0", "1", "2", "3" }), runtime.Transcript());
        // Taken on entry to the first MPI call after the hold: the ring exchange of iteration 21, before its sum.
        Assert.That(saved.Select(l => l["iteration"]).Distinct(), Is.EqualTo(new[] { "21" }));
        Assert.That(Crapp(job, "safe-point"), Is.Empty, "no safe point in this mode");
        Assert.That(runtime.PeerLinesStartingWith("CKPT done"), Has.One.Contains("result=ok finished=4"));
        Assert.That(job.Lines, Has.Some.EqualTo($"RESULT sum={ExpectedSum(60)} iterations=60"));
    }

    [Test]
    public void The_quiesce_calls_prepare_checkpoint_and_release_every_rank()
    {
        using var runtime = new ReferenceRuntime(apps: Ranks, nodeLayout: true);
        var job = runtime.StartProgram(CrApp, ["--iterations", "80", "--pause-us", "1000", "--mode", "quiesce", "--at", "40"], Ranks);
        job.WaitForExit(JobBound);

        Assert.That(job.ExitCode, Is.EqualTo(0), runtime.Transcript());
        foreach (var what in new[] { "quiesce-start", "quiesce-checkpoint", "quiesce-end" })
        {
            var calls = Crapp(job, what);
            Assert.That(calls, Has.Count.EqualTo(Ranks), $"{what}\n{runtime.Transcript()}");
            Assert.That(calls.Select(c => c["rc"]), Is.All.EqualTo("0"), what);
        }
        Assert.That(Crapp(job, "quiesce-checkpoint").Select(c => c["seq"]), Is.All.EqualTo("0"));
        Assert.That(runtime.PeerLinesStartingWith("CKPT start").First(), Does.Contain("reason=quiesce_start").And.Contain("inc_prep_only=1"));
        Assert.That(job.Lines, Has.Some.EqualTo($"RESULT sum={ExpectedSum(80)} iterations=80"));
    }

    /// <summary>
    /// In Open MPI nothing called the callbacks OMPI_CR_self_register_* stored. Here a restarted program that registers
    /// its restart callback after MPI_Init gets it called once, at registration; the named callbacks still work.
    /// </summary>
    [TestCase(false, TestName = "A_restarted_program_gets_its_registered_restart_callback_called_once")]
    [TestCase(true, TestName = "A_restarted_program_gets_its_named_restart_callback_called_once")]
    public void A_restarted_program_gets_its_restart_callback_called_once(bool named)
    {
        var program = named ? CrAppNamed : CrApp;
        var callbacks = named ? "named" : "registered";
        using var runtime = new ReferenceRuntime(apps: Ranks, nodeLayout: true);
        var first = runtime.StartProgram(program, ["--iterations", "100", "--pause-us", "500", "--mode", "api", "--at", "40", "--callbacks", callbacks], Ranks);
        first.WaitForExit(JobBound);
        Assert.That(first.ExitCode, Is.EqualTo(0), runtime.Transcript());
        var global = Path.Combine(runtime.StoreDir, $"ompi_global_snapshot_{PeerPid(runtime)}.ckpt");

        // A new coordinator for the restarted job; the snapshot (and the state its restart command names) stays.
        using var restart = new ReferenceRuntime(apps: Ranks, nodeLayout: true);
        var components = Path.Combine(Path.GetDirectoryName(TestEnvironment.LibraryPath)!, "openmpi");
        var job = restart.StartProgram(TestEnvironment.BuiltTool("runtime/ref_restart"), ["--component-dir", components, global], Ranks);
        job.WaitForExit(JobBound);

        Assert.That(job.ExitCode, Is.EqualTo(0), restart.Transcript());
        var restored = Crapp(job, "restored");
        Assert.That(restored.Select(l => l["rank"]), Is.EquivalentTo(new[] { "0", "1", "2", "3" }), restart.Transcript());
        Assert.That(restored.Select(l => (l["iteration"], l["count"])), Is.All.EqualTo(("40", "1")), "restored once, from iteration 40");
        if (!named)
        {
            Assert.That(Crapp(job, "registered").Select(l => l["restarts"]), Is.All.EqualTo("1"), "called at registration");
        }
        Assert.That(Crapp(job, "not-restored"), Is.Empty);
        Assert.That(job.Lines, Has.Some.EqualTo($"RESULT sum={ExpectedSum(100)} iterations=100"));
        // The restarted ranks are checkpointable again: they joined the new coordinator.
        Assert.That(restart.PeerLinesStartingWith("HELLO"), Has.Count.EqualTo(Ranks));
    }

    [Test]
    public void A_program_without_checkpoint_callbacks_gets_a_clear_error_and_goes_on()
    {
        using var runtime = new ReferenceRuntime(apps: Ranks, nodeLayout: true);
        var job = runtime.StartProgram(CrApp, ["--iterations", "40", "--pause-us", "500", "--mode", "api", "--at", "10", "--callbacks", "none"], Ranks);
        job.WaitForExit(JobBound);

        Assert.That(job.ExitCode, Is.EqualTo(0), runtime.Transcript());
        var calls = Crapp(job, "checkpoint");
        Assert.That(calls, Has.Count.EqualTo(Ranks), runtime.Transcript());
        Assert.That(calls.Select(c => c["rc"]), Is.All.EqualTo("16"), "MPI_ERR_OTHER");
        Assert.That(calls.Select(c => c["handle"]), Is.All.EqualTo("(null)"));
        Assert.That(job.Lines, Has.Some.Contains("the application has no checkpoint callback: it registered none (OMPI_CR_self_register_checkpoint_callback)"));
        Assert.That(FinishedSequences(runtime), Is.Empty);
        Assert.That(job.Lines, Has.Some.EqualTo($"RESULT sum={ExpectedSum(40)} iterations=40"));
    }

    [Test]
    public void Without_the_runtime_directory_the_program_runs_normally_and_rank_0_says_once_that_checkpointing_is_off()
    {
        using var runtime = new ReferenceRuntime(apps: Ranks, nodeLayout: true);
        var job = runtime.StartProgram(CrApp, ["--iterations", "30", "--pause-us", "200", "--mode", "api", "--at", "5"], Ranks,
            environment: new Dictionary<string, string> { ["NATIVE_SNAPC_RUNTIME_DIR"] = "" });
        job.WaitForExit(JobBound);

        Assert.That(job.ExitCode, Is.EqualTo(0), runtime.Transcript());
        Assert.That(job.Lines.Where(l => l.Contains("checkpointing is off in this job")).ToList(), Has.Count.EqualTo(1)
            .And.Some.Contains("NATIVE_SNAPC_RUNTIME_DIR is not set: start the job with `native-snapc run -- mpirun …`"));
        Assert.That(Crapp(job, "checkpoint").Select(c => c["rc"]), Is.All.EqualTo("16"));
        Assert.That(job.Lines, Has.Some.Contains("OMPI_CR_Checkpoint: checkpointing is not active in this process"));
        Assert.That(runtime.PeerLinesStartingWith("HELLO"), Is.Empty);
        Assert.That(job.Lines, Has.Some.EqualTo($"RESULT sum={ExpectedSum(30)} iterations=30"));
    }

    [Test]
    public void When_the_local_coordinator_disappears_the_ranks_notice_at_once_and_go_on_computing()
    {
        using var runtime = new ReferenceRuntime(apps: Ranks, nodeLayout: true);
        var job = runtime.StartProgram(CrApp, ["--iterations", "60", "--pause-us", "1000", "--mode", "api", "--at", "40", "--hold", "10:1500"], Ranks);
        WaitFor(job, () => Crapp(job, "holding").Count == Ranks, TimeSpan.FromSeconds(60));
        runtime.PeerCommand("quit");
        runtime.WaitForPeer();
        job.WaitForExit(JobBound);

        Assert.That(job.ExitCode, Is.EqualTo(0), runtime.Transcript());
        Assert.That(job.Lines.Where(l => l.Contains("the connection to this node's local coordinator ended")).ToList(), Has.Count.EqualTo(Ranks));
        var calls = Crapp(job, "checkpoint");
        Assert.That(calls.Select(c => c["rc"]), Is.All.EqualTo("16"), runtime.Transcript());
        Assert.That(job.Lines, Has.Some.EqualTo($"RESULT sum={ExpectedSum(60)} iterations=60"));
    }

    [Test]
    public void A_program_initialised_with_MPI_THREAD_MULTIPLE_is_checkpointed()
    {
        using var runtime = new ReferenceRuntime(["--on", "init+300=checkpoint"], apps: Ranks, nodeLayout: true);
        var job = runtime.StartProgram(CrApp, ["--iterations", "300", "--pause-us", "2000", "--mode", "safe", "--thread-multiple"], Ranks);
        job.WaitForExit(JobBound);

        Assert.That(job.ExitCode, Is.EqualTo(0), runtime.Transcript());
        Assert.That(Crapp(job, "start").Select(l => l["provided"]), Is.All.EqualTo("3"), "MPI_THREAD_MULTIPLE provided");
        Assert.That(Crapp(job, "safe-point").Count(l => l["checkpointed"] == "1"), Is.EqualTo(Ranks), runtime.Transcript());
        Assert.That(FinishedSequences(runtime), Is.EqualTo(new[] { 0 }));
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private static List<IReadOnlyDictionary<string, string>> Crapp(AppRun job, string what) =>
        job.Lines.Select(StripTag).Where(l => l.StartsWith($"CRAPP {what} ", StringComparison.Ordinal))
            .Select(LineFields.Parse).ToList();

    private static string StripTag(string line) => AppRun.StripTag(line);

    private static string PeerPid(ReferenceRuntime runtime) => LineFields.Parse(runtime.PeerLinesStartingWith("PEER ready")[0])["pid"];

    /// <summary>The sequences the global metadata marks finished.</summary>
    private static IReadOnlyList<int> FinishedSequences(ReferenceRuntime runtime)
    {
        var meta = Directory.EnumerateFiles(runtime.StoreDir, "global_snapshot_meta.data", SearchOption.AllDirectories).SingleOrDefault();
        return meta is null
            ? []
            : File.ReadAllLines(meta).Where(l => l.StartsWith("# Finished Seq: ", StringComparison.Ordinal))
                .Select(l => int.Parse(l["# Finished Seq: ".Length..])).ToList();
    }

    private static void AssertEveryRankSaidBye(ReferenceRuntime runtime)
    {
        runtime.WaitForPeer();
        Assert.That(runtime.PeerLinesStartingWith("DISCONNECT").Where(l => l.Contains("reason=bye")).Count(), Is.EqualTo(Ranks),
            "every rank finalized through the runtime\n" + runtime.Transcript());
    }

    private static void WaitFor(AppRun job, Func<bool> condition, TimeSpan bound)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > bound || job.HasExited)
            {
                Assert.Fail($"the job did not get there within {bound.TotalSeconds:F0} s:\n{string.Join("\n", job.Lines)}");
            }
            System.Threading.Thread.Sleep(20);
        }
    }
}

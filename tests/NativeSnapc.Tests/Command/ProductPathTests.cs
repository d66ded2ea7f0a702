using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using NativeSnapc.Tests.Support;
using NUnit.Framework;

namespace NativeSnapc.Tests.Command;

/// <summary>
/// The product path end to end, as a user runs it: `native-snapc run` / `restart` of the built command around
/// Debian's mpirun, ranks of cr_app (a program on &lt;mpi.h&gt; and native-snapc's public headers only) with the
/// runtime put in by LD_PRELOAD, the real crs framework restarting them. Every result is checked against cr_app's
/// closed form, so a restart that loses or repeats an iteration fails.
/// </summary>
[TestFixture]
[NonParallelizable]
internal sealed class ProductPathTests
{
    private const int SIGUSR1 = 10;
    private static readonly TimeSpan JobBound = TimeSpan.FromSeconds(180);

    [Test]
    public void Four_ranks_checkpointed_killed_restarted_checkpointed_and_restarted_again_end_as_an_uninterrupted_run()
    {
        const int iterations = 10000;
        var place = new ProductPlace("four");
        string global;
        string ignoredAtFirst;
        using (var run = place.Start(["run", "--snapshots", place.Snapshots, "--", "--oversubscribe", "-np", "4", .. ProductPlace.CrApp(iterations)]))
        {
            var ready = run.WaitReady(4);
            ignoredAtFirst = IgnoredSignals(run.RankPids(4)[0]);
            Assert.That((ready.GetProperty("ranks").GetInt32(), ready.GetProperty("nodes").GetInt32(), ready.GetProperty("state").GetString()), Is.EqualTo((4, 1, "None")));
            Assert.That(ready.GetProperty("last_finished_seq").ValueKind, Is.EqualTo(JsonValueKind.Null));
            global = ready.GetProperty("snapshot_dir").GetString()!;
            Assert.That(global, Is.EqualTo(Path.Combine(place.Snapshots, $"ompi_global_snapshot_{run.Job}.ckpt")));

            var first = run.Checkpoint();
            Assert.That((first.ExitCode, first.StandardOutput.Trim()), Is.EqualTo((0, $"{global} 0")), first.Describe() + run.Transcript());
            var second = run.Checkpoint();
            Assert.That((second.ExitCode, second.StandardOutput.Trim()), Is.EqualTo((0, $"{global} 1")), second.Describe() + run.Transcript());

            var status = place.Command("status", run.Job);
            Assert.That(status.ExitCode, Is.EqualTo(0), status.Describe());
            Assert.That(status.StandardOutput, Does.Contain("4 of 4 connected, on 1 nodes").And.Contain("last finished seq: 1"));

            run.KillRanks(4);
            Assert.That(run.WaitForExit(JobBound), Is.Not.EqualTo(0), "mpirun reports the killed job");
            Assert.That(run.Output.Any(l => l.StartsWith("RESULT", StringComparison.Ordinal)), Is.False, "killed before its end");
        }

        var list = place.Command("list", "--json", place.Snapshots);
        Assert.That(list.ExitCode, Is.EqualTo(0), list.Describe());
        using (var json = JsonDocument.Parse(list.StandardOutput))
        {
            var snapshot = json.RootElement.GetProperty("snapshots").EnumerateArray().Single();
            Assert.That(snapshot.GetProperty("path").GetString(), Is.EqualTo(global));
            var sequences = snapshot.GetProperty("sequences").EnumerateArray()
                .Select(s => (s.GetProperty("seq").GetInt32(), s.GetProperty("finished").GetBoolean(), s.GetProperty("ranks").GetInt32(), s.GetProperty("bytes").GetInt64() > 0));
            Assert.That(sequences, Is.EqualTo(new[] { (0, true, 4, true), (1, true, 4, true) }));
        }
        var listText = place.Command("list", place.Snapshots);
        Assert.That(listText.StandardOutput, Does.Match(@"\n\s+1\s+finished\s+4\s"), listText.Describe());

        // Restarted from seq 1: its checkpoints go on in the same snapshot (seq 2, 3); a term checkpoint ends it.
        using (var restarted = place.Start(["restart", global, "--", "--oversubscribe"]))
        {
            restarted.WaitReady(4);
            Assert.That(restarted.Errors, Has.Some.Contains($"restarting {global} from seq 1 (4 ranks)"));
            Assert.That(restarted.WaitForOutput(l => l.StartsWith("CRAPP restored ", StringComparison.Ordinal), 4), Is.EqualTo(4), restarted.Transcript());
            // the restarted program is as a freshly started one: no signal ignored that was not (the command's
            // .NET runtime ignores SIGPIPE, which exec would pass on), nothing of ours on its standard output
            Assert.That(IgnoredSignals(restarted.RankPids(4)[0]), Is.EqualTo(ignoredAtFirst));
            Assert.That(restarted.Output.Any(l => l.Contains('\u001b')), Is.False, "no terminal control sequence");
            var third = restarted.Checkpoint();
            Assert.That((third.ExitCode, third.StandardOutput.Trim()), Is.EqualTo((0, $"{global} 2")), third.Describe() + restarted.Transcript());
            var term = restarted.Checkpoint(term: true);
            Assert.That((term.ExitCode, term.StandardOutput.Trim()), Is.EqualTo((0, $"{global} 3")), term.Describe() + restarted.Transcript());
            Assert.That(restarted.WaitForExit(JobBound), Is.EqualTo(0), restarted.Transcript());
            Assert.That(restarted.Errors, Has.Some.Contains("ended after its term checkpoint"));
            Assert.That(restarted.Errors.Any(l => l.Contains("error:", StringComparison.Ordinal)), Is.False, "a term ends the ranks without errors\n" + restarted.Transcript());
        }

        // Restarted again, from the restarted job's last checkpoint, to the end (named as ompi-restart names it:
        // the reference, looked up in the snapshot base $HOME).
        using (var again = place.Start(["restart", Path.GetFileName(global), "--", "--oversubscribe"]))
        {
            Assert.That(again.WaitForExit(JobBound), Is.EqualTo(0), again.Transcript());
            Assert.That(again.Errors, Has.Some.Contains($"from seq 3 (4 ranks)"));
            Assert.That(again.Output, Has.Member(ProductPlace.Result(4, iterations)), again.Transcript());
            Assert.That(again.Output.Count(l => l.StartsWith("CRAPP restored ", StringComparison.Ordinal) && l.EndsWith(" count=1", StringComparison.Ordinal)), Is.EqualTo(4));
        }
        Assert.That(place.FinishedSequences, Is.EqualTo(new[] { 0, 1, 2, 3 }));
    }

    [Test]
    public void A_job_on_two_simulated_nodes_is_checkpointed_and_restarted_on_two_other_nodes()
    {
        const int iterations = 2500;
        var place = new ProductPlace("nodes");
        string global;
        using (var run = place.Start(["run", "--snapshots", place.Snapshots, "--", .. place.Nodes("nodea", "nodeb"), "-np", "4", .. ProductPlace.CrApp(iterations, pauseUs: 0)]))
        {
            var ready = run.WaitReady(4);
            Assert.That(ready.GetProperty("nodes").GetInt32(), Is.EqualTo(2), run.Transcript());
            Assert.That(HostNames(run.RankPids(4)), Is.EqualTo(new[] { "nodea", "nodea", "nodeb", "nodeb" }));
            // one local coordinator per node, in the node directory keyed by the node's hostname
            foreach (var node in new[] { "nodea", "nodeb" })
            {
                Assert.That(File.ReadAllText(Path.Combine(run.RuntimeDirectory, node, "local.log")), Does.Contain("local coordinator for"));
            }
            var checkpoint = run.Checkpoint();
            Assert.That(checkpoint.ExitCode, Is.EqualTo(0), checkpoint.Describe() + run.Transcript());
            global = checkpoint.StandardOutput.Trim().Split(' ')[0];
            run.KillRanks(4);
            run.WaitForExit(JobBound);
        }

        using var restarted = place.Start(["restart", global, "--", .. place.Nodes("nodec", "noded")]);
        var again = restarted.WaitReady(4);
        Assert.That(again.GetProperty("nodes").GetInt32(), Is.EqualTo(2));
        Assert.That(HostNames(restarted.RankPids(4)), Is.EqualTo(new[] { "nodec", "nodec", "noded", "noded" }));
        Assert.That(restarted.WaitForExit(JobBound), Is.EqualTo(0), restarted.Transcript());
        Assert.That(restarted.Output, Has.Member(ProductPlace.Result(4, iterations)), restarted.Transcript());
        Assert.That(restarted.Output.Count(l => l.StartsWith("CRAPP restored ", StringComparison.Ordinal)), Is.EqualTo(4), restarted.Transcript());
    }

    [Test]
    public void Interval_checkpoints_are_taken_and_keep_removes_all_but_the_newest_two()
    {
        var place = new ProductPlace("interval");
        using var run = place.Start(["run", "--snapshots", place.Snapshots, "--interval", "1s", "--keep", "2", "--", "--oversubscribe", "-np", "2", .. ProductPlace.CrApp(60000)]);
        run.WaitReady(2);
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(60) && place.FinishedSequences.Count < 4)
        {
            Thread.Sleep(200);
        }
        var term = run.Checkpoint(term: true);
        Assert.That(term.ExitCode, Is.EqualTo(0), term.Describe() + run.Transcript());
        Assert.That(run.WaitForExit(JobBound), Is.EqualTo(0), run.Transcript());

        var finished = place.FinishedSequences;
        Assert.That(finished, Has.Count.GreaterThanOrEqualTo(5), "at least four interval checkpoints and the term one\n" + run.Transcript());
        Assert.That(finished, Is.EqualTo(Enumerable.Range(0, finished.Count)), "every interval checkpoint finished");
        var kept = Directory.GetDirectories(place.GlobalDirectory).Select(d => int.Parse(Path.GetFileName(d))).Where(finished.Contains).OrderBy(n => n).ToArray();
        Assert.That(kept, Is.EqualTo(new[] { finished[^2], finished[^1] }), "--keep 2: the newest two finished sequences");
        var list = place.Command("list", place.Snapshots);
        Assert.That(list.StandardOutput, Does.Match(@"\n\s+0\s+finished\s+2\s+removed"), list.Describe());
    }

    [Test]
    public void Checkpoint_on_a_signal_stops_the_job_and_resume_goes_on_to_the_uninterrupted_result()
    {
        const int iterations = 9000;
        var place = new ProductPlace("resume");
        string[] Batch() => ["run", "--resume", "--checkpoint-on", "USR1", "--snapshots", place.Snapshots, "--", "--oversubscribe", "-np", "4", .. ProductPlace.CrApp(iterations)];

        using (var first = place.Start(Batch()))
        {
            first.WaitReady(4);
            Assert.That(first.Errors, Has.Some.Contains("starting it afresh"));
            first.Signal(SIGUSR1);
            Assert.That(first.WaitForExit(JobBound), Is.EqualTo(75), "75: checkpointed and stopped\n" + first.Transcript());
            Assert.That(first.Output.Any(l => l.StartsWith("RESULT", StringComparison.Ordinal)), Is.False);
        }
        Assert.That(place.FinishedSequences, Is.EqualTo(new[] { 0 }));
        using (var second = place.Start(Batch()))
        {
            second.WaitReady(4);
            Assert.That(second.Errors, Has.Some.Contains($"resuming {place.GlobalDirectory} from seq 0 (4 ranks)"));
            second.Signal(SIGUSR1);
            Assert.That(second.WaitForExit(JobBound), Is.EqualTo(75), second.Transcript());
        }
        using (var third = place.Start(Batch()))
        {
            Assert.That(third.WaitForExit(JobBound), Is.EqualTo(0), third.Transcript());
            Assert.That(third.Errors, Has.Some.Contains("from seq 1 (4 ranks)"));
            Assert.That(third.Output, Has.Member(ProductPlace.Result(4, iterations)), third.Transcript());
        }
        Assert.That(place.FinishedSequences, Is.EqualTo(new[] { 0, 1 }));

        // Another program's job in the same directory does not take this program's snapshot.
        using var other = place.Start(["run", "--resume", "--snapshots", place.Snapshots, "--", "--oversubscribe", "-np", "2",
            TestEnvironment.BuiltTool("runtime/cr_app_named"), "--iterations", "20", "--pause-us", "0", "--callbacks", "named"]);
        Assert.That(other.WaitForExit(JobBound), Is.EqualTo(0), other.Transcript());
        Assert.That(other.Errors, Has.Some.Contains("starting it afresh"));
        Assert.That(other.Output, Has.Member(ProductPlace.Result(2, 20)));
    }

    [Test]
    public void A_killed_local_coordinator_is_noticed_at_once_and_the_program_computes_on_with_failing_cr_calls()
    {
        const int iterations = 6000;
        var place = new ProductPlace("lostnode");
        using var run = place.Start(["run", "--snapshots", place.Snapshots, "--", "--oversubscribe", "-np", "4", .. ProductPlace.CrApp(iterations, mode: "api", more: ["--at", "5000"])]);
        run.WaitReady(4);
        var log = Directory.EnumerateFiles(run.RuntimeDirectory, "local.log", SearchOption.AllDirectories).Single();
        var pid = int.Parse(System.Text.RegularExpressions.Regex.Match(File.ReadAllText(log), @"native-snapc local\[(\d+)\]: local coordinator for").Groups[1].Value);
        var killedAt = run.Elapsed;
        TestLibc.Kill(pid, 9);

        Assert.That(run.WaitForExit(JobBound), Is.EqualTo(0), "the program ran to its end\n" + run.Transcript());
        var lost = run.ErrorLineAt(l => l.Contains("lost node", StringComparison.Ordinal));
        Assert.That(lost, Is.Not.Null, run.Transcript());
        Assert.That(lost!.Value - killedAt, Is.LessThan(TimeSpan.FromSeconds(3)), "run reports the lost node at once");
        var noticed = run.Errors.Count(l => l.Contains("the connection to this node's local coordinator ended", StringComparison.Ordinal));
        Assert.That(noticed, Is.EqualTo(4), "every rank noticed\n" + run.Transcript());
        var lastNotice = run.ErrorLineAt(l => l.Contains("local coordinator ended", StringComparison.Ordinal));
        Assert.That(lastNotice!.Value - killedAt, Is.LessThan(TimeSpan.FromSeconds(3)), "the ranks notice at once, not at the end of a bound");
        var calls = run.Output.Where(l => l.StartsWith("CRAPP checkpoint ", StringComparison.Ordinal)).ToList();
        Assert.That(calls, Has.Count.EqualTo(4), run.Transcript());
        Assert.That(calls, Has.All.Not.Contains(" rc=0 "), "OMPI_CR_Checkpoint returns an error without its coordinator");
        Assert.That(run.Output, Has.Member(ProductPlace.Result(4, iterations)));
        Assert.That(run.Elapsed, Is.LessThan(TimeSpan.FromSeconds(120)), "nothing waited out a bound");
    }

    [Test]
    public void Thirty_two_ranks_take_twenty_checkpoints_without_a_failure()
    {
        var place = new ProductPlace("many");
        using var run = place.Start(["run", "--snapshots", place.Snapshots, "--", "--oversubscribe", "-np", "32", .. ProductPlace.CrApp(10_000_000, pauseUs: 200)]);
        run.WaitReady(32);
        var failures = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var checkpoint = run.Checkpoint(term: i == 19);
            if (checkpoint.ExitCode != 0 || !checkpoint.StandardOutput.Trim().EndsWith($" {i}", StringComparison.Ordinal))
            {
                failures.Add($"checkpoint {i}: {checkpoint.Describe()}");
            }
        }
        Assert.That(failures, Is.Empty, run.Transcript());
        Assert.That(run.WaitForExit(JobBound), Is.EqualTo(0), run.Transcript());
        Assert.That(place.FinishedSequences, Is.EqualTo(Enumerable.Range(0, 20)));
        Assert.That(Directory.GetDirectories(Path.Combine(place.GlobalDirectory, "19")), Has.Length.EqualTo(32));
    }

    [Test]
    public void Restart_refuses_what_it_cannot_restart_and_names_why()
    {
        var place = new ProductPlace("refuse");
        using (var run = place.Start(["run", "--snapshots", place.Snapshots, "--", "--oversubscribe", "-np", "2", .. ProductPlace.CrApp(100000)]))
        {
            run.WaitReady(2);
            Assert.That(run.Checkpoint().ExitCode, Is.EqualTo(0));
            // the job still writes into its snapshot: a restart of it now would interleave two jobs' sequences
            var busy = place.Command("restart", place.GlobalDirectory);
            Assert.That(busy.ExitCode, Is.EqualTo(7), busy.Describe());
            Assert.That(busy.StandardError, Does.Contain($"job {run.Job} is running and checkpoints into"));
            Assert.That(run.Checkpoint(term: true).ExitCode, Is.EqualTo(0));
            Assert.That(run.WaitForExit(JobBound), Is.EqualTo(0), run.Transcript());
        }
        var global = place.GlobalDirectory;
        var meta = Path.Combine(global, "global_snapshot_meta.data");
        // a third sequence that never finished, as a job killed during its checkpoint leaves it
        File.AppendAllText(meta, "# Seq: 2\n# Local Snapshot Format Reference: opal_snapshot_%d.ckpt\n# Timestamp: Wed Dec  2 04:18:07 2026\n");

        var program = place.Command("restart", global, "--", "--oversubscribe", ProductPlace.CrApp(1)[0], "--iterations", "5");
        Assert.That(program.ExitCode, Is.EqualTo(2), program.Describe());
        Assert.That(program.StandardError, Does.Contain("is the snapshot's program: restart takes mpirun's options only"));

        var count = place.Command("restart", global, "--", "--oversubscribe", "-np", "3");
        Assert.That(count.ExitCode, Is.EqualTo(2), count.Describe());
        Assert.That(count.StandardError, Does.Contain("holds 2 ranks, but mpirun is asked for 3"));

        var torn = place.Command("restart", "--seq", "2", global);
        Assert.That(torn.ExitCode, Is.EqualTo(7), torn.Describe());
        Assert.That(torn.StandardError, Does.Contain("seq 2 of").And.Contain("is torn"));

        var unknown = place.Command("restart", "--seq", "9", global);
        Assert.That((unknown.ExitCode, unknown.StandardError.Contains("has no seq 9")), Is.EqualTo((7, true)), unknown.Describe());

        // rank 1's snapshot of seq 1 cut short: its metadata names no checkpointer
        var local = Path.Combine(global, "1", "opal_snapshot_1.ckpt", "snapshot_meta.data");
        File.WriteAllLines(local, File.ReadAllLines(local).Where(l => !l.StartsWith("# OPAL CRS Component:", StringComparison.Ordinal)));
        var cut = place.Command("restart", global);
        Assert.That(cut.ExitCode, Is.EqualTo(7), cut.Describe());
        Assert.That(cut.StandardError, Does.Contain("rank 1's snapshot").And.Contain("names no checkpointer"));

        // no component directory with the checkpointer the snapshot needs
        var environment = place.Environment;
        environment["NATIVE_SNAPC_COMPONENT_DIR"] = Path.Combine(place.Scratch, "no-components");
        var missing = ProcessRunner.Run(CommandJob.Executable, ["restart", "--seq", "0", global], TimeSpan.FromSeconds(60), environment: environment);
        Assert.That(missing.ExitCode, Is.EqualTo(7), missing.Describe());
        Assert.That(missing.StandardError, Does.Contain("mca_crs_self.so does not exist"));

        // restart-rank on its own (what mpirun starts per rank): its refusals are one line and exit 3, so mpirun ends the job
        var noRank = place.Command("restart-rank", "--rank", "7", "--seq", "0", global);
        Assert.That((noRank.ExitCode, noRank.StandardOutput), Is.EqualTo((3, "")), noRank.Describe());
        Assert.That(noRank.StandardError, Does.Contain("native-snapc restart: rank 7: seq 0 of").And.Contain("there is no rank 7"));
        var outsideMpirun = place.Command("restart-rank", global);
        Assert.That(outsideMpirun.ExitCode, Is.EqualTo(3), outsideMpirun.Describe());
        Assert.That(outsideMpirun.StandardError, Does.Contain("OMPI_COMM_WORLD_RANK is not set"));
        Assert.That(place.Command("restart-rank", "--seq").ExitCode, Is.EqualTo(2));

        var none = place.Command("restart", Path.Combine(place.Scratch, "nothing-here"));
        Assert.That(none.ExitCode, Is.EqualTo(7), none.Describe());
        var empty = Path.Combine(place.Scratch, "empty.ckpt");
        Directory.CreateDirectory(empty);
        File.WriteAllText(Path.Combine(empty, "global_snapshot_meta.data"), "# Seq: 0\n# Local Snapshot Format Reference: opal_snapshot_%d.ckpt\n");
        var unfinished = place.Command("restart", empty);
        Assert.That((unfinished.ExitCode, unfinished.StandardError.Contains("no finished sequence")), Is.EqualTo((7, true)), unfinished.Describe());
    }

    [Test]
    public void On_a_terminal_nothing_of_the_command_reaches_the_programs_standard_output()
    {
        // .NET's System.Console writes terminal control sequences to standard output on a terminal; `run`'s standard
        // output is the program's, and mpirun gives ranks (and a `local` one of them starts) a pty.
        var place = new ProductPlace("pty");
        var environment = place.Environment;
        environment["TERM"] = "xterm";
        var run = string.Join(" ", new[] { CommandJob.Executable, "run", "--snapshots", place.Snapshots, "--", "--oversubscribe", "-np", "2" }
            .Concat(ProductPlace.CrApp(3, pauseUs: 0, mode: "plain")));
        var cases = new[]
        {
            (Command: run + " 2>/dev/null", Expected: ProductPlace.Result(2, 3)),
            (Command: $"{CommandJob.Executable} list {place.Snapshots}", Expected: "no global snapshots under"),
            (Command: $"{CommandJob.Executable} local --foreground 2>&1", Expected: "usage: native-snapc local"),
        };
        foreach (var (command, expected) in cases)
        {
            var result = ProcessRunner.Run("script", ["-qec", command, "/dev/null"], TimeSpan.FromSeconds(120), environment: environment);
            Assert.That(result.StandardOutput.Contains('\u001b'), Is.False, $"{command}:\n{result.Describe()}");
            Assert.That(result.StandardOutput, Does.Contain(expected), result.Describe());
        }
    }

    [Test]
    public void Run_starts_its_own_nodes_local_coordinator_before_the_ranks_come_unless_mpiruns_arguments_may_change_its_settings()
    {
        // mpirun stand-in: reports whether a local coordinator listens on this node before any rank could have started one.
        var place = new ProductPlace("prestart");
        var mpirun = Path.Combine(place.Scratch, "mpirun-stand-in.sh");
        File.WriteAllText(mpirun, """
            #!/bin/sh
            for a; do case $a in NATIVE_SNAPC_RUNTIME_DIR=*) dir=${a#NATIVE_SNAPC_RUNTIME_DIR=};; esac; done
            for i in $(seq 40); do
                [ -S "$dir/$(hostname)/local.sock" ] && { echo "listening after $i"; exit 0; }
                sleep 0.05
            done
            echo "no local coordinator"
            """);
        File.SetUnixFileMode(mpirun, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var environment = place.Environment;
        environment["NATIVE_SNAPC_MPIRUN"] = mpirun;
        environment["NATIVE_SNAPC_KEEP_RUNTIME_DIR"] = "0";

        var plain = ProcessRunner.Run(CommandJob.Executable, ["run", "--snapshots", place.Snapshots, "--", "-np", "2", "prog"], TimeSpan.FromSeconds(60), environment: environment);
        Assert.That(plain.ExitCode, Is.EqualTo(0), plain.Describe());
        Assert.That(plain.StandardOutput, Does.StartWith("listening after"), plain.Describe());

        var signal = ProcessRunner.Run(CommandJob.Executable, ["run", "--snapshots", place.Snapshots, "--", "--mca", "opal_cr_signal", "12", "-np", "2", "prog"], TimeSpan.FromSeconds(60), environment: environment);
        Assert.That(signal.StandardOutput, Does.StartWith("no local coordinator"), signal.Describe());
    }

    /// <summary>The ignored-signal mask of a process (SigIgn in /proc/PID/status).</summary>
    private static string IgnoredSignals(int pid) =>
        File.ReadAllLines($"/proc/{pid}/status").Single(l => l.StartsWith("SigIgn:", StringComparison.Ordinal))["SigIgn:".Length..].Trim();

    /// <summary>The host name each process sees (its UTS namespace), sorted.</summary>
    private static IReadOnlyList<string> HostNames(IEnumerable<int> pids) => pids
        .Select(pid => ProcessRunner.Run("nsenter", ["--target", pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "--uts", "hostname"], TimeSpan.FromSeconds(20)))
        .Select(r => r.ExitCode == 0 ? r.StandardOutput.Trim() : $"(nsenter failed: {r.StandardError.Trim()})")
        .OrderBy(h => h, StringComparer.Ordinal).ToList();
}

using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Text.Json;
using System.Threading;
using NativeSnapc.Tests.Support;
using NUnit.Framework;

namespace NativeSnapc.Tests.Command;

/// <summary>
/// The built `native-snapc` (NativeAOT) as a user runs it: `run` hosts the global coordinator around Debian's
/// mpirun, each node's `native-snapc local` drives the ranks — real Open MPI 4.1 processes of the reference
/// runtime hosting libnative_snapc.so, whose sstore double decodes our replies with the real opal_dss — and
/// `checkpoint`, `status` and `list` talk to it. Four ranks per job.
/// </summary>
[TestFixture]
[NonParallelizable]
internal sealed class CommandEndToEndTests
{
    private static readonly TimeSpan JobBound = TimeSpan.FromSeconds(150);

    private static string Job(CommandJob job) => job.JobId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Test]
    public void A_checkpoint_of_four_ranks_writes_the_snapshot_tree_and_global_metadata_as_Open_MPI_does()
    {
        using var job = new CommandJob("checkpoint", 4, ["init", "loop:90000:1", "finalize"]);
        job.WaitReady(4);

        // A local coordinator that does not know the job's secret is refused, and the refusal is logged.
        var forged = Path.Combine(job.Scratch, "forged-job");
        var real = File.ReadAllLines(Path.Combine(job.RuntimeDirectory, "job"));
        File.WriteAllLines(forged, real.Select(l => l.StartsWith("secret=", StringComparison.Ordinal) ? "secret=" + new string('0', 64) : l));
        File.SetUnixFileMode(forged, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var intruder = job.Command("local", "--foreground", "--job-file", forged, "--node-dir", Path.Combine(job.Scratch, "intruder-node"));
        Assert.That(intruder.ExitCode, Is.EqualTo(5), intruder.Describe());
        Assert.That(intruder.StandardError, Does.Contain("refused this node"));

        var checkpoint = job.Command("checkpoint", Job(job));
        Assert.That(checkpoint.ExitCode, Is.EqualTo(0), checkpoint.Describe() + job.Transcript());
        Assert.That(checkpoint.StandardOutput.Trim(), Is.EqualTo($"{job.GlobalDirectory} 0"));

        Assert.That(job.WaitForExit(JobBound), Is.EqualTo(0), job.Transcript());
        Assert.That(job.Errors.Any(l => l.Contains("refused a connection from 127.0.0.1") && l.Contains("wrong secret")), job.Transcript());
        // INIT, the checkpoint, FIN and FIN_ACK: every rank ended every step with rc=0
        Assert.That(job.Output.Count(l => l.StartsWith("STEP 3 finalize rc=0", StringComparison.Ordinal)), Is.EqualTo(4), job.Transcript());
        Assert.That(job.Output.Count(l => l.StartsWith("STEP 2 loop:90000:1 rc=0 finished=1", StringComparison.Ordinal)), Is.EqualTo(4), job.Transcript());

        var lines = job.Metadata.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Is.EqualTo("# Seq: 0"));
        Assert.That(lines[1], Is.EqualTo("# Local Snapshot Format Reference: opal_snapshot_%d.ckpt"));
        Assert.That(lines[2], Does.Match(@"^# Timestamp: \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$"));
        for (var v = 0; v < 4; v++)
        {
            Assert.That(lines[3 + 2 * v], Does.Match($@"^# Process: \d+\.{v}$"));
            Assert.That(lines[4 + 2 * v], Is.EqualTo("# OPAL CRS Component: self"));
            var local = Path.Combine(job.GlobalDirectory, "0", $"opal_snapshot_{v}.ckpt");
            Assert.That(File.ReadAllText(Path.Combine(local, "snapshot_meta.data")), Does.Contain("# OPAL CRS Component: self"));
            Assert.That(File.Exists(Path.Combine(local, "ref_app_state.txt")), "the self callback wrote the rank's state");
        }
        Assert.That(lines[11], Does.StartWith("# Timestamp: "));
        Assert.That(lines[12], Is.EqualTo("# Finished Seq: 0"));
        Assert.That(lines, Has.Length.EqualTo(13));

        var list = job.Command("list", "--json", job.Snapshots);
        Assert.That(list.ExitCode, Is.EqualTo(0), list.Describe());
        using var json = JsonDocument.Parse(list.StandardOutput);
        var sequence = json.RootElement.GetProperty("snapshots")[0].GetProperty("sequences")[0];
        Assert.That((sequence.GetProperty("seq").GetInt32(), sequence.GetProperty("finished").GetBoolean(), sequence.GetProperty("ranks").GetInt32()), Is.EqualTo((0, true, 4)));
        Assert.That(Directory.Exists(job.RuntimeDirectory) && !File.Exists(Path.Combine(job.RuntimeDirectory, "control.sock")), "the control socket is removed at the end");
    }

    [Test]
    public void A_leaders_checkpoint_request_gets_op_state_0_and_quiesce_start_and_end_complete()
    {
        using var job = new CommandJob("leader", 4,
            // the other ranks take part in the leader's checkpoint from their loop's test points
            ["init", "barrier", "request:checkpoint", "loop:60000:1", "barrier", "request:quiesce_start", "request:quiesce_end", "barrier", "finalize"]);
        Assert.That(job.WaitForExit(JobBound), Is.EqualTo(0), job.Transcript());
        Assert.That(job.Output.Count(l => l.StartsWith("STEP 3 request:checkpoint rc=0", StringComparison.Ordinal)), Is.EqualTo(4), job.Transcript());
        Assert.That(job.Output.Count(l => l.StartsWith($"STEP 3 request:checkpoint rc=0 seq=0 handle=ompi_global_snapshot_{Job(job)}.ckpt", StringComparison.Ordinal)),
            Is.EqualTo(1), "the leader's request completed with op_state 0 and names the snapshot\n" + job.Transcript());
        Assert.That(job.Output.Count(l => l.StartsWith("STEP 6 request:quiesce_start rc=0", StringComparison.Ordinal)), Is.EqualTo(4), job.Transcript());
        Assert.That(job.Output.Count(l => l.StartsWith("STEP 7 request:quiesce_end rc=0", StringComparison.Ordinal)), Is.EqualTo(4), job.Transcript());
        Assert.That(job.Output.Count(l => l.StartsWith("STEP 9 finalize rc=0", StringComparison.Ordinal)), Is.EqualTo(4), job.Transcript());
        // A quiesced region without QUIESCE_CHECKPOINT runs no CRS: the ranks push an empty component name, so its
        // sequence (1) is recorded but never finished — it could not be restarted — and seq 0 stays the last finished.
        Assert.That(job.Metadata, Does.Contain("# Finished Seq: 0\n").And.Contain("# Seq: 1\n").And.Not.Contain("# Finished Seq: 1"));
    }

    [Test]
    public void A_rank_killed_during_a_checkpoint_fails_it_cleanly_and_the_previous_sequence_stays_finished()
    {
        // The test CRS sleeps 4 s in the second checkpoint, so rank 1 can be killed while it runs.
        using var job = new CommandJob("kill", 4, ["init", "loop:90000:3", "finalize"], appOptions: ["--crs", "continue;sleep=4000"]);
        job.WaitReady(4);
        var first = job.Command("checkpoint", Job(job));
        Assert.That(first.ExitCode, Is.EqualTo(0), first.Describe() + job.Transcript());

        var victim = job.RankPid(1);
        var killer = new Thread(() =>
        {
            Thread.Sleep(1500);
            TestLibc.Kill(victim, 9);
        });
        killer.Start();
        var second = job.Command("checkpoint", "--json", Job(job));
        killer.Join();
        Assert.That(second.ExitCode, Is.EqualTo(1), second.Describe() + job.Transcript());
        using (var json = JsonDocument.Parse(second.StandardOutput))
        {
            Assert.That(json.RootElement.GetProperty("result").GetString(), Is.EqualTo("error"));
            Assert.That(json.RootElement.GetProperty("seq").GetInt32(), Is.EqualTo(1));
        }
        job.WaitForExit(JobBound); // mpirun ends the job of a killed rank: any status, but bounded
        var metadata = job.Metadata;
        Assert.That(metadata, Does.Contain("# Finished Seq: 0\n"));
        Assert.That(metadata, Does.Contain("# Seq: 1\n"));
        Assert.That(metadata, Does.Not.Contain("# Finished Seq: 1"));
        Assert.That(File.ReadAllText(Path.Combine(job.GlobalDirectory, "0", "opal_snapshot_1.ckpt", "snapshot_meta.data")), Does.Contain("# OPAL CRS Component:"),
            "the finished sequence's local snapshots are untouched");
    }

    [Test]
    public void A_term_checkpoint_ends_the_job_and_run_returns_0()
    {
        using var job = new CommandJob("term", 4, ["init", "loop:90000:2", "finalize"]);
        job.WaitReady(4);
        var status = job.Command("status", Job(job));
        Assert.That(status.StandardOutput, Does.Contain("4 of 4 connected"), status.Describe());
        var checkpoint = job.Command("checkpoint", "--term", Job(job));
        Assert.That(checkpoint.ExitCode, Is.EqualTo(0), checkpoint.Describe() + job.Transcript());
        Assert.That(job.WaitForExit(JobBound), Is.EqualTo(0), job.Transcript());
        Assert.That(job.Errors, Has.Some.Contains("ended after its term checkpoint"));
        Assert.That(job.Output.Any(l => l.StartsWith("STEP 3 finalize", StringComparison.Ordinal)), Is.False, "the ranks were ended, not finalized");
        Assert.That(job.Metadata, Does.Contain("# Finished Seq: 0\n"));
    }

    [Test]
    public void Migrate_and_restart_requests_are_refused_at_once_and_the_job_goes_on()
    {
        // Open MPI's HNP answers neither when it cannot do them: the requester would wait 1800 s (migrate) or 600 s
        // (restart). native-snapc's answers op_state -1 and the library returns an error at once.
        using var job = new CommandJob("refused", 4,
            ["init", "barrier", "on:0:request:migrate:0/nodeb/0/1", "on:1:request:restart:0:ompi_global_snapshot_1.ckpt@self", "barrier", "loop:300", "finalize"]);
        job.WaitForExit(JobBound);
        var migrate = job.Output.Single(l => l.StartsWith("STEP 3 on:0:request:migrate", StringComparison.Ordinal) && !l.Contains("skipped=1", StringComparison.Ordinal));
        var restart = job.Output.Single(l => l.StartsWith("STEP 4 on:1:request:restart", StringComparison.Ordinal) && !l.Contains("skipped=1", StringComparison.Ordinal));
        foreach (var line in new[] { migrate, restart })
        {
            TestContext.Out.WriteLine(line);
            Assert.That(line, Does.Not.Contain(" rc=0 "), job.Transcript());
            var ms = double.Parse(line.Split(' ').Single(f => f.StartsWith("ms=", StringComparison.Ordinal))[3..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.That(ms, Is.LessThan(10_000), line);
        }
        Assert.That(job.Output.Count(l => l.StartsWith("STEP 7 finalize rc=0", StringComparison.Ordinal)), Is.EqualTo(4), "every rank went on to finalize\n" + job.Transcript());
        Assert.That(job.Errors, Has.Some.Contains("asked to migrate").And.Some.Contains("asked to restart"));
    }

    [Test]
    public void The_command_refuses_what_it_cannot_do_with_distinct_exit_codes()
    {
        var none = ProcessRunner.Run(CommandJob.Executable, ["checkpoint", "999999"], TimeSpan.FromSeconds(30),
            environment: new System.Collections.Generic.Dictionary<string, string> { ["TMPDIR"] = TestEnvironment.ScratchDir("command-nojob") });
        Assert.That(none.ExitCode, Is.EqualTo(3), none.Describe());
        var usage = ProcessRunner.Run(CommandJob.Executable, ["run", "--interval", "soon", "--", "-np", "1", "true"], TimeSpan.FromSeconds(30));
        Assert.That(usage.ExitCode, Is.EqualTo(2), usage.Describe());
        var list = ProcessRunner.Run(CommandJob.Executable, ["list", "/nonexistent/snapshots"], TimeSpan.FromSeconds(30));
        Assert.That(list.ExitCode, Is.EqualTo(6), list.Describe());
        var help = ProcessRunner.Run(CommandJob.Executable, ["checkpoint", "--help"], TimeSpan.FromSeconds(30));
        Assert.That(help.ExitCode, Is.EqualTo(0), help.Describe());
        Assert.That(help.StandardOutput, Does.Contain("--term").And.Contain("--json"));
    }
}

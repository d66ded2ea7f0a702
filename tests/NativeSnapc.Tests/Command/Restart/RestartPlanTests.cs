extern alias command;

using System;
using System.IO;
using command::NativeSnapc.Command.Cli;
using command::NativeSnapc.Command.Restart;
using NativeSnapc.Tests.Support;
using NUnit.Framework;

namespace NativeSnapc.Tests.Command.Restart;

/// <summary>
/// What `restart` and `run --resume` read before anything runs: the sequence a global snapshot restarts from and
/// why one cannot be, the process count in mpirun's arguments, where the program starts in them, the signal names.
/// </summary>
[TestFixture]
internal sealed class RestartPlanTests
{
    private string _global = null!;

    [SetUp]
    public void SetUp() => _global = Path.Combine(TestEnvironment.ScratchDir("restart-plan"), "ompi_global_snapshot_9.ckpt");

    /// <summary>A global snapshot with sequences 0 (finished), 1 (finished), 2 (started only), two ranks each.</summary>
    private void Snapshot(string? format = null)
    {
        Directory.CreateDirectory(_global);
        var text = "";
        foreach (var (seq, finished) in new[] { (0, true), (1, true), (2, false) })
        {
            text += $"# Seq: {seq}\n# Local Snapshot Format Reference: {format ?? "opal_snapshot_%d.ckpt"}\n# Timestamp: Wed Dec  2 04:18:07 2026\n";
            if (seq < 2)
            {
                text += "# Process: 77.1\n# OPAL CRS Component: self\n# Process: 77.0\n# OPAL CRS Component: self\n";
            }
            text += "# Timestamp: Wed Dec  2 04:18:08 2026\n" + (finished ? $"# Finished Seq: {seq}\n" : "");
            for (var rank = 0; rank < 2; rank++)
            {
                var local = Path.Combine(_global, seq.ToString(), (format ?? "opal_snapshot_%d.ckpt").Replace("%d", rank.ToString()));
                Directory.CreateDirectory(local);
                File.WriteAllText(Path.Combine(local, "snapshot_meta.data"),
                    $"# PID: 4{rank}\n# OPAL CRS Component: self\n# CONTEXT: /opt/app/bin/solver --resume {local} --steps 9\n");
            }
        }
        File.WriteAllText(Path.Combine(_global, "global_snapshot_meta.data"), text);
    }

    [Test]
    public void The_last_finished_sequence_is_planned_with_its_ranks_program_and_checkpointer()
    {
        Snapshot();
        var plan = GlobalSnapshot.Plan(_global, null, out var error);
        Assert.That(plan, Is.Not.Null, error);
        Assert.That((plan!.Seq, plan.Ranks, plan.Program, plan.Component, plan.Reference), Is.EqualTo((1, 2, "/opt/app/bin/solver", "self", "ompi_global_snapshot_9.ckpt")));
        Assert.That(GlobalSnapshot.Plan(_global, 0, out _)!.Seq, Is.EqualTo(0));
    }

    [Test]
    public void A_torn_or_unknown_sequence_and_a_rank_outside_the_job_are_refused_by_name()
    {
        Snapshot();
        Assert.That(GlobalSnapshot.Plan(_global, 2, out var torn), Is.Null);
        Assert.That(torn, Does.Contain("seq 2 of").And.Contain("is torn").And.Contain("finished sequences: 0, 1"));
        Assert.That(GlobalSnapshot.Plan(_global, 5, out var unknown), Is.Null);
        Assert.That(unknown, Does.Contain("has no seq 5 (sequences: 0, 1, 2)"));
        Assert.That(GlobalSnapshot.Plan(_global, null, out var rank, onlyRank: 2), Is.Null);
        Assert.That(rank, Does.Contain("there is no rank 2"));
    }

    [Test]
    public void A_rank_snapshot_missing_or_cut_short_makes_its_sequence_unrestartable()
    {
        Snapshot();
        Directory.Delete(Path.Combine(_global, "1", "opal_snapshot_0.ckpt"), recursive: true);
        Assert.That(GlobalSnapshot.Plan(_global, null, out var missing), Is.Null);
        Assert.That(missing, Does.Contain("rank 0's snapshot").And.Contain("is missing"));
        Assert.That(GlobalSnapshot.Plan(_global, null, out _, onlyRank: 1), Is.Not.Null, "a rank checks only its own");

        File.WriteAllText(Path.Combine(_global, "0", "opal_snapshot_1.ckpt", "snapshot_meta.data"), "# PID: 41\n# CONTEXT: /opt/app/bin/solver\n");
        Assert.That(GlobalSnapshot.Plan(_global, 0, out var cut), Is.Null);
        Assert.That(cut, Does.Contain("rank 1's snapshot").And.Contain("names no checkpointer"));
    }

    [Test]
    public void The_local_snapshot_format_comes_from_the_metadata_and_must_hold_one_rank_number()
    {
        Snapshot("rank_%d.snap");
        Assert.That(GlobalSnapshot.Plan(_global, null, out var error), Is.Not.Null, error);
        Assert.That(GlobalSnapshot.LocalFormat("# Local Snapshot Format Reference: %s_%d\n"), Is.EqualTo("opal_snapshot_%d.ckpt"));
        Assert.That(GlobalSnapshot.LocalFormat("# Local Snapshot Format Reference: ../x_%d\n"), Is.EqualTo("opal_snapshot_%d.ckpt"));
    }

    [Test]
    public void No_metadata_or_no_finished_sequence_is_nothing_to_restart()
    {
        Assert.That(GlobalSnapshot.Plan(_global, null, out var none), Is.Null);
        Assert.That(none, Does.StartWith("no global snapshot"));
        Directory.CreateDirectory(_global);
        File.WriteAllText(Path.Combine(_global, "global_snapshot_meta.data"), "# Seq: 0\n# Timestamp: x\n");
        Assert.That(GlobalSnapshot.Plan(_global, null, out var unfinished), Is.Null);
        Assert.That(unfinished, Does.Contain("has no finished sequence (seq 0 never finished)"));
    }

    [TestCase(new[] { "--oversubscribe", "-np", "4", "./a" }, 4)]
    [TestCase(new[] { "-n", "2", "--host", "a,b", "-c", "8" }, 8)]
    [TestCase(new[] { "--np", "16" }, 16)]
    [TestCase(new[] { "--host", "a:2" }, null)]
    public void The_process_count_is_read_in_any_of_mpiruns_spellings(string[] arguments, int? expected)
    {
        Assert.That(MpirunArguments.TryProcessCount(arguments, out var count, out var error), Is.True, error);
        Assert.That(count, Is.EqualTo(expected));
    }

    [TestCase("-np")]
    [TestCase("-np", "zero")]
    [TestCase("-n", "0")]
    public void A_count_option_without_a_positive_number_is_an_error(params string[] arguments)
    {
        Assert.That(MpirunArguments.TryProcessCount(arguments, out _, out var error), Is.False);
        Assert.That(error, Does.Contain("needs a positive number"));
    }

    [Test]
    public void The_program_is_found_among_mpiruns_arguments_by_real_path_or_in_PATH()
    {
        var dir = TestEnvironment.ScratchDir("restart-plan-program");
        var program = Path.Combine(dir, "solver");
        File.WriteAllText(program, "#!/bin/sh\n");
        var link = Path.Combine(dir, "solver-link");
        File.CreateSymbolicLink(link, program);
        string[] arguments = ["--host", "a", "-x", "FOO=1", link, "--steps", "9"];
        Assert.That(MpirunArguments.FindProgram(arguments, program), Is.EqualTo(4), "a link to the program is the program");
        Assert.That(MpirunArguments.FindProgram(["-np", "2", "other"], program), Is.EqualTo(-1));
        Assert.That(MpirunArguments.Executable("sh"), Does.EndWith("sh"), "a bare name is looked up in PATH");
    }

    [TestCase("USR1", 10)]
    [TestCase("sigusr2", 12)]
    [TestCase("SIGTERM", 15)]
    [TestCase("24", 24)]
    [TestCase("KILL", null)]
    [TestCase("9", null)]
    [TestCase("usr3", null)]
    public void Checkpoint_on_takes_the_signals_a_batch_system_sends(string text, int? expected) =>
        Assert.That(CommandLine.ParseSignal(text), Is.EqualTo(expected));
}

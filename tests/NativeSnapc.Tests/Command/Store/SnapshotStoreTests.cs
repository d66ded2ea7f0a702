extern alias command;

using System;
using System.IO;
using System.Linq;
using command::NativeSnapc.Command.Cli;
using command::NativeSnapc.Command.Store;
using NativeSnapc.Tests.Support;
using NUnit.Framework;

namespace NativeSnapc.Tests.Command.Store;

/// <summary>sstore/central's global metadata and snapshot tree as the command keeps them.</summary>
[TestFixture]
internal sealed class SnapshotStoreTests
{
    [Test]
    public void Ctime_is_Cs_format_with_its_newline()
    {
        Assert.That(GlobalMetadata.CTime(new DateTime(2025, 3, 4, 5, 6, 7)), Is.EqualTo("Tue Mar  4 05:06:07 2025\n"));
        Assert.That(GlobalMetadata.CTime(new DateTime(2025, 12, 24, 23, 59, 0)), Is.EqualTo("Wed Dec 24 23:59:00 2025\n"));
    }

    [Test]
    public void Sequences_continue_after_an_existing_metadata_and_only_complete_ones_are_finished()
    {
        var scratch = TestEnvironment.ScratchDir("command-store");
        var store = new SnapshotStore(scratch, "ompi_global_snapshot_7.ckpt");
        Assert.That(store.NextSeq(), Is.EqualTo(0));
        Assert.That(store.Begin(0) && store.End(0, finished: true, [("5.0", "self"), ("5.1", "self")]));
        Assert.That(store.Begin(1) && store.End(1, finished: false, [("5.0", "self")]));

        // a new run on the same reference (a restarted job) goes on with seq 2
        var again = new SnapshotStore(scratch, "ompi_global_snapshot_7.ckpt");
        Assert.That(again.NextSeq(), Is.EqualTo(2));
        var sequences = again.Sequences();
        Assert.That(sequences.Select(s => (s.Seq, s.Finished, s.Processes.Count)), Is.EqualTo(new[] { (0, true, 2), (1, false, 1) }));
        Assert.That(sequences[0].Processes[1], Is.EqualTo(("5.1", "self")));
        Assert.That(Directory.Exists(Path.Combine(scratch, "ompi_global_snapshot_7.ckpt", "1")));
        Assert.That(again.AppLocationFormat(2), Is.EqualTo(Path.Combine(scratch, "ompi_global_snapshot_7.ckpt") + "/2/opal_snapshot_%d.ckpt"));
    }

    [Test]
    public void Keep_removes_older_finished_sequences_but_never_the_newest_finished_one()
    {
        var scratch = TestEnvironment.ScratchDir("command-keep");
        var store = new SnapshotStore(scratch, "r.ckpt");
        for (var seq = 0; seq < 4; seq++)
        {
            store.Begin(seq);
            store.End(seq, finished: seq != 3, []);
        }
        Assert.That(store.Prune(1), Is.EqualTo(new[] { 1, 0 }));
        var left = Directory.EnumerateDirectories(Path.Combine(scratch, "r.ckpt")).Select(Path.GetFileName).OrderBy(n => n).ToArray();
        Assert.That(left, Is.EqualTo(new[] { "2", "3" }), "the newest finished (2) and the unfinished (3) stay");
        Assert.That(store.Prune(1), Is.Empty);
    }

    [TestCase("90", 90.0)]
    [TestCase("30s", 30.0)]
    [TestCase("10m", 600.0)]
    [TestCase("1.5h", 5400.0)]
    public void Durations_parse(string text, double seconds) =>
        Assert.That(CommandLine.ParseDuration(text), Is.EqualTo(TimeSpan.FromSeconds(seconds)));

    [TestCase("soon")]
    [TestCase("-5s")]
    [TestCase("0")]
    [TestCase("3d")]
    public void Bad_durations_are_refused(string text) => Assert.That(CommandLine.ParseDuration(text), Is.Null);
}

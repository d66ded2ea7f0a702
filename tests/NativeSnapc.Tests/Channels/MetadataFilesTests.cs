using System;
using System.IO;
using System.Linq;
using System.Text;
using NativeSnapc.Channels.Files;
using NativeSnapc.Crs;
using NativeSnapc.Tests.Crs;
using NativeSnapc.Tests.Support;
using NUnit.Framework;

namespace NativeSnapc.Tests.Channels;

/// <summary>
/// The metadata file on a real file system (the library's libc calls, under the JIT with the CMake-built shim):
/// reading it, and replacing it so that a crash at any point leaves the old file or the new one, never a
/// snapshot that looks complete but is not.
/// </summary>
[TestFixture]
public sealed class MetadataFilesTests
{
    private const string Sstore = "# Timestamp: Thu Jan  1 00:00:00 1970\n# PID: 4242\n";

    private string _dir = null!;
    private string _path = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = TestEnvironment.ScratchDir("crs-metadata-files/" + TestContext.CurrentContext.Test.Name);
        _path = Path.Combine(_dir, "snapshot_meta.data");
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private string[] DirectoryEntries() => Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToArray()!;

    [Test]
    public void A_missing_file_reads_as_missing()
    {
        var read = new MetadataFiles().Read(_path, SnapshotMetadata.MaxBytes);
        Assert.That((read.Missing, read.Content, read.Error), Is.EqualTo((true, (byte[]?)null, (string?)null)));
    }

    [Test]
    public void A_file_reads_whole()
    {
        var content = Bytes(string.Concat(Enumerable.Repeat(Sstore, 500))); // several read() calls
        File.WriteAllBytes(_path, content);
        var read = new MetadataFiles().Read(_path, SnapshotMetadata.MaxBytes);
        Assert.That(read.Error, Is.Null);
        Assert.That(read.Content, Is.EqualTo(content));
    }

    [Test]
    public void A_file_over_the_limit_or_not_a_regular_file_is_an_error()
    {
        File.WriteAllBytes(_path, new byte[100]);
        Assert.That(new MetadataFiles().Read(_path, 99).Error, Does.Contain("larger than 99 bytes"));
        Assert.That(new MetadataFiles().Read(_path, 100).Content, Has.Length.EqualTo(100));
        Assert.That(new MetadataFiles().Read(_dir, 100).Error, Does.Contain("not a regular file").Or.Contain("Is a directory"));
    }

    [Test]
    public void A_replacement_is_the_new_content_with_nothing_left_beside_it()
    {
        File.WriteAllText(_path, Sstore);
        var content = Bytes(Sstore + "# OPAL CRS Component: self\n# CONTEXT: app\n");
        Assert.That(new MetadataFiles().ReplaceDurably(_path, content), Is.Null);
        Assert.That(File.ReadAllBytes(_path), Is.EqualTo(content));
        Assert.That(DirectoryEntries(), Is.EqualTo(new[] { "snapshot_meta.data" }));
    }

    [Test]
    public void A_replacement_creates_a_missing_file()
    {
        Assert.That(new MetadataFiles().ReplaceDurably(_path, Bytes("# CONTEXT: x\n")), Is.Null);
        Assert.That(File.ReadAllText(_path), Is.EqualTo("# CONTEXT: x\n"));
    }

    [Test]
    public void A_replacement_in_a_missing_directory_is_an_error_that_names_the_step()
    {
        var error = new MetadataFiles().ReplaceDurably(Path.Combine(_dir, "gone", "snapshot_meta.data"), Bytes("x\n"));
        Assert.That(error, Does.StartWith("create ").And.Contain("No such file or directory"));
    }

    [Test]
    public void A_crash_between_writing_the_temporary_file_and_the_rename_leaves_the_old_file_and_no_complete_snapshot()
    {
        File.WriteAllText(_path, Sstore);
        var complete = Bytes(Sstore + "# OPAL CRS Component: self\n# CONTEXT: app\n");
        var crashing = new MetadataFiles { BeforeRename = _ => throw new SimulatedCrash() };

        Assert.Throws<SimulatedCrash>(() => crashing.ReplaceDurably(_path, complete));

        Assert.That(File.ReadAllText(_path), Is.EqualTo(Sstore), "the metadata file is the old one");
        var read = new MetadataFiles().Read(_path, SnapshotMetadata.MaxBytes);
        Assert.That(SnapshotMetadata.TryReadRestartRecord(read.Content, "self", out _)?.Kind, Is.EqualTo(MetadataProblemKind.Incomplete),
            "a restart refuses the snapshot: it does not look complete");
        var temporary = MetadataFiles.TemporaryPath(_path);
        Assert.That(File.Exists(temporary), "the crash left the temporary file (hidden, never read by a restart)");
        Assert.That(Path.GetFileName(temporary), Does.StartWith("."));
    }

    [Test]
    public void The_next_replacement_after_a_crash_removes_the_stray_temporary_file()
    {
        File.WriteAllText(_path, Sstore);
        File.WriteAllText(MetadataFiles.TemporaryPath(_path), "# half-written by a process that died\n");
        var content = Bytes(Sstore + "# OPAL CRS Component: self\n# CONTEXT: app\n");
        Assert.That(new MetadataFiles().ReplaceDurably(_path, content), Is.Null);
        Assert.That(File.ReadAllBytes(_path), Is.EqualTo(content));
        Assert.That(DirectoryEntries(), Is.EqualTo(new[] { "snapshot_meta.data" }));
    }

    [Test]
    public void The_temporary_file_is_complete_and_beside_the_target_when_the_rename_happens()
    {
        File.WriteAllText(_path, Sstore);
        var content = Bytes(Sstore + "# OPAL CRS Component: self\n# CONTEXT: app\n");
        string? seen = null;
        byte[]? staged = null;
        var files = new MetadataFiles { BeforeRename = temporary => (seen, staged) = (temporary, File.ReadAllBytes(temporary)) };
        Assert.That(files.ReplaceDurably(_path, content), Is.Null);
        Assert.That(Path.GetDirectoryName(seen), Is.EqualTo(_dir));
        Assert.That(staged, Is.EqualTo(content));
    }

    [Test]
    public void A_checkpoint_that_crashes_before_the_rename_leaves_a_snapshot_a_restart_refuses()
    {
        File.WriteAllText(_path, Sstore);
        var host = new FakeSelfHost();
        var crashing = new MetadataFiles { BeforeRename = _ => throw new SimulatedCrash() };
        var checkpointer = new SelfCheckpointer(host, crashing, () => new SelfSettings());

        Assert.Throws<SimulatedCrash>(() => checkpointer.Checkpoint(1, new FakeCallerCrsSnapshot { MetadataFilename = _path }, stop: false));

        var restarter = new SelfCheckpointer(host, new MetadataFiles(), () => new SelfSettings());
        Assert.That(restarter.Restart(_path, spawnChild: true, out _), Is.Not.EqualTo(0));
        Assert.That(host.Spawned, Is.Empty, "nothing was run");
        Assert.That(host.Environment, Is.Empty, "not even the environment was changed");
    }

    private sealed class SimulatedCrash : Exception;
}

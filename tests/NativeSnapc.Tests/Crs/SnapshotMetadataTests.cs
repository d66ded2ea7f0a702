using System.Linq;
using System.Text;
using NativeSnapc.Crs;
using NUnit.Framework;

namespace NativeSnapc.Tests.Crs;

/// <summary>
/// The metadata format of the "self" checkpointer (docs/crs.md#metadata-file): what a checkpoint writes, and what a
/// restart accepts as a complete "self" snapshot. Anything else is refused with a reason, so nothing is run.
/// </summary>
[TestFixture]
public sealed class SnapshotMetadataTests
{
    private const string Sstore = "# Timestamp: Thu Jan  1 00:00:00 1970\n# PID: 4242\n# MKDIR: /tmp/session\n";

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static MetadataProblem? Restart(string text, out SelfRestartRecord? record) =>
        SnapshotMetadata.TryReadRestartRecord(Bytes(text), "self", out record);

    [Test]
    public void A_checkpoint_appends_the_component_and_context_lines_to_the_sstore_lines()
    {
        Assert.That(SnapshotMetadata.TryCompose(Bytes(Sstore), "self", "./app -restart 3", out var content), Is.Null);
        Assert.That(Encoding.UTF8.GetString(content!),
            Is.EqualTo(Sstore + "# OPAL CRS Component: self\n# CONTEXT: ./app -restart 3\n"));
    }

    [Test]
    public void A_checkpoint_without_earlier_content_writes_just_its_two_lines()
    {
        Assert.That(SnapshotMetadata.TryCompose([], "self", "app", out var content), Is.Null);
        Assert.That(Encoding.UTF8.GetString(content!), Is.EqualTo("# OPAL CRS Component: self\n# CONTEXT: app\n"));
    }

    [Test]
    public void A_second_checkpoint_into_the_same_file_replaces_the_earlier_component_and_context()
    {
        var first = Sstore + "# OPAL CRS Component: self\n# CONTEXT: ./app one\n# Timestamp: later\n";
        Assert.That(SnapshotMetadata.TryCompose(Bytes(first), "self", "./app two", out var content), Is.Null);
        Assert.That(Encoding.UTF8.GetString(content!),
            Is.EqualTo(Sstore + "# Timestamp: later\n# OPAL CRS Component: self\n# CONTEXT: ./app two\n"));
        Assert.That(Restart(Encoding.UTF8.GetString(content!), out var record), Is.Null);
        Assert.That(record!.Arguments, Is.EqualTo(new[] { "./app", "two" }));
    }

    [Test]
    public void An_unterminated_last_sstore_line_is_terminated_before_the_new_lines()
    {
        Assert.That(SnapshotMetadata.TryCompose(Bytes("# PID: 1"), "self", "app", out var content), Is.Null);
        Assert.That(Encoding.UTF8.GetString(content!), Is.EqualTo("# PID: 1\n# OPAL CRS Component: self\n# CONTEXT: app\n"));
    }

    [TestCase("# PID: 1\n\u0001garbage\n", MetadataProblemKind.Garbled)]
    [TestCase("not a metadata line\n", MetadataProblemKind.Garbled)]
    [TestCase("# no colon here\n", MetadataProblemKind.Garbled)]
    public void Garbled_existing_content_is_not_turned_into_a_snapshot(string existing, object kind)
    {
        var problem = SnapshotMetadata.TryCompose(Bytes(existing), "self", "app", out var content);
        Assert.That(problem?.Kind, Is.EqualTo(kind));
        Assert.That(content, Is.Null);
    }

    [Test]
    public void Existing_content_that_is_not_utf8_is_refused()
    {
        var problem = SnapshotMetadata.TryCompose([0x23, 0x20, 0xff, 0xfe, 0x0a], "self", "app", out var content);
        Assert.That(problem?.Kind, Is.EqualTo(MetadataProblemKind.NotText));
        Assert.That(content, Is.Null);
    }

    [Test]
    public void A_complete_self_snapshot_gives_its_command_split_on_spaces()
    {
        var problem = Restart(Sstore + "# OPAL CRS Component: self\n# CONTEXT: /bin/app  -x   --restart=ckpt:3 \n", out var record);
        Assert.That(problem, Is.Null);
        Assert.That(record!.Component, Is.EqualTo("self"));
        Assert.That(record.Command, Is.EqualTo("/bin/app  -x   --restart=ckpt:3 "));
        Assert.That(record.Arguments, Is.EqualTo(new[] { "/bin/app", "-x", "--restart=ckpt:3" }), "empty words dropped, as opal_argv_split");
    }

    [Test]
    public void Blank_lines_and_a_bare_hash_are_skipped_and_unknown_keys_are_kept()
    {
        Assert.That(Restart("\n#\n# Seq: 3\n# OPAL CRS Component: self\n\n# CONTEXT: app\n", out var record), Is.Null);
        Assert.That(record!.Arguments, Is.EqualTo(new[] { "app" }));
        Assert.That(SnapshotMetadata.TryReadEntries(Bytes("\n# Seq: 3\n# PID:7\n"), out var entries), Is.Null);
        Assert.That(entries.Select(e => (e.LineNumber, e.Key, e.Value)), Is.EqualTo(new[] { (2, "# Seq", "3"), (3, "# PID", "7") }));
    }

    [Test]
    public void The_component_value_is_compared_without_surrounding_blanks()
    {
        Assert.That(Restart("# OPAL CRS Component:  self \t\n# CONTEXT: app\n", out _), Is.Null);
    }

    [TestCase("", MetadataProblemKind.Empty)]
    [TestCase("# OPAL CRS Component: self\n# CONTEXT: app", MetadataProblemKind.Truncated)]
    [TestCase("# PID: 1\n# OPAL CRS Comp", MetadataProblemKind.Truncated)]
    [TestCase("# PID: 1\n# MKDIR: /tmp\n", MetadataProblemKind.Incomplete)]
    [TestCase("# OPAL CRS Component: self\n", MetadataProblemKind.Incomplete)]
    [TestCase("# CONTEXT: app\n", MetadataProblemKind.Incomplete)]
    [TestCase("# OPAL CRS Component: none\n# CONTEXT: app\n", MetadataProblemKind.Foreign)]
    [TestCase("# OPAL CRS Component: selfish\n# CONTEXT: app\n", MetadataProblemKind.Foreign)]
    [TestCase("# OPAL CRS Component: self\n# CONTEXT: a\n# CONTEXT: b\n", MetadataProblemKind.Ambiguous)]
    [TestCase("# OPAL CRS Component: self\n# OPAL CRS Component: self\n# CONTEXT: app\n", MetadataProblemKind.Ambiguous)]
    [TestCase("# OPAL CRS Component: self\n# CONTEXT:    \n", MetadataProblemKind.NoCommand)]
    [TestCase("# OPAL CRS Component: self\n# CONTEXT:\n", MetadataProblemKind.NoCommand)]
    [TestCase("# OPAL CRS Component: self\nCONTEXT app\n", MetadataProblemKind.Garbled)]
    [TestCase("# OPAL CRS Component: self\n# CONTEXT app\n", MetadataProblemKind.Garbled)]
    [TestCase("# OPAL CRS Component: self\r\n# CONTEXT: app\r\n", MetadataProblemKind.Garbled)]
    [TestCase("# OPAL CRS Component: self\n# CONTEXT: app\n\0\0\0\n", MetadataProblemKind.Garbled)]
    public void Anything_but_a_complete_self_snapshot_is_refused(string text, object kind)
    {
        var problem = Restart(text, out var record);
        Assert.That(problem?.Kind, Is.EqualTo(kind), problem?.Message);
        Assert.That(record, Is.Null);
    }

    [Test]
    public void Bytes_that_are_not_utf8_are_refused()
    {
        var content = Bytes("# OPAL CRS Component: self\n# CONTEXT: app\n").Concat(new byte[] { 0xc3, 0x28, 0x0a }).ToArray();
        Assert.That(SnapshotMetadata.TryReadRestartRecord(content, "self", out _)?.Kind, Is.EqualTo(MetadataProblemKind.NotText));
    }

    [Test]
    public void A_file_larger_than_a_metadata_file_can_be_is_refused()
    {
        var content = Enumerable.Repeat((byte)'\n', SnapshotMetadata.MaxBytes + 1).ToArray();
        Assert.That(SnapshotMetadata.TryReadRestartRecord(content, "self", out _)?.Kind, Is.EqualTo(MetadataProblemKind.TooLarge));
    }

    [Test]
    public void Problems_name_the_line()
    {
        Assert.That(Restart("# PID: 1\n# OPAL CRS Component: none\n# CONTEXT: app\n", out _)!.Message,
            Is.EqualTo("the snapshot was written by the \"none\" checkpointer (line 2), not by \"self\""));
        Assert.That(Restart("# PID: 1\nxyz\n", out _)!.Message, Is.EqualTo("line 2 does not start with \"# \""));
        Assert.That(Restart("# PID: 1\n# PID 2", out _)!.Message, Is.EqualTo("line 2 has no newline: the file was cut short"));
    }

    [TestCase("./app --restart", null)]
    [TestCase("  ./app  ", null)]
    [TestCase("./app\n--restart", MetadataProblemKind.Garbled)]
    [TestCase("./app\t-x", MetadataProblemKind.Garbled)]
    [TestCase("./app\r", MetadataProblemKind.Garbled)]
    [TestCase("", MetadataProblemKind.NoCommand)]
    [TestCase("   ", MetadataProblemKind.NoCommand)]
    public void A_restart_command_is_one_line_with_at_least_one_word(string command, object? kind)
    {
        var problem = SnapshotMetadata.TryReadRestartCommand(Bytes(command), out var text);
        Assert.That(problem?.Kind, Is.EqualTo(kind));
        Assert.That(text, Is.EqualTo(kind is null ? command : null));
    }

    [Test]
    public void A_null_or_non_utf8_restart_command_is_refused()
    {
        Assert.That(SnapshotMetadata.TryReadRestartCommand(null, out _)?.Kind, Is.EqualTo(MetadataProblemKind.NoCommand));
        Assert.That(SnapshotMetadata.TryReadRestartCommand([0x61, 0xff], out _)?.Kind, Is.EqualTo(MetadataProblemKind.NotText));
    }

    [Test]
    public void Whatever_a_checkpoint_composes_a_restart_accepts_and_gives_back_the_command()
    {
        string[] existing = ["", Sstore, "# PID: 1", Sstore + "# OPAL CRS Component: none\n# CONTEXT: old\n", "\n\n# Seq: 0\n"];
        string[] commands = ["app", " /usr/bin/app -restart dir:/x ", "ä/ü ß"];
        foreach (var before in existing)
        {
            foreach (var command in commands)
            {
                Assert.That(SnapshotMetadata.TryCompose(Bytes(before), "self", command, out var content), Is.Null);
                Assert.That(SnapshotMetadata.TryReadRestartRecord(content, "self", out var record), Is.Null);
                Assert.That(record!.Command, Is.EqualTo(command));
                Assert.That(record.Arguments, Is.EqualTo(SnapshotMetadata.SplitCommand(command)));
            }
        }
    }
}

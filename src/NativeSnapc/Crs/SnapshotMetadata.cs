using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace NativeSnapc.Crs;

/// <summary>What is wrong with a metadata file or a restart command.</summary>
internal enum MetadataProblemKind
{
    /// <summary>The file has no bytes.</summary>
    Empty,
    /// <summary>Larger than <see cref="SnapshotMetadata.MaxBytes"/>: not a metadata file.</summary>
    TooLarge,
    /// <summary>Not UTF-8 text.</summary>
    NotText,
    /// <summary>The last line has no newline: the file was cut short.</summary>
    Truncated,
    /// <summary>A line that is not <c># &lt;key&gt;: &lt;value&gt;</c>, or a control character.</summary>
    Garbled,
    /// <summary>A line a complete "self" snapshot has is missing: the checkpoint did not finish.</summary>
    Incomplete,
    /// <summary>A key that must appear once appears more than once.</summary>
    Ambiguous,
    /// <summary>Another checkpointer wrote the snapshot.</summary>
    Foreign,
    /// <summary>No usable restart command.</summary>
    NoCommand,
}

internal sealed record MetadataProblem(MetadataProblemKind Kind, string Message)
{
    public override string ToString() => Message;
}

/// <summary>One <c>&lt;key&gt;: &lt;value&gt;</c> line; the key keeps its "# ", the value loses the one space after the colon.</summary>
internal sealed record MetadataEntry(int LineNumber, string Key, string Value);

/// <summary>What a restart needs from a complete "self" snapshot.</summary>
internal sealed record SelfRestartRecord(string Component, string Command, IReadOnlyList<string> Arguments);

/// <summary>
/// The local snapshot metadata file (<c>snapshot_meta.data</c>, docs/crs.md#metadata-file), shared by the sstore
/// (<c># Timestamp:</c>, <c># PID:</c>, <c># MKDIR:</c>) and the checkpointer (<c># OPAL CRS Component:</c>,
/// <c># CONTEXT:</c>). Every line is <c>&lt;key&gt;: &lt;value&gt;\n</c>, the key starting with "# ". Open MPI's
/// parser splits at the first ':' as this one does; it skips lines of two characters or fewer, this one skips
/// blank lines and a bare "#".
/// </summary>
internal static class SnapshotMetadata
{
    public const string ComponentKey = "# OPAL CRS Component";
    public const string ContextKey = "# CONTEXT";

    /// <summary>A metadata file holds a few lines; anything this large is not one.</summary>
    public const int MaxBytes = 1 << 20;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>One line of the file: <c>&lt;key&gt;: &lt;value&gt;\n</c>.</summary>
    public static string Line(string key, string value) => $"{key}: {value}\n";

    /// <summary>
    /// The well-formed lines of <paramref name="content"/>, or the first problem: empty, too large, not UTF-8,
    /// the last line without its newline, a control character (tab aside), a line not starting with "# ", a line
    /// without ':'.
    /// </summary>
    public static MetadataProblem? TryReadEntries(ReadOnlySpan<byte> content, out IReadOnlyList<MetadataEntry> entries)
    {
        var list = new List<MetadataEntry>();
        entries = list;
        if (content.IsEmpty)
        {
            return new(MetadataProblemKind.Empty, "the file is empty");
        }
        if (content.Length > MaxBytes)
        {
            return new(MetadataProblemKind.TooLarge, $"the file has {content.Length} bytes, more than a metadata file can have ({MaxBytes})");
        }
        string text;
        try
        {
            text = StrictUtf8.GetString(content);
        }
        catch (DecoderFallbackException)
        {
            return new(MetadataProblemKind.NotText, "the file is not UTF-8 text");
        }
        var lines = text.Split('\n');
        if (lines[^1].Length != 0)
        {
            return new(MetadataProblemKind.Truncated, $"line {lines.Length} has no newline: the file was cut short");
        }
        for (var index = 0; index < lines.Length - 1; index++)
        {
            var number = index + 1;
            var line = lines[index];
            var trimmed = line.AsSpan().TrimEnd(" \t");
            if (trimmed.IsEmpty || trimmed is "#")
            {
                continue;
            }
            if (line.Any(IsControl))
            {
                return new(MetadataProblemKind.Garbled, $"line {number} contains a control character");
            }
            if (!line.StartsWith("# ", StringComparison.Ordinal))
            {
                return new(MetadataProblemKind.Garbled, $"line {number} does not start with \"# \"");
            }
            var colon = line.IndexOf(':');
            if (colon < 0)
            {
                return new(MetadataProblemKind.Garbled, $"line {number} has no ':'");
            }
            var value = line[(colon + 1)..];
            list.Add(new MetadataEntry(number, line[..colon], value.StartsWith(' ') ? value[1..] : value));
        }
        return null;
    }

    /// <summary>
    /// The restart command of a complete snapshot written by <paramref name="component"/>, or why there is none:
    /// the file must be well-formed (<see cref="TryReadEntries"/>) and hold exactly one component line naming
    /// <paramref name="component"/> and exactly one <c># CONTEXT:</c> line with a non-empty command.
    /// </summary>
    public static MetadataProblem? TryReadRestartRecord(ReadOnlySpan<byte> content, string component, out SelfRestartRecord? record)
    {
        record = null;
        if (TryReadEntries(content, out var entries) is { } problem)
        {
            return problem;
        }
        if (Single(entries, ComponentKey, out var componentEntry) is { } componentProblem)
        {
            return componentProblem;
        }
        var writer = componentEntry!.Value.Trim(' ', '\t');
        if (!string.Equals(writer, component, StringComparison.Ordinal))
        {
            return new(MetadataProblemKind.Foreign, $"the snapshot was written by the \"{writer}\" checkpointer (line {componentEntry.LineNumber}), not by \"{component}\"");
        }
        if (Single(entries, ContextKey, out var contextEntry) is { } contextProblem)
        {
            return contextProblem;
        }
        var arguments = SplitCommand(contextEntry!.Value);
        if (arguments.Count == 0)
        {
            return new(MetadataProblemKind.NoCommand, $"the {ContextKey}: line (line {contextEntry.LineNumber}) holds no restart command");
        }
        record = new SelfRestartRecord(writer, contextEntry.Value, arguments);
        return null;
    }

    /// <summary>
    /// <paramref name="existing"/> (what the sstore wrote) followed by the component and context lines of a
    /// checkpoint, as the new content of the file. Component and context lines of an earlier attempt are dropped,
    /// so the file names one checkpoint; an unterminated last line is terminated. The result is checked with the
    /// rules a restart applies, so a checkpoint never writes a snapshot that could not be restarted.
    /// </summary>
    public static MetadataProblem? TryCompose(ReadOnlySpan<byte> existing, string component, string restartCommand, out byte[]? content)
    {
        content = null;
        string text;
        try
        {
            text = StrictUtf8.GetString(existing);
        }
        catch (DecoderFallbackException)
        {
            return new(MetadataProblemKind.NotText, "the existing file is not UTF-8 text");
        }
        var builder = new StringBuilder(text.Length + 64 + restartCommand.Length);
        var lines = text.Split('\n');
        var count = lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        for (var index = 0; index < count; index++)
        {
            var key = lines[index].IndexOf(':') is var colon and >= 0 ? lines[index][..colon] : null;
            if (key is ComponentKey or ContextKey)
            {
                continue;
            }
            builder.Append(lines[index]).Append('\n');
        }
        builder.Append(Line(ComponentKey, component)).Append(Line(ContextKey, restartCommand));
        var bytes = StrictUtf8.GetBytes(builder.ToString());
        if (TryReadRestartRecord(bytes, component, out _) is { } problem)
        {
            return problem;
        }
        content = bytes;
        return null;
    }

    /// <summary>
    /// A restart command as the checkpoint callback returned it (malloc'ed bytes): one line of UTF-8 text with at
    /// least one word. Null means the callback left <c>*restart_cmd</c> NULL.
    /// </summary>
    public static MetadataProblem? TryReadRestartCommand(byte[]? raw, out string? command)
    {
        command = null;
        if (raw is null)
        {
            return new(MetadataProblemKind.NoCommand, "the checkpoint callback gave no restart command (*restart_cmd is NULL)");
        }
        string text;
        try
        {
            text = StrictUtf8.GetString(raw);
        }
        catch (DecoderFallbackException)
        {
            return new(MetadataProblemKind.NotText, "the restart command is not UTF-8 text");
        }
        if (text.Any(c => IsControl(c) || c == '\t'))
        {
            return new(MetadataProblemKind.Garbled, "the restart command contains a line break or another control character; it must be one line");
        }
        if (SplitCommand(text).Count == 0)
        {
            return new(MetadataProblemKind.NoCommand, "the restart command is empty");
        }
        command = text;
        return null;
    }

    /// <summary>The words of a command, split on spaces with empty words dropped (opal_argv_split(cmd, ' ')); no quoting.</summary>
    public static IReadOnlyList<string> SplitCommand(string command) =>
        command.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static MetadataProblem? Single(IReadOnlyList<MetadataEntry> entries, string key, out MetadataEntry? entry)
    {
        var matches = entries.Where(e => string.Equals(e.Key, key, StringComparison.Ordinal)).ToList();
        entry = matches.Count == 1 ? matches[0] : null;
        return matches.Count switch
        {
            0 => new(MetadataProblemKind.Incomplete, $"there is no {key}: line: the checkpoint that wrote this snapshot did not finish"),
            1 => null,
            _ => new(MetadataProblemKind.Ambiguous, $"{key}: appears {matches.Count} times (lines {string.Join(", ", matches.Select(m => m.LineNumber))})"),
        };
    }

    private static bool IsControl(char c) => (c < 0x20 && c != '\t') || c == 0x7f;
}

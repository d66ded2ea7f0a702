using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using NativeSnapc.Command.Store;

namespace NativeSnapc.Command.Restart;

/// <summary>One sequence of a global snapshot checked to be restartable: every rank's local snapshot is there and complete.</summary>
internal sealed record RestartPlan(string GlobalDirectory, string Reference, int Seq, int Ranks, string Program, string Component, DateTime Finished);

/// <summary>
/// What ompi-restart reads of a global snapshot (<c>&lt;base&gt;/&lt;ref&gt;/global_snapshot_meta.data</c> and the
/// local <c>&lt;seq&gt;/opal_snapshot_&lt;vpid&gt;.ckpt/snapshot_meta.data</c>): the sequence to restart — the last
/// finished one, or the one asked for — and whether every rank's snapshot in it could be restarted. Refusals name
/// what is wrong (no finished sequence, a sequence that never finished, a rank's snapshot missing or torn).
/// </summary>
internal static class GlobalSnapshot
{
    public const string LocalMetadataName = "snapshot_meta.data";
    private const string ComponentKey = "# OPAL CRS Component:";
    private const string ContextKey = "# CONTEXT:";

    /// <summary>
    /// A global snapshot directory given on the command line: a path (absolute or relative), or a reference name
    /// looked up under <paramref name="defaultBase"/> as ompi-restart looks under sstore_base_global_snapshot_dir.
    /// </summary>
    public static string Resolve(string given, string defaultBase)
    {
        var asPath = Path.GetFullPath(given);
        if (Directory.Exists(asPath) || given.Contains('/'))
        {
            return asPath.TrimEnd('/');
        }
        return Path.Combine(Path.GetFullPath(defaultBase), given);
    }

    /// <summary>
    /// The plan for <paramref name="globalDirectory"/>, or null and why it cannot be restarted. Every rank's local
    /// snapshot is checked, or only <paramref name="onlyRank"/>'s (a rank of the restarted job checks its own).
    /// </summary>
    public static RestartPlan? Plan(string globalDirectory, int? seq, out string error, int? onlyRank = null)
    {
        var metadataPath = Path.Combine(globalDirectory, GlobalMetadata.FileName);
        string text;
        try
        {
            text = File.ReadAllText(metadataPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = Directory.Exists(globalDirectory)
                ? $"{globalDirectory} is not a global snapshot: cannot read {GlobalMetadata.FileName} ({e.Message})"
                : $"no global snapshot {globalDirectory}";
            return null;
        }
        var sequences = GlobalMetadata.Parse(text);
        var finished = sequences.Where(s => s.Finished).Select(s => s.Seq).ToList();
        SequenceRecord? chosen;
        if (seq is { } wanted)
        {
            chosen = sequences.LastOrDefault(s => s.Seq == wanted);
            if (chosen is null)
            {
                error = $"{globalDirectory} has no seq {wanted} (sequences: {Describe(sequences.Select(s => s.Seq))})";
                return null;
            }
            if (!chosen.Finished)
            {
                error = $"seq {wanted} of {globalDirectory} is torn: its checkpoint never finished (the job died or the checkpoint failed), so its ranks' snapshots do not form a consistent state; finished sequences: {Describe(finished)}";
                return null;
            }
        }
        else
        {
            chosen = sequences.LastOrDefault(s => s.Finished);
            if (chosen is null)
            {
                error = sequences.Count == 0
                    ? $"{metadataPath} records no checkpoint"
                    : $"{globalDirectory} has no finished sequence (seq {Describe(sequences.Select(s => s.Seq))} never finished): nothing to restart";
                return null;
            }
        }

        var format = LocalFormat(text);
        var vpids = new SortedSet<int>();
        foreach (var (process, _) in chosen.Processes)
        {
            var dot = process.LastIndexOf('.');
            if (dot < 0 || !int.TryParse(process.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var vpid))
            {
                error = $"seq {chosen.Seq} of {metadataPath} names a process \"{process}\" that is not jobid.vpid";
                return null;
            }
            vpids.Add(vpid);
        }
        var ranks = vpids.Count;
        if (ranks == 0 || vpids.Min != 0 || vpids.Max != ranks - 1)
        {
            error = $"seq {chosen.Seq} of {metadataPath} does not record ranks 0..N-1 (it records {Describe(vpids)})";
            return null;
        }

        string? program = null, component = null;
        var checkedRanks = onlyRank is { } only ? new[] { only } : Enumerable.Range(0, ranks).ToArray();
        if (onlyRank is { } mine && (mine < 0 || mine >= ranks))
        {
            error = $"seq {chosen.Seq} of {globalDirectory} has {ranks} ranks; there is no rank {mine} to restart";
            return null;
        }
        foreach (var rank in checkedRanks)
        {
            var local = LocalDirectory(globalDirectory, chosen.Seq, format, rank);
            var problem = CheckLocal(local, out var command, out var checkpointer);
            if (problem is not null)
            {
                error = $"seq {chosen.Seq} cannot be restarted: rank {rank}'s snapshot {local} {problem}";
                return null;
            }
            if (rank == checkedRanks[0])
            {
                program = command!.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[0];
                component = checkpointer;
            }
        }
        error = "";
        return new RestartPlan(globalDirectory, Path.GetFileName(globalDirectory), chosen.Seq, ranks, program!, component!, File.GetLastWriteTimeUtc(metadataPath));
    }

    /// <summary><c>&lt;global&gt;/&lt;seq&gt;/opal_snapshot_&lt;rank&gt;.ckpt</c> (the metadata's local format with the rank for %d).</summary>
    public static string LocalDirectory(string globalDirectory, int seq, string format, int rank) =>
        Path.Combine(globalDirectory, seq.ToString(CultureInfo.InvariantCulture), format.Replace("%d", rank.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));

    /// <summary>The local snapshot format of the metadata (<c>opal_snapshot_%d.ckpt</c> when it names none).</summary>
    public static string LocalFormat(string metadata)
    {
        foreach (var line in metadata.Split('\n'))
        {
            if (line.StartsWith(GlobalMetadata.FormatKey, StringComparison.Ordinal))
            {
                var format = line[GlobalMetadata.FormatKey.Length..].Trim();
                // exactly one %d and no other conversion, so a rank number is all that goes in
                var first = format.IndexOf('%');
                if (first >= 0 && format.AsSpan(first).StartsWith("%d") && format.IndexOf('%', first + 1) < 0 && !format.Contains('/'))
                {
                    return format;
                }
            }
        }
        return GlobalMetadata.LocalFormat;
    }

    /// <summary>
    /// Null when the local snapshot names its checkpointer and a restart command (what crs_restart needs), else
    /// what is missing. A rank killed while it saved leaves a snapshot without them (the CRS writes them last).
    /// </summary>
    private static string? CheckLocal(string local, out string? command, out string? component)
    {
        command = null;
        component = null;
        var path = Path.Combine(local, LocalMetadataName);
        if (!Directory.Exists(local))
        {
            return "is missing (removed, e.g. by run --keep, or never written)";
        }
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"has no readable {LocalMetadataName} ({e.Message})";
        }
        component = lines.LastOrDefault(l => l.StartsWith(ComponentKey, StringComparison.Ordinal))?[ComponentKey.Length..].Trim();
        command = lines.LastOrDefault(l => l.StartsWith(ContextKey, StringComparison.Ordinal))?[ContextKey.Length..].Trim();
        if (string.IsNullOrEmpty(component))
        {
            return "is torn: it names no checkpointer (the rank did not finish saving it)";
        }
        if (string.IsNullOrEmpty(command))
        {
            return "names no restart command";
        }
        return null;
    }

    /// <summary>The global snapshot directories under <paramref name="baseDirectory"/> (those with a metadata file).</summary>
    public static IReadOnlyList<string> Under(string baseDirectory)
    {
        if (!Directory.Exists(baseDirectory))
        {
            return [];
        }
        try
        {
            return Directory.EnumerateDirectories(baseDirectory)
                .Where(d => File.Exists(Path.Combine(d, GlobalMetadata.FileName)))
                .OrderBy(d => d, StringComparer.Ordinal)
                .ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static string Describe(IEnumerable<int> numbers)
    {
        var list = numbers.ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list.Select(n => n.ToString(CultureInfo.InvariantCulture)));
    }
}

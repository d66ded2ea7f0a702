using System;
using System.Collections.Generic;
using System.Globalization;

namespace NativeSnapc.Command.Store;

/// <summary>One sequence of a global snapshot as its metadata tells it.</summary>
internal sealed record SequenceRecord(int Seq, bool Finished, IReadOnlyList<(string Process, string Component)> Processes, string? Started, string? Ended);

/// <summary>
/// The lines of <c>global_snapshot_meta.data</c> as Open MPI 4.1's sstore/central writes them (key strings of
/// orte/mca/sstore/base/base.h): per checkpoint <c># Seq: N</c>, <c># Local Snapshot Format Reference:
/// opal_snapshot_%d.ckpt</c> and <c># Timestamp: &lt;ctime&gt;</c>; per rank <c># Process: jobid.vpid</c> and
/// <c># OPAL CRS Component: name</c>; at the end <c># Timestamp:</c> and, only for a complete sequence,
/// <c># Finished Seq: N</c> — the last finished sequence is what a restart takes.
/// </summary>
internal static class GlobalMetadata
{
    public const string FileName = "global_snapshot_meta.data";
    public const string LocalFormat = "opal_snapshot_%d.ckpt";
    public const string SeqKey = "# Seq: ";
    public const string FormatKey = "# Local Snapshot Format Reference: ";
    public const string TimestampKey = "# Timestamp: ";
    public const string ProcessKey = "# Process: ";
    public const string ComponentKey = "# OPAL CRS Component: ";
    public const string FinishedKey = "# Finished Seq: ";

    /// <summary>C's ctime(3) text, newline included: "Thu Dec  4 10:11:12 2025\n" (local time).</summary>
    public static string CTime(DateTime local) => string.Create(CultureInfo.InvariantCulture,
        $"{local:ddd} {local:MMM} {local.Day,2} {local:HH:mm:ss} {local.Year}\n");

    public static string BeginLines(int seq, DateTime now) => $"{SeqKey}{seq}\n{FormatKey}{LocalFormat}\n{TimestampKey}{CTime(now)}";

    public static string ProcessLines(string process, string component) => $"{ProcessKey}{process}\n{ComponentKey}{component}\n";

    public static string EndLines(int seq, bool finished, DateTime now) => $"{TimestampKey}{CTime(now)}" + (finished ? $"{FinishedKey}{seq}\n" : "");

    /// <summary>Reads the sequences back (lines it does not know are skipped, as sstore's reader does).</summary>
    public static IReadOnlyList<SequenceRecord> Parse(string text)
    {
        var records = new List<SequenceRecord>();
        var finished = new HashSet<int>();
        int? seq = null;
        var processes = new List<(string, string)>();
        string? started = null, ended = null, pendingProcess = null;
        void Close()
        {
            if (seq is { } s)
            {
                records.Add(new SequenceRecord(s, false, processes.ToArray(), started, ended));
            }
            processes.Clear();
            started = ended = pendingProcess = null;
        }
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith(SeqKey, StringComparison.Ordinal) && int.TryParse(line.AsSpan(SeqKey.Length), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s))
            {
                Close();
                seq = s;
            }
            else if (line.StartsWith(FinishedKey, StringComparison.Ordinal) && int.TryParse(line.AsSpan(FinishedKey.Length), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var f))
            {
                finished.Add(f);
            }
            else if (line.StartsWith(TimestampKey, StringComparison.Ordinal))
            {
                if (started is null) started = line[TimestampKey.Length..];
                else ended = line[TimestampKey.Length..];
            }
            else if (line.StartsWith(ProcessKey, StringComparison.Ordinal))
            {
                pendingProcess = line[ProcessKey.Length..];
            }
            else if (line.StartsWith(ComponentKey, StringComparison.Ordinal) && pendingProcess is not null)
            {
                processes.Add((pendingProcess, line[ComponentKey.Length..]));
                pendingProcess = null;
            }
        }
        Close();
        return records.ConvertAll(r => r with { Finished = finished.Contains(r.Seq) });
    }
}

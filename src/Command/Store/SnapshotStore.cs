using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using NativeSnapc.Command.Diagnostics;

namespace NativeSnapc.Command.Store;

/// <summary>What the global coordinator needs of stable storage (sstore/central's HNP side).</summary>
internal interface ISnapshotStore
{
    /// <summary><c>&lt;base&gt;/&lt;ref&gt;</c>, the global snapshot directory.</summary>
    string GlobalDirectory { get; }

    string Reference { get; }

    /// <summary>The format of a rank's local snapshot directory, %d = vpid (app_location_fmt).</summary>
    string AppLocationFormat(int seq);

    /// <summary>The next sequence number: one past the highest in the metadata (0 for a new snapshot).</summary>
    int NextSeq();

    /// <summary>Creates <c>&lt;ref&gt;/&lt;seq&gt;</c> and appends the sequence's opening lines; false (logged) on an I/O error.</summary>
    bool Begin(int seq);

    /// <summary>
    /// The sequence's ranks (<c># Process</c> / <c># OPAL CRS Component</c> pairs), the closing timestamp, and
    /// <c># Finished Seq</c> only when <paramref name="finished"/>: one append and one fsync per checkpoint, not one
    /// per rank.
    /// </summary>
    bool End(int seq, bool finished, IReadOnlyList<(string Process, string Component)> processes);

    /// <summary>Removes the directories of finished sequences beyond the newest <paramref name="keep"/> finished ones.</summary>
    IReadOnlyList<int> Prune(int keep);
}

/// <summary>
/// The snapshot tree of one job — <c>&lt;base&gt;/&lt;ref&gt;/&lt;seq&gt;/opal_snapshot_&lt;vpid&gt;.ckpt/</c>, made by the ranks —
/// and its <c>global_snapshot_meta.data</c>, appended and fsynced twice per checkpoint (its opening lines; its ranks
/// and closing lines), so a crash never loses a <c># Finished Seq</c> that was reported, and a failed checkpoint never
/// touches an earlier one.
/// </summary>
internal sealed class SnapshotStore : ISnapshotStore
{
    private readonly string _metadataPath;

    public SnapshotStore(string baseDirectory, string reference)
    {
        Reference = reference;
        GlobalDirectory = Path.Combine(Path.GetFullPath(baseDirectory), reference);
        _metadataPath = Path.Combine(GlobalDirectory, GlobalMetadata.FileName);
        Directory.CreateDirectory(GlobalDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string GlobalDirectory { get; }

    public string Reference { get; }

    public static string DefaultReference(int jobId) => $"ompi_global_snapshot_{jobId}.ckpt";

    public string AppLocationFormat(int seq) => $"{GlobalDirectory}/{seq}/{GlobalMetadata.LocalFormat}";

    public IReadOnlyList<SequenceRecord> Sequences() =>
        File.Exists(_metadataPath) ? GlobalMetadata.Parse(File.ReadAllText(_metadataPath)) : Array.Empty<SequenceRecord>();

    public int NextSeq()
    {
        var sequences = Sequences();
        return sequences.Count == 0 ? 0 : sequences.Max(s => s.Seq) + 1;
    }

    public bool Begin(int seq)
    {
        try
        {
            Directory.CreateDirectory(Path.Combine(GlobalDirectory, seq.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.Error($"cannot create the snapshot directory of seq {seq} in {GlobalDirectory}: {e.Message}");
            return false;
        }
        return Append(GlobalMetadata.BeginLines(seq, DateTime.Now));
    }

    public bool End(int seq, bool finished, IReadOnlyList<(string Process, string Component)> processes)
    {
        var text = new StringBuilder();
        foreach (var (process, component) in processes)
        {
            text.Append(GlobalMetadata.ProcessLines(process, component));
        }
        text.Append(GlobalMetadata.EndLines(seq, finished, DateTime.Now));
        return Append(text.ToString());
    }

    private bool Append(string text)
    {
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.Append,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            };
            using var stream = new FileStream(_metadataPath, options);
            stream.Write(Encoding.UTF8.GetBytes(text));
            stream.Flush(flushToDisk: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.Error($"cannot write {_metadataPath}: {e.Message}");
            return false;
        }
    }

    public IReadOnlyList<int> Prune(int keep)
    {
        var removed = new List<int>();
        if (keep < 1)
        {
            return removed;
        }
        var finished = Sequences().Where(s => s.Finished).Select(s => s.Seq).OrderByDescending(s => s).ToList();
        foreach (var seq in finished.Skip(keep))
        {
            var directory = Path.Combine(GlobalDirectory, seq.ToString(System.Globalization.CultureInfo.InvariantCulture));
            try
            {
                if (Directory.Exists(directory))
                {
                    Directory.Delete(directory, recursive: true);
                    removed.Add(seq);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Log.Error($"cannot remove {directory}: {e.Message}");
            }
        }
        return removed;
    }
}

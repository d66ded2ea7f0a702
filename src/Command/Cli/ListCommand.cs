using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NativeSnapc.Command.Global;
using NativeSnapc.Command.Store;

namespace NativeSnapc.Command.Cli;

/// <summary>`native-snapc list [DIR]`: the global snapshots under DIR and their sequences, from their metadata.</summary>
internal static class ListCommand
{
    public static int Execute(string? directory, bool json)
    {
        var root = directory ?? Environment.GetEnvironmentVariable("HOME") ?? ".";
        if (!Directory.Exists(root))
        {
            StandardStreams.Error.WriteLine($"native-snapc list: {root} is not a directory");
            return ExitCodes.NoSnapshots;
        }
        var snapshots = new List<(string Path, IReadOnlyList<SequenceRecord> Sequences)>();
        try
        {
            var candidates = File.Exists(Path.Combine(root, GlobalMetadata.FileName))
                ? new[] { root }
                : Directory.EnumerateDirectories(root).OrderBy(d => d, StringComparer.Ordinal).ToArray();
            foreach (var candidate in candidates)
            {
                var metadata = Path.Combine(candidate, GlobalMetadata.FileName);
                if (File.Exists(metadata))
                {
                    snapshots.Add((Path.GetFullPath(candidate), GlobalMetadata.Parse(File.ReadAllText(metadata))));
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            StandardStreams.Error.WriteLine($"native-snapc list: cannot read {root}: {e.Message}");
            return ExitCodes.NoSnapshots;
        }
        if (json)
        {
            StandardStreams.Out.WriteLine(ControlServer.Json(w =>
            {
                w.WriteStartArray("snapshots");
                foreach (var (path, sequences) in snapshots)
                {
                    w.WriteStartObject();
                    w.WriteString("path", path);
                    w.WriteStartArray("sequences");
                    foreach (var s in sequences)
                    {
                        w.WriteStartObject();
                        w.WriteNumber("seq", s.Seq);
                        w.WriteBoolean("finished", s.Finished);
                        w.WriteNumber("ranks", s.Processes.Count);
                        w.WriteNumber("bytes", Size(Path.Combine(path, s.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture))) ?? -1);
                        w.WriteString("started", s.Started);
                        w.WriteString("ended", s.Ended);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }));
            return ExitCodes.Ok;
        }
        if (snapshots.Count == 0)
        {
            StandardStreams.Out.WriteLine($"no global snapshots under {Path.GetFullPath(root)}");
            return ExitCodes.Ok;
        }
        foreach (var (path, sequences) in snapshots)
        {
            StandardStreams.Out.WriteLine(path);
            StandardStreams.Out.WriteLine("  seq  state       ranks       size  started                   ended");
            foreach (var s in sequences)
            {
                var size = Size(Path.Combine(path, s.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                StandardStreams.Out.WriteLine($"  {s.Seq,3}  {(s.Finished ? "finished" : "incomplete"),-10}  {s.Processes.Count,5}  {(size is { } b ? Human(b) : "removed"),9}  {s.Started ?? "-",-24}  {s.Ended ?? "-"}");
            }
        }
        return ExitCodes.Ok;
    }

    private static long? Size(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return null;
        }
        try
        {
            return new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string Human(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:F1} KiB",
        < 1024L * 1024 * 1024 => $"{bytes / (1024.0 * 1024):F1} MiB",
        _ => $"{bytes / (1024.0 * 1024 * 1024):F1} GiB",
    };
}

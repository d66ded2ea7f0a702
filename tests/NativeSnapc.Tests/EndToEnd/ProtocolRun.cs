using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using NativeSnapc.Tests.Support;
using NUnit.Framework;

namespace NativeSnapc.Tests.EndToEnd;

/// <summary>
/// Reading one run of the reference runtime for the protocol-path tests: per-rank app lines, the peer's
/// FIFO steps of one checkpoint, the decoded messages, and the checks every path test makes (a clean wire,
/// no FIFO left, the app ended by itself).
/// </summary>
internal static partial class ProtocolRun
{
    /// <summary>Open MPI status codes the tests expect back from the library (opal/include/opal/constants.h).</summary>
    public const int OpalError = -1;
    public const int OpalErrResourceBusy = -4;
    public const int OpalErrBadParam = -5;
    public const int OpalErrNotSupported = -8;
    public const int OpalErrTimeout = -15;
    public const int OpalErrNotInitialized = -44;

    /// <summary>snapc_full_term_timeout of every run (ReferenceRuntime's default environment).</summary>
    public static readonly TimeSpan TermTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Bound for a whole run: generous for a loaded two-core machine.</summary>
    public static readonly TimeSpan RunBound = TimeSpan.FromSeconds(90);

    /// <summary>The lines of one rank (tag prefix removed); a singleton is rank 0.</summary>
    public static IReadOnlyList<string> RankLines(AppRun app, int rank)
    {
        var result = new List<string>();
        foreach (var line in app.Lines)
        {
            var tag = AppRun.TagPrefix().Match(line);
            var lineRank = tag.Success ? int.Parse(tag.Groups[1].Value) : 0;
            if (lineRank == rank)
            {
                result.Add(tag.Success ? line[tag.Length..] : line);
            }
        }
        return result;
    }

    /// <summary>Lines of one rank starting with <paramref name="prefix"/>.</summary>
    public static IReadOnlyList<string> RankLines(AppRun app, int rank, string prefix) =>
        RankLines(app, rank).Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).ToList();

    /// <summary>The key=value fields of the rank's IDENT line (vpid, jobid, pid, session, …).</summary>
    public static IReadOnlyDictionary<string, string> Ident(AppRun app, int rank = 0)
    {
        var ident = RankLines(app, rank, "IDENT ").FirstOrDefault();
        Assert.That(ident, Is.Not.Null, $"no IDENT line for rank {rank}:\n{string.Join("\n", app.Lines)}");
        return LineFields.Parse(ident!);
    }

    /// <summary>Position of the first line of <paramref name="lines"/> that matches (-1 if none).</summary>
    public static int IndexOf(IReadOnlyList<string> lines, Func<string, bool> match) => IndexOf(lines, 0, match);

    /// <summary>Position of the first line at or after <paramref name="from"/> that matches (-1 if none).</summary>
    public static int IndexOf(IReadOnlyList<string> lines, int from, Func<string, bool> match)
    {
        for (var i = Math.Max(from, 0); i < lines.Count; i++)
        {
            if (match(lines[i]))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>
    /// The peer's FIFO lines of one process and one FIFO id, in order, without the "FIFO vpid=v id=i " head:
    /// e.g. "open a=… b=…", "options=0,0,0,0,0,0 handle=1", "response=0", "sentinel=0", "final=4 finished", "released".
    /// </summary>
    public static IReadOnlyList<string> FifoSteps(ReferenceRuntime runtime, int vpid, int id)
    {
        var head = $"FIFO vpid={vpid} id={id} ";
        return runtime.PeerLines.Where(l => l.StartsWith(head, StringComparison.Ordinal)).Select(l => l[head.Length..]).ToList();
    }

    /// <summary>The FIFO steps with the open line reduced to "open" (its paths are checked separately).</summary>
    public static IReadOnlyList<string> FifoStepNames(ReferenceRuntime runtime, int vpid, int id) =>
        FifoSteps(runtime, vpid, id).Select(s => s.StartsWith("open ", StringComparison.Ordinal) ? "open" : s).ToList();

    /// <summary>The peer's RECV lines of one decoded kind (REQUEST_OP, LOCAL_FINISH, LOCAL_UPDATE, SSTORE_PULL, SSTORE_PUSH).</summary>
    public static IReadOnlyList<string> Received(ReferenceRuntime runtime, string kind) =>
        runtime.PeerLines.Where(l => l.StartsWith("RECV ", StringComparison.Ordinal) && l.Contains($" {kind} ")).ToList();

    public static IReadOnlyList<string> Received(ReferenceRuntime runtime, string kind, int fromVpid) =>
        Received(runtime, kind).Where(l => l.StartsWith($"RECV from={fromVpid} ", StringComparison.Ordinal)).ToList();

    /// <summary>The request events the peer decoded, in order, as their names (init, checkpoint, fin, …).</summary>
    public static IReadOnlyList<string> RequestNames(ReferenceRuntime runtime) =>
        Received(runtime, "REQUEST_OP").Select(l => LineFields.Parse(l)["name"]).ToList();

    public static string Field(string line, string key)
    {
        var fields = LineFields.Parse(line);
        Assert.That(fields.ContainsKey(key), Is.True, $"no {key}= in: {line}");
        return fields[key];
    }

    /// <summary>
    /// Every message both sides exchanged was decoded by the real opal_dss, completely: no UNDECODABLE or
    /// UNEXPECTED message, no unread bytes, no peer error, no FIFO value out of turn, no ref_app watchdog.
    /// </summary>
    public static void AssertCleanWire(ReferenceRuntime runtime, AppRun app)
    {
        var peer = runtime.PeerLines;
        Assert.That(peer.Where(l => l.Contains(" UNDECODABLE ") || l.Contains(" UNEXPECTED ")), Is.Empty, runtime.Transcript());
        Assert.That(peer.Where(l => l.StartsWith("RECV ", StringComparison.Ordinal) && !l.EndsWith(" extra=0", StringComparison.Ordinal)),
            Is.Empty, "every message decoded to its last byte\n" + runtime.Transcript());
        Assert.That(peer.Where(l => l.StartsWith("ERROR ", StringComparison.Ordinal) || l.Contains(" unexpected=")), Is.Empty,
            runtime.Transcript());
        Assert.That(app.LinesStartingWith("WATCHDOG"), Is.Empty, runtime.Transcript());
    }

    public static void AssertNoPipeFilesLeft(ReferenceRuntime runtime) =>
        Assert.That(runtime.LeftoverPipeFiles(), Is.Empty, "no FIFO left behind\n" + runtime.Transcript());

    /// <summary>ref_app (or mpirun) ended by itself with <paramref name="exitCode"/>, every rank with its DONE line.</summary>
    public static void AssertEndedByItself(ReferenceRuntime runtime, AppRun app, int exitCode, int ranks = 1)
    {
        Assert.That(app.ExitCode, Is.EqualTo(exitCode), runtime.Transcript());
        Assert.That(app.LinesStartingWith("DONE ref_app"), Has.Count.EqualTo(ranks), runtime.Transcript());
    }

    /// <summary>Waits for a line of ref_app (any rank, tag removed) and returns it.</summary>
    public static string WaitForAppLine(ReferenceRuntime runtime, AppRun app, Func<string, bool> match, TimeSpan bound)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < bound)
        {
            var found = app.Lines.Select(AppRun.StripTag).FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }
            if (app.HasExited)
            {
                found = app.Lines.Select(AppRun.StripTag).FirstOrDefault(match);
                if (found is not null)
                {
                    return found;
                }
                break;
            }
            Thread.Sleep(5);
        }
        Assert.Fail($"ref_app printed no expected line within {bound.TotalSeconds:F0} s\n{runtime.Transcript()}");
        return "";
    }

    /// <summary>Waits for the STEP line of <paramref name="step"/> on <paramref name="ranks"/> ranks.</summary>
    public static void WaitForStep(ReferenceRuntime runtime, AppRun app, string step, int ranks = 1)
    {
        var clock = Stopwatch.StartNew();
        while (app.Steps.Count(s => s.Step == step) < ranks)
        {
            if (clock.Elapsed > RunBound || app.HasExited)
            {
                Assert.Fail($"no STEP line for '{step}' on {ranks} rank(s)\n{runtime.Transcript()}");
            }
            Thread.Sleep(5);
        }
    }

    /// <summary>The "SIGDISP" line of one label: signal name → "kind/flags" (kind dfl, ign, ref or a handler address).</summary>
    public static IReadOnlyDictionary<string, string> Dispositions(AppRun app, string label, int rank = 0)
    {
        var line = RankLines(app, rank, "SIGDISP ").FirstOrDefault(l => l.Contains($" label={label} "));
        Assert.That(line, Is.Not.Null, $"no SIGDISP line '{label}' on rank {rank}:\n{string.Join("\n", app.Lines)}");
        return LineFields.Parse(line!);
    }

    /// <summary>A disposition without glibc's SA_RESTORER bit (0x04000000), which every sigaction() through glibc sets.</summary>
    public static string WithoutRestorer(string disposition)
    {
        var slash = disposition.LastIndexOf('/');
        var flags = Convert.ToUInt32(disposition[(slash + 1)..], 16) & ~0x04000000u;
        return $"{disposition[..slash]}/0x{flags:x}";
    }

    /// <summary>The metadata lines of snapshot_meta.data with the timestamps' dates blanked.</summary>
    public static IReadOnlyList<string> MetadataShape(string path) =>
        System.IO.File.ReadAllLines(path).Select(l => TimestampLine().IsMatch(l) ? "# Timestamp: <date>" : l).ToList();

    [GeneratedRegex(@"^# Timestamp: \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$")]
    private static partial Regex TimestampLine();
}

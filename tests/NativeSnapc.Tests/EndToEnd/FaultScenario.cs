using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using NativeSnapc.Protocol.Wire;
using NativeSnapc.Tests.Support;
using NUnit.Framework;

namespace NativeSnapc.Tests.EndToEnd;

/// <summary>
/// What every fault scenario of the reference runtime checks, and the small tools they share: short MCA
/// timeouts, awaiting a line with a clock, and the files a scenario puts where the FIFOs go.
/// </summary>
internal static partial class FaultScenario
{
    /// <summary>The DSS's unpack failures: what a garbled or truncated reply may yield.</summary>
    public static readonly int[] UnpackErrors =
    [
        OpalStatus.UnpackFailure, OpalStatus.UnpackInadequateSpace, OpalStatus.UnpackReadPastEndOfBuffer,
        OpalStatus.TypeMismatch, OpalStatus.UnknownDataType, OpalStatus.PackMismatch,
    ];

    /// <summary>
    /// Slack on top of a configured bound, for a loaded two-core machine: process start-up, the peer's event
    /// loop and this test's polling all share the cores.
    /// </summary>
    public static readonly TimeSpan Slack = TimeSpan.FromSeconds(3);

    /// <summary>The four bounds of the library (snapc_full_*_timeout, whole seconds) for one run.</summary>
    public static Dictionary<string, string> Timeouts(int handshake, int release, int reply, int term = 3) => new()
    {
        ["OMPI_MCA_snapc_full_handshake_timeout"] = handshake.ToString(),
        ["OMPI_MCA_snapc_full_release_timeout"] = release.ToString(),
        ["OMPI_MCA_snapc_full_reply_timeout"] = reply.ToString(),
        ["OMPI_MCA_snapc_full_term_timeout"] = term.ToString(),
    };

    /// <summary>
    /// ref_app ran all its steps and ended by itself: exit 0 (every step succeeded) or 1 (some failed) — not
    /// 124 (its watchdog), not a death by signal (128 + n), not 2 (setup) — with its DONE line and no WATCHDOG line.
    /// </summary>
    public static void AssertEndedByItself(ReferenceRuntime runtime, AppRun app, int expectedExitCode)
    {
        Assert.That(app.HasExited, Is.True);
        Assert.That(app.ExitCode, Is.EqualTo(expectedExitCode), runtime.Transcript());
        Assert.That(app.LinesStartingWith("DONE ref_app"), Has.Count.EqualTo(1), runtime.Transcript());
        Assert.That(app.LinesStartingWith("WATCHDOG"), Is.Empty, runtime.Transcript());
    }

    /// <summary>No FIFO (or anything else) left in the pipe directory.</summary>
    public static void AssertNoPipeFilesLeft(ReferenceRuntime runtime) =>
        Assert.That(runtime.LeftoverPipeFiles(), Is.Empty, "files left in the pipe directory\n" + runtime.Transcript());

    /// <summary>How often ref_app's test CRS was asked for a checkpoint (one "CRS checkpoint" line each).</summary>
    public static int CheckpointsTaken(AppRun app) => app.LinesStartingWith("CRS checkpoint").Count;

    /// <summary>The cr_state of every LOCAL_FINISH ref_app sent successfully, in order.</summary>
    public static IReadOnlyList<int> LocalFinishStates(AppRun app) => app.LinesStartingWith("HOST local_finish")
        .Select(l => int.Parse(LineFields.Parse(l)["cr_state"])).ToList();

    /// <summary>The pid ref_app reported in its IDENT line (the FIFO names carry it).</summary>
    public static int AppPid(ReferenceRuntime runtime, AppRun app)
    {
        var ident = WaitForLine(() => app.LinesStartingWith("IDENT"), _ => true, TimeSpan.FromSeconds(30), "ref_app's IDENT line", runtime);
        return int.Parse(LineFields.Parse(ident)["pid"]);
    }

    /// <summary>The paths of the FIFO pair of checkpoint <paramref name="id"/> of process <paramref name="pid"/>
    /// (docs/protocol.md#fifo-names-and-ids).</summary>
    public static (string Read, string Write) PipePaths(string directory, int pid, int id) =>
        (Path.Combine(directory, $"opal_cr_prog_read.{pid}_{id}"), Path.Combine(directory, $"opal_cr_prog_write.{pid}_{id}"));

    /// <summary>Waits for ref_app's line matching <paramref name="match"/> and returns it.</summary>
    public static string WaitForAppLine(ReferenceRuntime runtime, AppRun app, Func<string, bool> match, TimeSpan bound, string what) =>
        WaitForLine(() => app.Lines.Select(AppRun.StripTag).ToList(), match, bound, what, runtime);

    /// <summary>Waits for the peer's line starting with <paramref name="prefix"/> and containing every one of <paramref name="parts"/>.</summary>
    public static string WaitForPeerLine(ReferenceRuntime runtime, string prefix, TimeSpan bound, params string[] parts) =>
        WaitForLine(() => runtime.PeerLines, l => l.StartsWith(prefix, StringComparison.Ordinal) && parts.All(l.Contains), bound,
            $"the peer's '{prefix} … {string.Join(" … ", parts)}' line", runtime);

    /// <summary>
    /// The time from the moment the line <paramref name="first"/> matches was seen to the moment the line
    /// <paramref name="then"/> matches was seen, measured here by polling every few milliseconds.
    /// </summary>
    public static TimeSpan TimeBetween(Func<IReadOnlyList<string>> firstSource, Func<string, bool> first,
        Func<IReadOnlyList<string>> thenSource, Func<string, bool> then, TimeSpan bound, ReferenceRuntime runtime)
    {
        WaitForLine(firstSource, first, bound, "the first line of a measured interval", runtime);
        var clock = Stopwatch.StartNew();
        WaitForLine(thenSource, then, bound, "the second line of a measured interval", runtime);
        return clock.Elapsed;
    }

    private static string WaitForLine(Func<IReadOnlyList<string>> source, Func<string, bool> match, TimeSpan bound, string what,
        ReferenceRuntime runtime)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var found = source().FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }
            if (clock.Elapsed > bound)
            {
                Assert.Fail($"no {what} within {bound.TotalSeconds:F0} s\n{runtime.Transcript()}");
            }
            Thread.Sleep(5);
        }
    }

    /// <summary>mkfifo(3), for the stale FIFOs a scenario leaves where the library will look.</summary>
    public static void MakeFifo(string path, uint mode = 0x180 /* 0600 */)
    {
        if (MkFifo(path, mode) != 0)
        {
            Assert.Fail($"test setup: mkfifo {path} failed (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    /// <summary>Whether <paramref name="path"/> itself (not what a link points to) is a FIFO.</summary>
    public static bool IsFifo(string path) => LStatMode(path) is { } mode && (mode & 0xF000) == 0x1000; // S_IFIFO

    /// <summary>lstat's st_mode of <paramref name="path"/>, or null when there is nothing there.</summary>
    private static unsafe uint? LStatMode(string path)
    {
        // struct stat of x86_64 Linux: 144 bytes, st_mode the 32-bit field at offset 24.
        var buffer = stackalloc byte[256];
        return LStat(path, buffer) == 0 ? *(uint*)(buffer + 24) : null;
    }

    [LibraryImport("libc", EntryPoint = "mkfifo", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int MkFifo(string path, uint mode);

    [LibraryImport("libc", EntryPoint = "lstat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int LStat(string path, byte* buffer);
}

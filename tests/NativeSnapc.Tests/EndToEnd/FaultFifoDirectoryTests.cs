using System;
using System.IO;
using System.Linq;
using NativeSnapc.Tests.Support;
using NUnit.Framework;
using static NativeSnapc.Tests.EndToEnd.FaultScenario;

namespace NativeSnapc.Tests.EndToEnd;

/// <summary>
/// The FIFO directory (opal_cr_tmp_dir) missing, unusable, or holding something at the FIFOs' paths when the
/// local coordinator asks for a checkpoint. The library fails at once (not at its handshake bound) and
/// leaves what it did not make alone; a stale FIFO is simply reused.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class FaultFifoDirectoryTests
{
    private static readonly TimeSpan NoticeLimit = TimeSpan.FromSeconds(2);

    // A long handshake bound, so that failing within a second shows the cause was seen, not waited out; the
    // peer gives up on its side after a second.
    private const int Handshake = 20;
    private static readonly string[] PeerGivesUpSoon = ["--wait-ms", "1000"];

    // The peer's checkpoint (and the FIN_ACK it defers until the checkpoint ends) fits in the loop.
    private static readonly string[] LoopThroughOneFailedCheckpoint = ["init", "loop:2000", "finalize"];

    [Test]
    public void Missing_directory_fails_at_once_and_is_not_created()
    {
        var parent = Path.Combine(Path.GetTempPath(), "nsnapc_missing_" + Guid.NewGuid().ToString("N"));
        var missing = Path.Combine(parent, "pipes");
        using var runtime = StartRuntime(missing, startCheckpointAtInit: true);
        var app = runtime.StartApp(LoopThroughOneFailedCheckpoint);

        var noticed = TimeFromSignalToFailure(runtime, app);
        app.WaitForExit(TimeSpan.FromSeconds(60));

        Assert.That(noticed, Is.LessThan(NoticeLimit), runtime.Transcript());
        AssertRefusedWithoutCheckpoint(runtime, app, "mkfifo failed");
        Assert.That(Directory.Exists(parent), Is.False, "the library creates no directory");
        AssertNoPipeFilesLeft(runtime);
    }

    [Test]
    public void Directory_path_through_a_regular_file_fails_at_once_with_not_a_directory()
    {
        // ENOTDIR: the one "unwritable" directory that refuses root too, without privileges or attributes.
        var file = Path.Combine(Path.GetTempPath(), "nsnapc_notadir_" + Guid.NewGuid().ToString("N"));
        var content = RandomBytes(100);
        File.WriteAllBytes(file, content);
        try
        {
            using var runtime = StartRuntime(Path.Combine(file, "pipes"), startCheckpointAtInit: true);
            var app = runtime.StartApp(LoopThroughOneFailedCheckpoint);

            var noticed = TimeFromSignalToFailure(runtime, app);
            app.WaitForExit(TimeSpan.FromSeconds(60));

            Assert.That(noticed, Is.LessThan(NoticeLimit), runtime.Transcript());
            AssertRefusedWithoutCheckpoint(runtime, app, "mkfifo failed");
            Assert.That(app.Lines, Has.Some.Contains("Not a directory"), runtime.Transcript());
            Assert.That(File.ReadAllBytes(file), Is.EqualTo(content), "the file in the way is untouched");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public void Unwritable_directory_fails_at_once()
    {
        using var runtime = StartRuntime(pipeDirectory: null, startCheckpointAtInit: true);
        // As root, permission bits are bypassed (EACCES never happens): the immutable attribute refuses root too (EPERM).
        var asRoot = TestLibc.GetEuid() == 0;
        string[] lockCommand = asRoot ? ["chattr", "+i", runtime.PipeDir] : ["chmod", "0555", runtime.PipeDir];
        string[] unlockCommand = asRoot ? ["chattr", "-i", runtime.PipeDir] : ["chmod", "0755", runtime.PipeDir];
        if (Run(lockCommand) is { } refusal)
        {
            Assert.Ignore($"cannot make {runtime.PipeDir} unwritable here: {refusal}");
        }
        try
        {
            var app = runtime.StartApp(LoopThroughOneFailedCheckpoint);
            var noticed = TimeFromSignalToFailure(runtime, app);
            app.WaitForExit(TimeSpan.FromSeconds(60));

            Assert.That(noticed, Is.LessThan(NoticeLimit), runtime.Transcript());
            AssertRefusedWithoutCheckpoint(runtime, app, "mkfifo failed");
            Assert.That(app.Lines, Has.Some.Contains(asRoot ? "Operation not permitted" : "Permission denied"), runtime.Transcript());
            AssertNoPipeFilesLeft(runtime);
        }
        finally
        {
            // Before the runtime's disposal deletes the work directory.
            Assert.That(Run(unlockCommand), Is.Null, "restoring the directory");
        }
    }

    [TestCase(true, true)]
    [TestCase(false, true)]
    [TestCase(true, false)]
    public void Stale_FIFOs_at_the_paths_are_reused_and_the_checkpoint_succeeds(bool staleRead, bool staleWrite)
    {
        using var runtime = StartRuntime(pipeDirectory: null, startCheckpointAtInit: false);
        var app = runtime.StartApp(["init", "loop:15000:1", "finalize"]);
        var (read, write) = PipePathsOnceInitialized(runtime, app);
        // Left by an earlier process with the same pid, as a crash would leave them (and with other permissions).
        if (staleRead)
        {
            MakeFifo(read);
        }
        if (staleWrite)
        {
            MakeFifo(write);
        }

        runtime.PeerCommand("checkpoint");
        app.WaitForExit(TimeSpan.FromSeconds(60));

        AssertEndedByItself(runtime, app, 0);
        Assert.That(LocalFinishStates(app), Is.EqualTo(new[] { 4 }), runtime.Transcript());
        Assert.That(CheckpointsTaken(app), Is.EqualTo(1));
        Assert.That(runtime.PeerLinesStartingWith("CKPT done"), Has.One.Contains("result=ok"), runtime.Transcript());
        AssertNoPipeFilesLeft(runtime);
    }

    [TestCase("read")]
    [TestCase("write")]
    public void Regular_file_at_a_path_is_refused_and_left_byte_for_byte(string which)
    {
        using var runtime = StartRuntime(pipeDirectory: null, startCheckpointAtInit: false);
        var app = runtime.StartApp(LoopThroughOneFailedCheckpoint);
        var (read, write) = PipePathsOnceInitialized(runtime, app);
        var path = which == "read" ? read : write;
        var content = RandomBytes(4096);
        File.WriteAllBytes(path, content);

        runtime.PeerCommand("checkpoint");
        var noticed = TimeFromSignalToFailure(runtime, app);
        app.WaitForExit(TimeSpan.FromSeconds(60));

        Assert.That(noticed, Is.LessThan(NoticeLimit), runtime.Transcript());
        AssertRefusedWithoutCheckpoint(runtime, app, "exists and is a regular file, not a FIFO");
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(content), "the file is untouched");
        Assert.That(runtime.LeftoverPipeFiles(), Is.EqualTo(new[] { Path.GetFileName(path) }),
            "the regular file stays, and the FIFO made before it was refused is removed");
    }

    [Test]
    public void Symbolic_link_at_a_path_is_refused_even_when_it_points_to_a_FIFO()
    {
        using var runtime = StartRuntime(pipeDirectory: null, startCheckpointAtInit: false);
        var app = runtime.StartApp(LoopThroughOneFailedCheckpoint);
        var (read, _) = PipePathsOnceInitialized(runtime, app);
        var target = Path.Combine(runtime.WorkDir, "elsewhere.fifo");
        MakeFifo(target);
        File.CreateSymbolicLink(read, target);

        runtime.PeerCommand("checkpoint");
        var noticed = TimeFromSignalToFailure(runtime, app);
        app.WaitForExit(TimeSpan.FromSeconds(60));

        Assert.That(noticed, Is.LessThan(NoticeLimit), runtime.Transcript());
        AssertRefusedWithoutCheckpoint(runtime, app, "exists and is a symbolic link, not a FIFO");
        Assert.That(new FileInfo(read).LinkTarget, Is.EqualTo(target), "the link is left as it was");
        Assert.That(IsFifo(target), Is.True, "the FIFO it points to is left as it was");
        Assert.That(runtime.LeftoverPipeFiles(), Is.EqualTo(new[] { Path.GetFileName(read) }));
    }

    /// <param name="pipeDirectory">The FIFO directory both sides use; null for the runtime's own.</param>
    private static ReferenceRuntime StartRuntime(string? pipeDirectory, bool startCheckpointAtInit)
    {
        var environment = Timeouts(Handshake, release: 20, reply: 20);
        if (pipeDirectory is not null)
        {
            environment["OMPI_MCA_opal_cr_tmp_dir"] = pipeDirectory;
        }
        var peer = startCheckpointAtInit ? PeerGivesUpSoon.Concat(["--on", "init=checkpoint"]) : PeerGivesUpSoon;
        return new ReferenceRuntime(peer.ToArray(), environment: environment);
    }

    /// <summary>The FIFO paths of the first checkpoint, once app_coord_init returned (so that no checkpoint has begun).</summary>
    private static (string Read, string Write) PipePathsOnceInitialized(ReferenceRuntime runtime, AppRun app)
    {
        var pid = AppPid(runtime, app);
        var init = WaitForAppLine(runtime, app, l => l.StartsWith("STEP 1 init", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "the init step");
        Assert.That(StepResult.TryParse(init)!.Rc, Is.Zero, runtime.Transcript());
        return PipePaths(runtime.PipeDir, pid, 0);
    }

    /// <summary>From the peer's signal to the library's report that the attempt ended before any local coordinator joined.</summary>
    private static TimeSpan TimeFromSignalToFailure(ReferenceRuntime runtime, AppRun app) => TimeBetween(
        () => runtime.PeerLines, l => l.StartsWith("SIGNAL vpid=0", StringComparison.Ordinal),
        () => app.Lines, l => l.Contains("no local coordinator joined the handshake"),
        TimeSpan.FromSeconds(Handshake) + Slack, runtime);

    private static void AssertRefusedWithoutCheckpoint(ReferenceRuntime runtime, AppRun app, string reason)
    {
        AssertEndedByItself(runtime, app, 0);
        Assert.That(app.Lines, Has.Some.Contains("cannot open the named pipes").And.Contains(reason), runtime.Transcript());
        Assert.That(CheckpointsTaken(app), Is.Zero, "no checkpoint without a handshake");
        Assert.That(LocalFinishStates(app), Is.EqualTo(new[] { 7 }), "the failed attempt is reported: LOCAL_FINISH(ERROR)");
        Assert.That(runtime.PeerLinesStartingWith("FIFO vpid=0 id=0 failed"), Has.Count.EqualTo(1), runtime.Transcript());
    }

    /// <summary>Runs a command; null when it succeeded, else why not.</summary>
    private static string? Run(string[] command)
    {
        try
        {
            var result = ProcessRunner.Run(command[0], command[1..], TimeSpan.FromSeconds(10));
            return result.ExitCode == 0 ? null : $"{string.Join(' ', command)}: {result.Describe()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"{command[0]}: {e.Message}";
        }
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        new Random(count).NextBytes(bytes);
        return bytes;
    }
}

using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using Mono.Unix.Native;
using NativeSnapc.Abi;
using NativeSnapc.Channels;
using NativeSnapc.Channels.Fifo;
using NativeSnapc.Interop;
using NativeSnapc.Tests.Support;
using NUnit.Framework;
using static NativeSnapc.Tests.Channels.FifoTestSupport;

namespace NativeSnapc.Tests.Channels;

/// <summary>
/// The FIFO pair against real FIFOs and a peer that behaves as the local coordinator of
/// docs/protocol.md#local-coordinator-checklist (a thread here; a separate process in
/// <see cref="HandshakePeerProcessTests"/>). Every wait is bounded.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class HandshakePipesTests
{
    private static readonly TimeSpan DeathNoticeLimit = TimeSpan.FromSeconds(1);

    [Test]
    public void Names_are_app_define_pipe_names()
    {
        var pipes = new HandshakePipeFactory().Create("/var/tmp/ckpt", 4242, 7);
        Assert.That(pipes.ReadPath, Is.EqualTo("/var/tmp/ckpt/opal_cr_prog_read.4242_7"));
        Assert.That(pipes.WritePath, Is.EqualTo("/var/tmp/ckpt/opal_cr_prog_write.4242_7"));
        Assert.That(Path.GetFileName(pipes.ReadPath), Does.StartWith(OpalCr.NamedProgRead + "."));
    }

    [Test]
    public void Full_handshake_with_a_thread_peer_carries_native_ints_and_removes_both_fifos()
    {
        var directory = FreshDirectory();
        using var pipes = NewPipes(directory);
        using var peer = OpenWithThreadPeer(pipes);
        // The names stay until stage 3 puts the pair away, as in the original (removing them earlier would put two
        // unlinks on the checkpoint's critical path).
        Assert.That(TypeAt(pipes.ReadPath), Is.EqualTo(FilePermissions.S_IFIFO));
        Assert.That(TypeAt(pipes.WritePath), Is.EqualTo(FilePermissions.S_IFIFO));

        var outcome = AppHandshake.Run(pipes, Patient, step =>
        {
            switch (step)
            {
                case HandshakeStep.Options:
                    peer.WriteOptions(0xfedcba98u, allMigrating: 1, migrating: 0, term: 1, stop: 0, incPrepOnly: 1, incRecoverOnly: 0);
                    break;
                case HandshakeStep.Sentinel:
                    Assert.That(peer.ReadInt(Patient), Is.EqualTo(AppHandshake.ResponseStart));
                    peer.WriteInt(0);
                    break;
                case HandshakeStep.Release:
                    Assert.That(peer.ReadInt(Patient), Is.EqualTo(AppHandshake.CrsContinue));
                    peer.WriteInt(0);
                    break;
            }
        });

        Assert.That(outcome.Reached, Is.EqualTo(HandshakeStep.Done), () => outcome.Result.ToString());
        Assert.That(outcome.Options, Is.EqualTo(new[] { 1, 0, 1, 0, 1, 0 }));
        Assert.That(outcome.Handle, Is.EqualTo(0xfedcba98u));
        Assert.That((outcome.Sentinel, outcome.Release), Is.EqualTo((0, 0)));

        pipes.CloseAndRemove();
        AssertGone(pipes.ReadPath, pipes.WritePath);
    }

    /// <summary>
    /// The local coordinator closes both ends at each step after it sent something. At a read the application is
    /// already waiting and must notice within a second; at a write it meets EPIPE, without SIGPIPE reaching the
    /// process. (Before its first value the application cannot tell a dead local coordinator from a slow one: see
    /// A_peer_that_joins_and_dies_before_the_options_is_a_timeout_within_the_bound.)
    /// </summary>
    [TestCase(HandshakeStep.Response)]
    [TestCase(HandshakeStep.Sentinel)]
    [TestCase(HandshakeStep.FinalState)]
    [TestCase(HandshakeStep.Release)]
    public void Peer_closing_both_ends_is_PeerGone_at_every_step(HandshakeStep deathStep)
    {
        var directory = FreshDirectory();
        using var pipes = NewPipes(directory);
        using var peer = OpenWithThreadPeer(pipes);
        Thread? killer = null;

        var outcome = AppHandshake.Run(pipes, Patient, step =>
        {
            if (step == deathStep)
            {
                if (AppHandshake.IsRead(step))
                {
                    // Dies while the application waits.
                    killer = After(TimeSpan.FromMilliseconds(200), peer.CloseBoth);
                }
                else
                {
                    peer.CloseBoth();
                }
                return;
            }
            switch (step)
            {
                case HandshakeStep.Options:
                    peer.WriteOptions(77);
                    break;
                case HandshakeStep.Sentinel:
                    Assert.That(peer.ReadInt(Patient), Is.EqualTo(AppHandshake.ResponseStart));
                    peer.WriteInt(0);
                    break;
                case HandshakeStep.Release:
                    Assert.That(peer.ReadInt(Patient), Is.EqualTo(AppHandshake.CrsContinue));
                    peer.WriteInt(0);
                    break;
            }
        });
        killer?.Join();

        Assert.That(outcome.Reached, Is.EqualTo(deathStep), () => outcome.Result.ToString());
        Assert.That(outcome.Result.Failure, Is.EqualTo(ChannelFailure.PeerGone), () => outcome.Result.ToString());
        if (AppHandshake.IsRead(deathStep))
        {
            Assert.That(Between(peer.ClosedAt, outcome.FailedAt), Is.LessThan(DeathNoticeLimit));
        }
        else
        {
            Assert.That(outcome.Result.Errno, Is.EqualTo(Libc.EPIPE));
        }
        Assert.That(outcome.Result.Detail, Does.Contain(AppHandshake.IsRead(deathStep) ? pipes.ReadPath : pipes.WritePath));

        pipes.CloseAndRemove();
        AssertGone(pipes.ReadPath, pipes.WritePath);
    }

    [Test]
    public void Open_waits_for_no_one_and_a_peer_that_never_joins_times_out_at_the_first_read_leaving_no_fifo()
    {
        var directory = FreshDirectory();
        using var pipes = NewPipes(directory);
        var bound = TimeSpan.FromMilliseconds(300);

        var opened = pipes.Open();
        Assert.That(opened.Ok, Is.True, opened.ToString());
        Assert.That(pipes.PeerJoined, Is.False);
        // Both names exist for the local coordinator to find, and its opens will not block.
        Assert.That(TypeAt(pipes.ReadPath), Is.EqualTo(FilePermissions.S_IFIFO));
        Assert.That(TypeAt(pipes.WritePath), Is.EqualTo(FilePermissions.S_IFIFO));

        var start = Stopwatch.GetTimestamp();
        var read = pipes.ReadInt32(bound, out _);
        var elapsed = Stopwatch.GetElapsedTime(start);

        Assert.That(read.Failure, Is.EqualTo(ChannelFailure.TimedOut), read.ToString());
        Assert.That(read.Detail, Does.Contain("no local coordinator joined").And.Contain(pipes.ReadPath));
        Assert.That(elapsed, Is.GreaterThanOrEqualTo(bound).And.LessThan(bound + TimeSpan.FromMilliseconds(500)));
        // No FIFO stays for a late local coordinator to block on.
        pipes.CloseAndRemove();
        AssertGone(pipes.ReadPath, pipes.WritePath);
        Assert.That(Directory.EnumerateFileSystemEntries(directory), Is.Empty);
    }

    [Test]
    public void A_peer_that_joins_and_dies_before_the_options_is_a_timeout_within_the_bound()
    {
        var directory = FreshDirectory();
        using var pipes = NewPipes(directory);
        using var peer = OpenWithThreadPeer(pipes);
        peer.CloseBoth();
        var bound = TimeSpan.FromMilliseconds(300);

        var read = pipes.ReadInt32(bound, out _);

        // This process still holds its own reader on B, so the local coordinator's close shows nowhere.
        Assert.That(read.Failure, Is.EqualTo(ChannelFailure.TimedOut), read.ToString());
        Assert.That(pipes.PeerJoined, Is.False);
    }

    [Test]
    public void The_first_value_drops_the_provisional_reader_so_a_later_death_is_PeerGone()
    {
        var directory = FreshDirectory();
        using var pipes = NewPipes(directory);
        using var peer = OpenWithThreadPeer(pipes);
        Assert.That(ReadersOf(pipes.WritePath), Is.EqualTo(2), "ours and the peer's");

        peer.WriteInt(1);
        Assert.That(pipes.ReadInt32(Patient, out var value).Ok && value == 1, Is.True);

        Assert.That(pipes.PeerJoined, Is.True);
        Assert.That(ReadersOf(pipes.WritePath), Is.EqualTo(1), "the peer's only");
        peer.CloseBoth();
        Assert.That(pipes.ReadInt32(Patient, out _).Failure, Is.EqualTo(ChannelFailure.PeerGone));
    }

    /// <summary>Descriptors of this process open for reading on <paramref name="path"/> (by /proc/self/fd and fdinfo).</summary>
    private static int ReadersOf(string path) => Directory.EnumerateFileSystemEntries("/proc/self/fd")
        .Where(link => new FileInfo(link).LinkTarget?.Replace(" (deleted)", "", StringComparison.Ordinal) == path)
        .Count(link => (FdInfoFlags(Path.GetFileName(link)) & 3) == 0);

    [Test]
    public void A_silent_peer_makes_reads_and_writes_time_out_within_the_bound()
    {
        var directory = FreshDirectory();
        using var pipes = NewPipes(directory);
        using var peer = OpenWithThreadPeer(pipes);
        var bound = TimeSpan.FromMilliseconds(250);

        var immediate = pipes.ReadInt32(TimeSpan.Zero, out _);
        Assert.That(immediate.Failure, Is.EqualTo(ChannelFailure.TimedOut), immediate.ToString());

        var start = Stopwatch.GetTimestamp();
        var read = pipes.ReadInt32(bound, out _);
        var elapsed = Stopwatch.GetElapsedTime(start);
        Assert.That(read.Failure, Is.EqualTo(ChannelFailure.TimedOut), read.ToString());
        Assert.That(elapsed, Is.GreaterThanOrEqualTo(bound).And.LessThan(bound + TimeSpan.FromMilliseconds(500)));

        // A peer that never reads: fill the pipe, then one more value cannot go.
        var filled = 0;
        while (pipes.WriteInt32(filled, TimeSpan.Zero).Ok)
        {
            filled++;
            Assert.That(filled, Is.LessThan(1 << 20), "the pipe never filled");
        }
        start = Stopwatch.GetTimestamp();
        var written = pipes.WriteInt32(-1, bound);
        elapsed = Stopwatch.GetElapsedTime(start);
        Assert.That(written.Failure, Is.EqualTo(ChannelFailure.TimedOut), written.ToString());
        Assert.That(elapsed, Is.GreaterThanOrEqualTo(bound).And.LessThan(bound + TimeSpan.FromMilliseconds(500)));
        TestContext.Out.WriteLine($"{filled} ints filled the pipe ({filled * 4} bytes)");

        // The values that went are intact, in order.
        for (var i = 0; i < 3; i++)
        {
            Assert.That(peer.ReadInt(Patient), Is.EqualTo(i));
        }
    }

    [Test]
    public void A_short_write_then_close_is_Truncated()
    {
        var directory = FreshDirectory();
        using var pipes = NewPipes(directory);
        using var peer = OpenWithThreadPeer(pipes);

        peer.WriteBytes(new byte[] { 0x11, 0x22 });
        var killer = After(TimeSpan.FromMilliseconds(100), peer.CloseBoth);
        var read = pipes.ReadInt32(Patient, out _);
        var failedAt = Stopwatch.GetTimestamp();
        killer.Join();

        Assert.That(read.Failure, Is.EqualTo(ChannelFailure.Truncated), read.ToString());
        Assert.That(read.Detail, Does.Contain("2 of 4 bytes"));
        Assert.That(Between(peer.ClosedAt, failedAt), Is.LessThan(DeathNoticeLimit));
        pipes.CloseAndRemove();
        AssertGone(pipes.ReadPath, pipes.WritePath);
    }

    [Test]
    public void A_value_split_across_a_timeout_is_kept_and_completed_by_the_next_read()
    {
        var directory = FreshDirectory();
        using var pipes = NewPipes(directory);
        using var peer = OpenWithThreadPeer(pipes);
        var bytes = BitConverter.GetBytes(0x0a0b0c0d);

        peer.WriteBytes(bytes[..3]);
        var first = pipes.ReadInt32(TimeSpan.FromMilliseconds(100), out _);
        Assert.That(first.Failure, Is.EqualTo(ChannelFailure.TimedOut), first.ToString());
        Assert.That(first.Detail, Does.Contain("3 of 4 bytes"));

        peer.WriteBytes(bytes[3..]);
        peer.WriteInt(99);
        Assert.That(pipes.ReadInt32(Patient, out var value).Ok, Is.True);
        Assert.That(value, Is.EqualTo(0x0a0b0c0d));
        Assert.That(pipes.ReadInt32(Patient, out value).Ok, Is.True);
        Assert.That(value, Is.EqualTo(99));
    }

    [Test]
    public void Data_the_peer_wrote_before_dying_is_still_read()
    {
        var directory = FreshDirectory();
        using var pipes = NewPipes(directory);
        using var peer = OpenWithThreadPeer(pipes);

        peer.WriteInt(5);
        peer.WriteInt(6);
        peer.CloseBoth();

        Assert.That(pipes.ReadInt32(Patient, out var a).Ok && a == 5, Is.True);
        Assert.That(pipes.ReadInt32(Patient, out var b).Ok && b == 6, Is.True);
        // Even with no time to wait, an empty pipe of a dead peer is PeerGone, not TimedOut.
        Assert.That(pipes.ReadInt32(TimeSpan.Zero, out _).Failure, Is.EqualTo(ChannelFailure.PeerGone));
        Assert.That(pipes.ReadInt32(Patient, out _).Failure, Is.EqualTo(ChannelFailure.PeerGone));
    }

    /// <summary>
    /// The real local coordinator writes the release and closes both FIFOs at once, while the application
    /// already waits in poll. One poll pass can then see the write FIFO without a reader but not yet the value
    /// on the read FIFO; the value must still be read, every time (it once failed about once in 10,000 cycles).
    /// </summary>
    [Test]
    public void A_value_written_just_before_the_peer_closes_both_ends_is_always_read()
    {
        const int Cycles = 20000;
        var directory = FreshDirectory();
        using var peer = new WriteAndVanishPeer();
        var random = new Random(20261202);
        for (var cycle = 0; cycle < Cycles; cycle++)
        {
            using var pipes = NewPipes(directory);
            peer.Expect(pipes.ReadPath, pipes.WritePath, value: cycle, spins: random.Next(0, 1500));
            var opened = pipes.Open();
            Assert.That(opened.Ok, Is.True, () => $"cycle {cycle}: Open: {opened}");
            peer.Go();

            var read = pipes.ReadInt32(Patient, out var value);

            Assert.That(read.Ok, Is.True, () => $"cycle {cycle}: a value written before the close was lost: {read}");
            Assert.That(value, Is.EqualTo(cycle));
            Assert.That(peer.WaitDone(Patient), Is.True, $"cycle {cycle}: the peer did not finish");
            Assert.That(pipes.ReadInt32(TimeSpan.Zero, out _).Failure, Is.EqualTo(ChannelFailure.PeerGone));
        }
    }

    /// <summary>A peer thread that joins a pair, then on <see cref="Go"/> writes one int and closes both ends in one step.</summary>
    private sealed unsafe class WriteAndVanishPeer : IDisposable
    {
        private readonly Thread _thread;
        private readonly SemaphoreSlim _expected = new(0);
        private volatile bool _go;
        private readonly SemaphoreSlim _done = new(0);
        private volatile bool _stopping;
        private string _readPath = "";
        private string _writePath = "";
        private int _value;
        private int _spins;

        public WriteAndVanishPeer()
        {
            _thread = new Thread(Run) { IsBackground = true, Name = "write-and-vanish-peer" };
            _thread.Start();
        }

        public void Expect(string readPath, string writePath, int value, int spins)
        {
            (_readPath, _writePath, _value, _spins) = (readPath, writePath, value, spins);
            _expected.Release();
        }

        public void Go() => _go = true;

        public bool WaitDone(TimeSpan bound) => _done.Wait(bound);

        private void Run()
        {
            while (true)
            {
                _expected.Wait();
                if (_stopping)
                {
                    return;
                }
                var deadline = Stopwatch.StartNew();
                int toApp;
                // The application made A and holds it open for reading; B exists once A is open.
                while ((toApp = Syscall.open(_readPath, OpenFlags.O_WRONLY | OpenFlags.O_NONBLOCK)) < 0 && deadline.Elapsed < Patient)
                {
                    Thread.Yield();
                }
                int fromApp;
                while ((fromApp = Syscall.open(_writePath, OpenFlags.O_RDONLY | OpenFlags.O_NONBLOCK)) < 0 && deadline.Elapsed < Patient)
                {
                    Thread.Yield();
                }
                // Awake and spinning, not blocked: the value and the close must be able to land while the
                // application is entering its poll, a microsecond or so after Go.
                while (!_go && deadline.Elapsed < Patient)
                {
                }
                _go = false;
                Thread.SpinWait(_spins);
                var value = _value;
                Syscall.write(toApp, &value, sizeof(int));
                Syscall.close(toApp);
                Syscall.close(fromApp);
                _done.Release();
            }
        }

        public void Dispose()
        {
            _stopping = true;
            _expected.Release();
            _thread.Join(Patient);
        }
    }

    [TestCase(true)]
    [TestCase(false)]
    public void A_regular_file_at_a_fifo_path_is_Refused_and_left_untouched(bool atReadPath)
    {
        var directory = FreshDirectory();
        using var pipes = NewPipes(directory);
        var occupied = atReadPath ? pipes.ReadPath : pipes.WritePath;
        var other = atReadPath ? pipes.WritePath : pipes.ReadPath;
        File.WriteAllText(occupied, "somebody's data\n");

        var opened = pipes.Open();

        Assert.That(opened.Failure, Is.EqualTo(ChannelFailure.Refused), opened.ToString());
        Assert.That(opened.Detail, Does.Contain(occupied).And.Contain("regular file"));
        Assert.That(TypeAt(occupied), Is.EqualTo(FilePermissions.S_IFREG));
        Assert.That(ReadAll(occupied), Is.EqualTo("somebody's data\n"));
        // The FIFO this call made (the read FIFO comes first) did not stay behind.
        AssertGone(other);

        pipes.CloseAndRemove();
        Assert.That(ReadAll(occupied), Is.EqualTo("somebody's data\n"));
    }

    [Test]
    public void A_symbolic_link_at_a_fifo_path_is_Refused_even_when_it_points_at_a_fifo()
    {
        var directory = FreshDirectory();
        using var pipes = NewPipes(directory);
        var target = Path.Combine(directory, "elsewhere.fifo");
        MakeFifo(target);
        File.CreateSymbolicLink(pipes.ReadPath, target);

        var opened = pipes.Open();

        Assert.That(opened.Failure, Is.EqualTo(ChannelFailure.Refused), opened.ToString());
        Assert.That(opened.Detail, Does.Contain("symbolic link"));
        Assert.That(TypeAt(pipes.ReadPath), Is.EqualTo(FilePermissions.S_IFLNK));
        Assert.That(TypeAt(target), Is.EqualTo(FilePermissions.S_IFIFO));
        pipes.CloseAndRemove();
        Assert.That(TypeAt(pipes.ReadPath), Is.EqualTo(FilePermissions.S_IFLNK));
        Assert.That(TypeAt(target), Is.EqualTo(FilePermissions.S_IFIFO));
    }

    [Test]
    public void A_directory_at_the_write_path_is_Refused_and_the_read_fifo_removed()
    {
        var directory = FreshDirectory();
        using var pipes = NewPipes(directory);
        Directory.CreateDirectory(pipes.WritePath);

        var opened = pipes.Open();

        Assert.That(opened.Failure, Is.EqualTo(ChannelFailure.Refused), opened.ToString());
        Assert.That(opened.Detail, Does.Contain("directory"));
        Assert.That(Directory.Exists(pipes.WritePath), Is.True);
        AssertGone(pipes.ReadPath);
    }

    /// <summary>
    /// The FIFO names are predictable and the directory may be shared: a FIFO made by another user, or one that
    /// lets others in (0666), could be held open by someone who then feeds the options or reads the handle. It is
    /// refused, nothing of it is opened or removed, and nothing else is left behind.
    /// </summary>
    [TestCase(true, 65534u, FilePermissions.S_IRUSR | FilePermissions.S_IWUSR, "of user 65534")]
    [TestCase(false, 65534u, FilePermissions.S_IRUSR | FilePermissions.S_IWUSR, "of user 65534")]
    [TestCase(true, 0u, (FilePermissions)0x1b6, "mode 0666")]
    [TestCase(false, 0u, (FilePermissions)0x1b6, "mode 0666")]
    [TestCase(true, 0u, (FilePermissions)0x1b4, "mode 0664")]
    public void A_fifo_of_another_user_or_open_to_others_is_Refused_and_left_untouched(bool atReadPath, uint owner, FilePermissions mode, string named)
    {
        Assume.That(Syscall.geteuid(), Is.EqualTo(0u), "making a FIFO of another user needs root");
        var directory = FreshDirectory();
        using var pipes = NewPipes(directory);
        var planted = atReadPath ? pipes.ReadPath : pipes.WritePath;
        MakeFifo(planted);
        Assert.That(Syscall.chown(planted, owner, owner), Is.EqualTo(0), $"chown: {Stdlib.GetLastError()}");
        Assert.That(Syscall.chmod(planted, mode), Is.EqualTo(0), $"chmod: {Stdlib.GetLastError()}");
        var inode = InodeOf(planted);

        var opened = pipes.Open();

        Assert.That(opened.Failure, Is.EqualTo(ChannelFailure.Refused), opened.ToString);
        Assert.That(opened.Detail, Does.Contain(planted).And.Contain(named).And.Contain("left untouched"));
        Assert.That(TypeAt(planted), Is.EqualTo(FilePermissions.S_IFIFO));
        Assert.That(InodeOf(planted), Is.EqualTo(inode), "the planted FIFO was replaced");
        Assert.That(Syscall.stat(planted, out var status), Is.EqualTo(0));
        Assert.That((status.st_uid, status.st_mode & (FilePermissions)0xfff), Is.EqualTo((owner, mode)), "the planted FIFO was changed");
        AssertGone(atReadPath ? pipes.WritePath : pipes.ReadPath);
    }

    [Test]
    public void Stale_fifos_are_reused_not_recreated_and_removed_at_the_end()
    {
        var directory = FreshDirectory();
        using var pipes = NewPipes(directory);
        MakeFifo(pipes.ReadPath);
        MakeFifo(pipes.WritePath);
        var inodes = (InodeOf(pipes.ReadPath), InodeOf(pipes.WritePath));

        using var peer = OpenWithThreadPeer(pipes);
        // The descriptors this process holds are the stale FIFOs, not new ones.
        Assert.That((InodeOf(pipes.ReadPath), InodeOf(pipes.WritePath)), Is.EqualTo(inodes));
        var held = Directory.EnumerateFileSystemEntries("/proc/self/fd")
            .Select(link => Syscall.stat(link, out var status) == 0 ? (long)status.st_ino : -1)
            .ToHashSet();
        Assert.That(held, Does.Contain(inodes.Item1).And.Contain(inodes.Item2));
        peer.WriteInt(31);
        Assert.That(pipes.ReadInt32(Patient, out var value).Ok && value == 31, Is.True);

        pipes.CloseAndRemove();
        AssertGone(pipes.ReadPath, pipes.WritePath);
    }

    [Test]
    public void A_missing_directory_is_a_SystemError_naming_the_path_and_errno()
    {
        var directory = Path.Combine(FreshDirectory(), "does-not-exist");
        using var pipes = NewPipes(directory);

        var opened = pipes.Open();

        Assert.That(opened.Failure, Is.EqualTo(ChannelFailure.SystemError), opened.ToString());
        Assert.That(opened.Errno, Is.EqualTo(Libc.ENOENT));
        Assert.That(opened.Detail, Does.Contain(pipes.ReadPath).And.Contain("mkfifo").And.Contain("No such file or directory"));
        Assert.That(Directory.Exists(directory), Is.False);
    }

    [Test]
    public void A_directory_path_through_a_regular_file_is_a_SystemError_ENOTDIR()
    {
        var parent = FreshDirectory();
        var file = Path.Combine(parent, "plain-file");
        File.WriteAllText(file, "x");
        using var pipes = NewPipes(file);

        var opened = pipes.Open();

        Assert.That(opened.Failure, Is.EqualTo(ChannelFailure.SystemError), opened.ToString());
        Assert.That(opened.Errno, Is.EqualTo(Libc.ENOTDIR));
        Assert.That(opened.Detail, Does.Contain(pipes.ReadPath).And.Contain("Not a directory"));
        Assert.That(ReadAll(file), Is.EqualTo("x"));
    }

    /// <summary>
    /// EACCES for real: root ignores permissions, so as root the call runs on a thread whose filesystem uid is
    /// "nobody" (setfsuid is per thread on Linux, and leaving uid 0 drops CAP_DAC_OVERRIDE for that thread).
    /// </summary>
    [Test]
    public void An_unwritable_directory_is_a_SystemError_EACCES()
    {
        var directory = FreshDirectory();
        Chmod(directory, FilePermissions.ACCESSPERMS & ~(FilePermissions.S_IWGRP | FilePermissions.S_IWOTH)); // 0755
        using var pipes = NewPipes(directory);
        var asRoot = TestLibc.GetEuid() == 0;
        if (!asRoot)
        {
            Chmod(directory, FilePermissions.S_IRUSR | FilePermissions.S_IXUSR); // 0500
        }

        ChannelResult opened = default;
        var fsuidTaken = -1;
        var thread = new Thread(() =>
        {
            if (asRoot)
            {
                TestLibc.SetFsUid(65534);
                fsuidTaken = TestLibc.SetFsUid(-1); // an invalid id changes nothing and reports the current one
            }
            try
            {
                opened = pipes.Open();
            }
            finally
            {
                if (asRoot)
                {
                    TestLibc.SetFsUid(0);
                }
            }
        });
        thread.Start();
        Assert.That(thread.Join(Patient), Is.True);
        if (!asRoot)
        {
            Chmod(directory, FilePermissions.S_IRWXU);
        }
        else
        {
            Assert.That(fsuidTaken, Is.EqualTo(65534), "setfsuid did not take effect on the test thread");
        }

        Assert.That(opened.Failure, Is.EqualTo(ChannelFailure.SystemError), opened.ToString());
        Assert.That(opened.Errno, Is.EqualTo(Libc.EACCES));
        Assert.That(opened.Detail, Does.Contain(pipes.ReadPath).And.Contain("Permission denied"));
        Assert.That(Directory.EnumerateFileSystemEntries(directory), Is.Empty);
    }

    /// <summary>
    /// A write after the local coordinator died is EPIPE, and the SIGPIPE it raises never reaches the process.
    /// To see a delivery without dying of it, SIGPIPE is pointed at the shim's counting handler for the duration
    /// (armed directly: CheckpointSignal refuses SIGPIPE); a delivered SIGPIPE would set the cell.
    /// </summary>
    [TestCase(false, TestName = "A_write_after_the_reader_died_is_PeerGone_without_SIGPIPE")]
    [TestCase(true, TestName = "A_write_after_the_reader_died_is_PeerGone_without_SIGPIPE_when_the_thread_already_blocked_it")]
    public unsafe void A_write_after_the_reader_died_is_PeerGone_without_SIGPIPE(bool threadAlreadyBlocksSigPipe)
    {
        var directory = FreshDirectory();
        using var pipes = NewPipes(directory);
        using (var peer = OpenWithThreadPeer(pipes))
        {
            // The application writes only after the local coordinator's first value: it has joined then.
            peer.WriteInt(0);
            Assert.That(pipes.ReadInt32(Patient, out _).Ok, Is.True);
            peer.CloseBoth();
        }

        var cell = 0;
        var original = TestLibc.QueryAction(Libc.SIGPIPE);
        Assert.That(Shim.SignalArmed(), Is.EqualTo(0), "the checkpoint handler is armed by another test");
        Assert.That(Shim.SignalArm(Libc.SIGPIPE, &cell), Is.EqualTo(0));
        var counting = new Libc.SignalAction { sa_handler = (nint)Shim.SignalHandlerAddress(), sa_mask = Libc.EmptySignalSet() };
        TestLibc.SetAction(Libc.SIGPIPE, counting);
        var sigPipe = TestLibc.SetOf(Libc.SIGPIPE);
        var maskBefore = default(Libc.SignalSet);
        Assert.That(Libc.PthreadSigMask(threadAlreadyBlocksSigPipe ? Libc.SIG_BLOCK : Libc.SIG_UNBLOCK, &sigPipe, &maskBefore).IsError, Is.False);
        try
        {
            var written = pipes.WriteInt32(4, Patient);

            Assert.That(written.Failure, Is.EqualTo(ChannelFailure.PeerGone), written.ToString());
            Assert.That(written.Errno, Is.EqualTo(Libc.EPIPE));
            Assert.That(TestLibc.IsPending(Libc.SIGPIPE), Is.False, "a SIGPIPE was left pending");
            Assert.That(TestLibc.IsBlocked(Libc.SIGPIPE), Is.EqualTo(threadAlreadyBlocksSigPipe), "the thread's signal mask was not put back");
            Thread.Sleep(50);
            Assert.That(cell, Is.EqualTo(0), "SIGPIPE was delivered");
            Assert.That(Shim.SignalTakeIgnored(), Is.EqualTo((nint)0), "SIGPIPE was delivered");
        }
        finally
        {
            Libc.PthreadSigMask(Libc.SIG_SETMASK, &maskBefore, null);
            TestLibc.SetAction(Libc.SIGPIPE, original);
            Shim.SignalDisarm();
        }
        Assert.That(TestLibc.Differences(original, TestLibc.QueryAction(Libc.SIGPIPE)), Is.Empty);
    }

    [Test]
    public void CloseAndRemove_is_idempotent_and_a_second_call_spares_a_newer_pair_with_the_same_names()
    {
        var directory = FreshDirectory();
        var id = 900_000 + Environment.ProcessId % 1000;
        var first = new HandshakePipes(directory, Environment.ProcessId, id);
        using (OpenWithThreadPeer(first))
        {
            first.CloseAndRemove();
        }
        AssertGone(first.ReadPath, first.WritePath);

        // A newer pair with the same names (a restart starts again at id 0) has made its FIFOs...
        MakeFifo(first.ReadPath);
        MakeFifo(first.WritePath);
        first.CloseAndRemove();
        first.Dispose();
        // ...and a late second call on the old pair leaves them alone.
        Assert.That(TypeAt(first.ReadPath), Is.EqualTo(FilePermissions.S_IFIFO));
        Assert.That(TypeAt(first.WritePath), Is.EqualTo(FilePermissions.S_IFIFO));

        using var second = new HandshakePipes(directory, Environment.ProcessId, id);
        using var peer = OpenWithThreadPeer(second);
        first.CloseAndRemove();
        peer.WriteInt(8);
        Assert.That(second.ReadInt32(Patient, out var value).Ok && value == 8, Is.True);
    }

    [Test]
    public void CloseAndRemove_of_a_pair_never_opened_removes_fifos_but_never_other_files()
    {
        var directory = FreshDirectory();
        var pipes = NewPipes(directory);
        MakeFifo(pipes.ReadPath);
        File.WriteAllText(pipes.WritePath, "keep");

        pipes.CloseAndRemove();

        AssertGone(pipes.ReadPath);
        Assert.That(ReadAll(pipes.WritePath), Is.EqualTo("keep"));
    }

    [Test]
    public void Misuse_is_reported_not_attempted()
    {
        var directory = FreshDirectory();
        using var pipes = NewPipes(directory);

        var read = pipes.ReadInt32(Patient, out _);
        Assert.That((read.Failure, read.Errno), Is.EqualTo((ChannelFailure.SystemError, Libc.EBADF)));
        var written = pipes.WriteInt32(1, Patient);
        Assert.That((written.Failure, written.Errno), Is.EqualTo((ChannelFailure.SystemError, Libc.EBADF)));

        using var peer = OpenWithThreadPeer(pipes);
        Assert.Throws<InvalidOperationException>(() => pipes.Open());
        Assert.Throws<ArgumentOutOfRangeException>(() => pipes.ReadInt32(TimeSpan.FromSeconds(-1), out _));

        pipes.CloseAndRemove();
        read = pipes.ReadInt32(Patient, out _);
        Assert.That((read.Failure, read.Errno), Is.EqualTo((ChannelFailure.SystemError, Libc.EBADF)));
        Assert.Throws<InvalidOperationException>(() => pipes.Open());
    }

    /// <summary>The open flags reach the kernel as meant: read FIFO O_RDWR, write FIFO O_WRONLY, both O_NONBLOCK|O_CLOEXEC.</summary>
    [Test]
    public void The_descriptors_are_non_blocking_and_close_on_exec()
    {
        var directory = FreshDirectory();
        using var pipes = NewPipes(directory);
        using var peer = OpenWithThreadPeer(pipes);

        const int accessMode = 3, readWrite = 2, writeOnly = 1, nonBlock = 0x800, closeOnExec = 0x80000; // octal 03, 02, 01, 04000, 02000000
        var byPath = Directory.EnumerateFileSystemEntries("/proc/self/fd")
            .Select(link => (Fd: Path.GetFileName(link), Target: new FileInfo(link).LinkTarget))
            // Should the names be gone, the links read "<path> (deleted)".
            .Select(entry => (entry.Fd, Target: entry.Target?.Replace(" (deleted)", "", StringComparison.Ordinal)))
            .Where(entry => entry.Target == pipes.ReadPath || entry.Target == pipes.WritePath)
            .Select(entry => (entry.Target, Flags: FdInfoFlags(entry.Fd)))
            .ToList();

        // The peer's own descriptors point at the same paths: tell them apart by access mode.
        Assert.That(byPath.Any(e => e.Target == pipes.ReadPath && (e.Flags & accessMode) == readWrite
                                    && (e.Flags & nonBlock) != 0 && (e.Flags & closeOnExec) != 0),
            Is.True, () => string.Join("\n", byPath.Select(e => $"{e.Target}: 0{Convert.ToString(e.Flags, 8)}")));
        Assert.That(byPath.Any(e => e.Target == pipes.WritePath && (e.Flags & accessMode) == writeOnly
                                    && (e.Flags & nonBlock) != 0 && (e.Flags & closeOnExec) != 0),
            Is.True, () => string.Join("\n", byPath.Select(e => $"{e.Target}: 0{Convert.ToString(e.Flags, 8)}")));
    }

    private static void Chmod(string path, FilePermissions mode) =>
        Assert.That(Syscall.chmod(path, mode), Is.EqualTo(0), () => $"chmod {path}: {Stdlib.GetLastError()}");

    private static int FdInfoFlags(string fd)
    {
        try
        {
            var line = File.ReadLines($"/proc/self/fdinfo/{fd}").First(l => l.StartsWith("flags:", StringComparison.Ordinal));
            return Convert.ToInt32(line["flags:".Length..].Trim(), 8);
        }
        catch (IOException)
        {
            return 0; // a descriptor closed meanwhile (the runtime's own)
        }
    }
}

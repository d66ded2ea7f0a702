using System;
using System.Globalization;
using System.Threading;
using NativeSnapc.Abi;
using NativeSnapc.Diagnostics;
using NativeSnapc.Interop;

namespace NativeSnapc.Channels.Fifo;

/// <summary>
/// Makes <see cref="HandshakePipes"/>; the production <see cref="IHandshakePipeFactory"/>. The pair it made last is
/// handed out again, renamed, once it is closed, so a checkpoint allocates nothing for its FIFOs: a caller asks
/// for the next pair only when it is done with the last one (the coordinator's stage 3 closes, then names the next).
/// </summary>
internal sealed class HandshakePipeFactory : IHandshakePipeFactory
{
    private HandshakePipes? _last;

    public IHandshakePipes Create(string directory, int pid, int uniqueId)
    {
        if (_last is { IsClosed: true } closed)
        {
            closed.Rename(directory, pid, uniqueId);
            return closed;
        }
        return _last = new HandshakePipes(directory, pid, uniqueId);
    }
}

/// <summary>
/// The application side of one checkpoint's FIFO pair, wire-identical to <c>snapc_full_app_notify_reopen_files</c>
/// and the handshake reads and writes of snapc_full_app.c, without its defects (docs/protocol.md, defects 2, 3, 7):
/// <list type="bullet">
/// <item>mkfifo is judged by errno: an existing path is reused only if it is a FIFO of this process's user that
/// grants nothing beyond 0660 (never through a symbolic link); anything else there is
/// <see cref="ChannelFailure.Refused"/> and left alone;</item>
/// <item>both descriptors are non-blocking and every wait is a poll with a bound;</item>
/// <item>the read FIFO is opened O_RDWR as in the original (the local coordinator's O_WRONLY open needs a
/// reader), so reading it never sees end-of-file; the local coordinator's death is seen instead as
/// POLLERR/POLLHUP on the write FIFO, whose only reader it is;</item>
/// <item>a write to a dead peer is EPIPE, reported as <see cref="ChannelFailure.PeerGone"/>, and its SIGPIPE is
/// never delivered (<see cref="SigPipeGuard"/>).</item>
/// </list>
/// Single-threaded use; <see cref="CloseAndRemove"/> is idempotent.
/// </summary>
internal sealed unsafe class HandshakePipes : IHandshakePipes
{
    /// <summary>mkfifo mode 0660, as the original (subject to the umask).</summary>
    public const uint FifoMode = 0x1b0; // S_IRUSR | S_IWUSR | S_IRGRP | S_IWGRP

    // O_NOFOLLOW: a FIFO path is never followed through a symbolic link someone put there.
    private const int ReadFifoFlags = Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC | Libc.O_NOFOLLOW;
    private const int WriteFifoFlags = Libc.O_WRONLY | Libc.O_NONBLOCK | Libc.O_CLOEXEC | Libc.O_NOFOLLOW;

    // The rendezvous (docs/protocol.md#rendezvous-and-blocking) waits for no one: B is opened for reading first, by
    // this process itself (the local coordinator's reader is not there yet), so the non-blocking write open
    // succeeds at once, and so does the local coordinator's O_RDONLY open of B. That reader is dropped when the
    // local coordinator's first value arrives on A (it writes only after opening both): from then on, the loss
    // of its reader on B is how its death shows. The wait for the local coordinator is the first read's poll.
    /// <summary>How long a read looks again for a value (yielding) before it sleeps in poll.</summary>
    private static readonly TimeSpan SpinBeforeSleep = TimeSpan.FromMicroseconds(20);

    private const int ProvisionalReaderFlags = Libc.O_RDONLY | Libc.O_NONBLOCK | Libc.O_CLOEXEC | Libc.O_NOFOLLOW;

    private enum Lifecycle
    {
        Fresh,
        Opened,
        Closed,
    }

    private Lifecycle _lifecycle;
    private int _readFd = -1;
    private int _writeFd = -1;

    // This process's own reader on B until the local coordinator has joined (see ProvisionalReaderFlags).
    private int _provisionalReaderFd = -1;

    // What has been read but not yet taken: a value arriving in pieces stays here across a timed-out read,
    // and values that arrived together (the options block) are taken from here without another read.
    private readonly byte[] _readAhead = new byte[64];
    private int _buffered;

    public HandshakePipes(string directory, int pid, int uniqueId)
    {
        Rename(directory, pid, uniqueId);
    }

    // Encoded once per pair: the FIFOs' paths go to mkfifo, open, lstat and unlink.
    private readonly NativePath _readPath = new(string.Empty);
    private readonly NativePath _writePath = new(string.Empty);

    /// <summary>This process's effective user, asked once per pair: the owner every FIFO used or removed must have.</summary>
    private uint _owner;

    internal bool IsClosed => _lifecycle == Lifecycle.Closed;

    /// <summary>Points a fresh or closed pair at the names of another checkpoint (<c>app_define_pipe_names</c>).</summary>
    /// <exception cref="InvalidOperationException">The pair is open.</exception>
    internal void Rename(string directory, int pid, int uniqueId)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (_lifecycle == Lifecycle.Opened)
        {
            throw new InvalidOperationException($"the handshake pipes {ReadPath} / {WritePath} are open");
        }
        _readPath.AssignFifoName(directory, OpalCr.NamedProgRead, pid, uniqueId);
        _writePath.AssignFifoName(directory, OpalCr.NamedProgWrite, pid, uniqueId);
        _owner = Libc.GetEUid();
        _buffered = 0;
        _lifecycle = Lifecycle.Fresh;
    }

    public string ReadPath => _readPath.Text;

    public string WritePath => _writePath.Text;

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The pair was opened or closed before: each checkpoint gets a new pair from the factory.</exception>
    public ChannelResult Open()
    {
        if (_lifecycle != Lifecycle.Fresh)
        {
            throw new InvalidOperationException($"the handshake pipes {ReadPath} / {WritePath} were already {(_lifecycle == Lifecycle.Opened ? "opened" : "closed")}");
        }
        var result = OpenBoth();
        if (result.Ok)
        {
            _lifecycle = Lifecycle.Opened;
        }
        else
        {
            // Nothing stays open, and no FIFO stays behind for a late local coordinator to block on.
            CloseAndRemove();
        }
        return result;
    }

    /// <inheritdoc />
    public void RemoveNames()
    {
        if (_lifecycle == Lifecycle.Opened)
        {
            RemoveIfFifo(_readPath);
            RemoveIfFifo(_writePath);
        }
    }

    /// <inheritdoc />
    public bool PeerJoined => _lifecycle == Lifecycle.Opened && _provisionalReaderFd < 0;

    private ChannelResult OpenBoth()
    {
        var made = MakeFifo(_readPath);
        if (!made.Ok)
        {
            return made;
        }
        var opened = OpenFifo(_readPath, ReadFifoFlags, out _readFd);
        if (!opened.Ok)
        {
            return opened;
        }
        made = MakeFifo(_writePath);
        if (!made.Ok)
        {
            return made;
        }
        opened = OpenFifo(_writePath, ProvisionalReaderFlags, out _provisionalReaderFd);
        if (!opened.Ok)
        {
            return opened;
        }
        // A reader is there (ours), so this does not wait for the local coordinator.
        return OpenFifo(_writePath, WriteFifoFlags, out _writeFd);
    }

    /// <summary>mkfifo judged by errno (the original treated every -1 as "already exists").</summary>
    private ChannelResult MakeFifo(NativePath path)
    {
        // A path that vanishes between mkfifo's EEXIST and lstat is simply made again; give up after a few rounds.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var error = Libc.MkFifo(path, FifoMode);
            if (!error.IsError)
            {
                return ChannelResult.Success;
            }
            if (error.RawErrno != Libc.EEXIST)
            {
                return ChannelResult.Fail(ChannelFailure.SystemError,
                    $"cannot create the FIFO {path}: mkfifo failed: {error.Message}", error.RawErrno);
            }

            var examined = Libc.LStat(path, out var status);
            if (examined.RawErrno == Libc.ENOENT)
            {
                continue;
            }
            if (examined.IsError)
            {
                return ChannelResult.Fail(ChannelFailure.SystemError,
                    $"cannot examine the existing {path}: lstat failed: {examined.Message}", examined.RawErrno);
            }
            var type = Libc.FileType(status);
            if (type == Libc.S_IFIFO)
            {
                var foreign = RefuseForeignFifo(path, status);
                if (!foreign.Ok)
                {
                    return foreign;
                }
                Log.Verbose(10, $"App) notify_reopen_files: mkfifo failed because file ({path}) already exists, attempting to use this pipe.");
                return ChannelResult.Success;
            }
            return ChannelResult.Fail(ChannelFailure.Refused,
                $"{path} exists and is {DescribeFileType(type)}, not a FIFO; it is left untouched");
        }
        return ChannelResult.Fail(ChannelFailure.SystemError,
            $"cannot create the FIFO {path}: it keeps appearing and disappearing", Libc.EEXIST);
    }

    private ChannelResult OpenFifo(NativePath path, int flags, out int fd)
    {
        var error = Libc.Open(path, flags, out fd);
        if (error.IsError)
        {
            return OpenFailure(path, error);
        }
        return VerifyFifo(path, fd);
    }

    /// <summary>
    /// What was opened must be one of our FIFOs: the path could have been replaced after mkfifo or lstat looked
    /// at it.
    /// </summary>
    private ChannelResult VerifyFifo(NativePath path, int fd)
    {
        var error = Libc.FStat(fd, out var status);
        if (error.IsError)
        {
            return ChannelResult.Fail(ChannelFailure.SystemError, $"cannot examine the opened {path}: fstat failed: {error.Message}", error.RawErrno);
        }
        var type = Libc.FileType(status);
        return type == Libc.S_IFIFO
            ? RefuseForeignFifo(path, status)
            : ChannelResult.Fail(ChannelFailure.Refused, $"{path} was replaced by {DescribeFileType(type)} while it was being opened; it is left untouched");
    }

    /// <summary>
    /// The names are predictable and the directory may be shared (/tmp by default): a FIFO someone else made and
    /// holds open could feed this process the options (term) or read its handle. Only a FIFO of this process's
    /// user that grants nothing beyond the original's 0660 is used — or removed.
    /// </summary>
    private ChannelResult RefuseForeignFifo(NativePath path, in Libc.Stat status)
    {
        const uint PermissionBits = 0xfff; // 07777: permissions, setuid, setgid, sticky
        var owner = _owner;
        var mode = status.st_mode & PermissionBits;
        if (status.st_uid != owner)
        {
            return ChannelResult.Fail(ChannelFailure.Refused,
                $"{path} is a FIFO of user {status.st_uid}, not of this process's user {owner}: refusing a FIFO someone else made; it is left untouched");
        }
        if ((mode & ~FifoMode) != 0)
        {
            return ChannelResult.Fail(ChannelFailure.Refused,
                $"{path} is a FIFO with mode 0{Convert.ToString(mode, 8)}, which grants more than 0660: refusing a FIFO others may use; it is left untouched");
        }
        return ChannelResult.Success;
    }

    private static ChannelResult OpenFailure(NativePath path, ErrorInfo error) => error.RawErrno == Libc.ELOOP
        ? ChannelResult.Fail(ChannelFailure.Refused, $"{path} is a symbolic link, not a FIFO; it is left untouched")
        : ChannelResult.Fail(ChannelFailure.SystemError, $"cannot open the FIFO {path}: {error.Message}", error.RawErrno);

    /// <inheritdoc />
    public ChannelResult ReadInt32(TimeSpan bound, out int value)
    {
        value = 0;
        if (_lifecycle != Lifecycle.Opened)
        {
            return NotOpen();
        }
        var deadline = Deadline.After(bound);
        // The read FIFO for data; the write FIFO, with no events asked, for POLLERR/POLLHUP: its only reader is the peer.
        Span<Libc.PollFd> fds = stackalloc Libc.PollFd[2];
        fds[0] = new Libc.PollFd { fd = _readFd, events = Libc.POLLIN };
        fds[1] = new Libc.PollFd { fd = _writeFd, events = 0 };

        // Set when the write FIFO lost its reader. The peer is only taken for gone once a read after that finds
        // the pipe empty: poll looks at the descriptors one after the other, so it can see the peer's close of
        // the write FIFO and yet not the value it wrote to the read FIFO just before (the release, at the end).
        var readerGone = false;
        var spinning = Deadline.After(bound < SpinBeforeSleep ? bound : SpinBeforeSleep);
        while (_buffered < sizeof(int))
        {
            // Whatever is already in the pipe comes first (a peer may write its values and then exit); the
            // values that arrive together — the options block and the handle — are taken in one read.
            int received;
            ErrorInfo error;
            var room = _readAhead.Length - _buffered;
            fixed (byte* buffer = _readAhead)
            {
                error = Libc.Read(_readFd, buffer + _buffered, room, out received);
            }
            if (!error.IsError)
            {
                if (received == 0)
                {
                    // End of file cannot happen while this process holds a writer on the read FIFO; if it does, nobody can write any more.
                    return PeerGoneWhileReading("end of file");
                }
                _buffered += received;
                // The local coordinator has opened B for reading before it wrote anything: ours can go.
                CloseDescriptor(ref _provisionalReaderFd, _writePath);
                if (_buffered >= sizeof(int) || received == room)
                {
                    continue;
                }
                // A short read emptied the pipe: wait for more without another read that would say EAGAIN.
            }
            else if (error.RawErrno != Libc.EAGAIN)
            {
                return ChannelResult.Fail(ChannelFailure.SystemError, $"cannot read from {ReadPath}: {error.Message}", error.RawErrno);
            }
            if (readerGone)
            {
                return PeerGoneWhileReading($"{WritePath} has no reader");
            }
            if (!spinning.Expired)
            {
                // The local coordinator answers within microseconds when it is running: look again, letting it
                // run, before sleeping in poll — a sleeping reader costs the writer a wake-up on every value.
                Libc.SchedYield();
                continue;
            }

            // Polled even when no time is left (timeout 0): a dead peer is PeerGone, not TimedOut.
            fds[0].revents = 0;
            fds[1].revents = 0;
            var polled = Libc.Poll(fds, deadline.RemainingPollMilliseconds, out _);
            if (polled.IsError)
            {
                return ChannelResult.Fail(ChannelFailure.SystemError, $"cannot wait for {ReadPath}: poll failed: {polled.Message}", polled.RawErrno);
            }
            if ((fds[0].revents & Libc.POLLIN) != 0)
            {
                continue;
            }
            if ((fds[0].revents & Libc.POLLNVAL) != 0 || (fds[1].revents & Libc.POLLNVAL) != 0)
            {
                return ChannelResult.Fail(ChannelFailure.SystemError, $"the descriptors of {ReadPath} / {WritePath} are no longer valid", Libc.EBADF);
            }
            if ((fds[1].revents & (Libc.POLLERR | Libc.POLLHUP)) != 0)
            {
                readerGone = true;
                continue;
            }
            if (deadline.Expired)
            {
                return ChannelResult.Fail(ChannelFailure.TimedOut, _provisionalReaderFd >= 0
                    ? $"no local coordinator joined the handshake on {ReadPath} within {Describe(deadline.Bound)}"
                    : $"no value arrived on {ReadPath} within {Describe(deadline.Bound)}{PartialNote()}");
            }
        }

        value = BitConverter.ToInt32(_readAhead, 0); // native-endian, as the peer wrote it
        _buffered -= sizeof(int);
        Array.Copy(_readAhead, sizeof(int), _readAhead, 0, _buffered);
        return ChannelResult.Success;
    }

    private ChannelResult PeerGoneWhileReading(string evidence) => _buffered > 0
        ? ChannelResult.Fail(ChannelFailure.Truncated,
            $"the local coordinator went away after sending {_buffered} of 4 bytes of a value on {ReadPath} ({evidence})")
        : ChannelResult.Fail(ChannelFailure.PeerGone,
            $"the local coordinator went away while this process waited on {ReadPath} ({evidence})");

    private string PartialNote() => _buffered > 0 ? $" ({_buffered} of 4 bytes received)" : "";

    /// <inheritdoc />
    public ChannelResult WriteInt32(int value, TimeSpan bound)
    {
        if (_lifecycle != Lifecycle.Opened)
        {
            return NotOpen();
        }
        var deadline = Deadline.After(bound);
        Span<Libc.PollFd> fds = stackalloc Libc.PollFd[1];
        fds[0] = new Libc.PollFd { fd = _writeFd, events = Libc.POLLOUT };
        var bytes = (byte*)&value;
        var sent = 0;
        while (sent < sizeof(int))
        {
            var error = SigPipeGuard.Write(_writeFd, bytes + sent, sizeof(int) - sent, out var written);
            if (!error.IsError)
            {
                // 4 bytes are below PIPE_BUF, so a pipe takes them whole; the loop only guards the general case.
                sent += written;
                continue;
            }
            if (error.RawErrno == Libc.EPIPE)
            {
                return ChannelResult.Fail(ChannelFailure.PeerGone,
                    $"the local coordinator closed {WritePath} (write: {error.Message}){(sent > 0 ? $" after {sent} of 4 bytes" : "")}", error.RawErrno);
            }
            if (error.RawErrno != Libc.EAGAIN)
            {
                return ChannelResult.Fail(ChannelFailure.SystemError, $"cannot write to {WritePath}: {error.Message}", error.RawErrno);
            }

            if (deadline.Expired)
            {
                return ChannelResult.Fail(ChannelFailure.TimedOut,
                    $"the local coordinator did not make room on {WritePath} within {Describe(deadline.Bound)}");
            }
            fds[0].revents = 0;
            var polled = Libc.Poll(fds, deadline.RemainingPollMilliseconds, out _);
            if (polled.IsError)
            {
                return ChannelResult.Fail(ChannelFailure.SystemError, $"cannot wait for {WritePath}: poll failed: {polled.Message}", polled.RawErrno);
            }
            if ((fds[0].revents & Libc.POLLNVAL) != 0)
            {
                return ChannelResult.Fail(ChannelFailure.SystemError, $"the descriptor of {WritePath} is no longer valid", Libc.EBADF);
            }
            // POLLOUT: room; POLLERR: no reader, and the next write says EPIPE. Either way, write again.
        }
        return ChannelResult.Success;
    }

    private ChannelResult NotOpen() => ChannelResult.Fail(ChannelFailure.SystemError,
        $"the handshake pipes {ReadPath} / {WritePath} are {(_lifecycle == Lifecycle.Fresh ? "not open yet" : "closed")}", Libc.EBADF);

    /// <inheritdoc />
    public void CloseAndRemove()
    {
        // Once only: a later call must not remove FIFOs a newer pair with the same names has made since.
        if (_lifecycle == Lifecycle.Closed)
        {
            return;
        }
        _lifecycle = Lifecycle.Closed;
        CloseDescriptor(ref _readFd, _readPath);
        CloseDescriptor(ref _provisionalReaderFd, _writePath);
        CloseDescriptor(ref _writeFd, _writePath);
        RemoveIfFifo(_readPath);
        RemoveIfFifo(_writePath);
        _buffered = 0;
    }

    public void Dispose() => CloseAndRemove();

    private static void CloseDescriptor(ref int fd, NativePath path)
    {
        var toClose = Interlocked.Exchange(ref fd, -1);
        if (toClose < 0)
        {
            return;
        }
        var error = Libc.Close(toClose);
        if (error.IsError)
        {
            Log.Error($"App) Error: cannot close the descriptor of {path}: {error}");
        }
    }

    private void RemoveIfFifo(NativePath path)
    {
        var examined = Libc.LStat(path, out var status);
        if (examined.RawErrno == Libc.ENOENT)
        {
            return;
        }
        if (examined.IsError)
        {
            Log.Error($"App) Error: cannot examine {path} before removing it: {examined}");
            return;
        }
        if (Libc.FileType(status) != Libc.S_IFIFO || !RefuseForeignFifo(path, status).Ok)
        {
            return;
        }
        var removed = Libc.Unlink(path);
        if (removed.IsError && removed.RawErrno != Libc.ENOENT)
        {
            Log.Error($"App) Error: cannot remove the FIFO {path}: {removed}");
        }
    }

    private static string DescribeFileType(uint type) => type switch
    {
        Libc.S_IFREG => "a regular file",
        Libc.S_IFDIR => "a directory",
        Libc.S_IFLNK => "a symbolic link",
        Libc.S_IFIFO => "a FIFO",
        _ => $"a file of type 0{Convert.ToString(type, 8)}",
    };

    private static string Describe(TimeSpan bound) => bound.TotalSeconds >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{bound.TotalSeconds:0.###} s")
        : string.Create(CultureInfo.InvariantCulture, $"{bound.TotalMilliseconds:0.###} ms");
}

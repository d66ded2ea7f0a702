using System;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static unsafe partial class Libc
{
    [LibcName("POLLIN")] public const short POLLIN = 0x001;
    [LibcName("POLLOUT")] public const short POLLOUT = 0x004;
    [LibcName("POLLERR")] public const short POLLERR = 0x008;
    [LibcName("POLLHUP")] public const short POLLHUP = 0x010;
    [LibcName("POLLNVAL")] public const short POLLNVAL = 0x020;

    /// <summary><c>struct pollfd</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    [LibcName("struct pollfd")]
    public struct PollFd
    {
        public int fd;
        public short events;
        public short revents;
    }

    /// <summary><c>int poll(struct pollfd *fds, nfds_t nfds, int timeout)</c>.</summary>
    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int PollRaw(PollFd* fds, nuint count, int timeout);

    /// <summary>
    /// <c>poll(2)</c> directly (no per-call conversion of the descriptor array: it runs several times in every
    /// checkpoint). EINTR is retried with the time that is left, so a signal neither ends the wait early nor
    /// stretches it. <paramref name="timeoutMilliseconds"/> must not be negative (every wait is bounded).
    /// </summary>
    public static ErrorInfo Poll(Span<PollFd> fds, int timeoutMilliseconds, out int ready)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(timeoutMilliseconds);
        var start = Stopwatch.GetTimestamp();
        var timeout = timeoutMilliseconds;
        fixed (PollFd* pointer = fds)
        {
            while (true)
            {
                ready = PollRaw(pointer, (nuint)fds.Length, timeout);
                if (ready >= 0)
                {
                    return default;
                }
                var error = ErrorInfo.Last();
                if (error.RawErrno != EINTR)
                {
                    ready = 0;
                    return error;
                }
                var elapsed = (long)Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                timeout = (int)Math.Max(0, timeoutMilliseconds - elapsed);
            }
        }
    }
}

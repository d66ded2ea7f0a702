using System;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace NativeSnapc.Command.Interop;

internal static unsafe partial class Libc
{
    [LibcName("POLLIN")] public const short POLLIN = 0x001;
    [LibcName("POLLOUT")] public const short POLLOUT = 0x004;
    [LibcName("POLLERR")] public const short POLLERR = 0x008;
    [LibcName("POLLHUP")] public const short POLLHUP = 0x010;
    [LibcName("POLLNVAL")] public const short POLLNVAL = 0x020;

    /// <summary><c>struct pollfd</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int fd;
        public short events;
        public short revents;
    }

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int PollRaw(PollFd* fds, nuint count, int timeout);

    /// <summary><c>poll(2)</c> with a bounded, non-negative timeout; EINTR retried with the time left.</summary>
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
                timeout = (int)Math.Max(0, timeoutMilliseconds - (long)Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }
    }
}

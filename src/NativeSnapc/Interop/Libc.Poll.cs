using System;
using System.Diagnostics;
using Mono.Unix.Native;

namespace NativeSnapc.Interop;

internal static partial class Libc
{
    /// <summary>
    /// <c>poll(2)</c> through Mono.Posix (Syscall.poll, which maps the event bits in libMonoPosixHelper;
    /// verified under NativeAOT). EINTR is retried with the time that is left, so a signal neither ends the
    /// wait early nor stretches it. <paramref name="timeoutMilliseconds"/> must not be negative (every wait is bounded).
    /// </summary>
    public static ErrorInfo Poll(Pollfd[] fds, int timeoutMilliseconds, out int ready)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(timeoutMilliseconds);
        var start = Stopwatch.GetTimestamp();
        var timeout = timeoutMilliseconds;
        while (true)
        {
            ready = Syscall.poll(fds, (uint)fds.Length, timeout);
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

using Mono.Unix.Native;

namespace NativeSnapc.Interop;

internal static unsafe partial class Libc
{
    /// <summary>
    /// <c>send(2)</c> with MSG_NOSIGNAL | MSG_DONTWAIT through Mono.Posix; EINTR retried. A full socket is EAGAIN
    /// (the caller polls, with a bound); a peer that closed its end is EPIPE, never a SIGPIPE: the process's
    /// SIGPIPE disposition belongs to the host.
    /// </summary>
    public static ErrorInfo Send(int fd, byte* buffer, int count, out int bytesSent)
    {
        while (true)
        {
            var result = Syscall.send(fd, buffer, (ulong)count, MessageFlags.MSG_NOSIGNAL | MessageFlags.MSG_DONTWAIT);
            if (result >= 0)
            {
                bytesSent = (int)result;
                return default;
            }
            var error = ErrorInfo.Last();
            if (error.RawErrno != EINTR)
            {
                bytesSent = 0;
                return error;
            }
        }
    }
}

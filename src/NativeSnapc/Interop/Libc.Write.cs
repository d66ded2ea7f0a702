using Mono.Unix.Native;

namespace NativeSnapc.Interop;

internal static unsafe partial class Libc
{
    /// <summary>
    /// <c>write(2)</c> through Mono.Posix (Syscall.write); EINTR retried. A write to a pipe without readers
    /// fails with EPIPE and raises SIGPIPE: callers that can meet one block SIGPIPE around it
    /// (see <see cref="Channels.Fifo.SigPipeGuard"/>).
    /// </summary>
    public static ErrorInfo Write(int fd, byte* buffer, int count, out int bytesWritten)
    {
        while (true)
        {
            var result = Syscall.write(fd, buffer, (ulong)count);
            if (result >= 0)
            {
                bytesWritten = (int)result;
                return default;
            }
            var error = ErrorInfo.Last();
            if (error.RawErrno != EINTR)
            {
                bytesWritten = 0;
                return error;
            }
        }
    }
}

using Mono.Unix.Native;

namespace NativeSnapc.Interop;

internal static unsafe partial class Libc
{
    /// <summary><c>recv(2)</c> through Mono.Posix; EINTR retried. 0 bytes means the peer closed its end.</summary>
    public static ErrorInfo Recv(int fd, byte* buffer, int count, out int bytesReceived)
    {
        while (true)
        {
            var result = Syscall.recv(fd, buffer, (ulong)count, 0);
            if (result >= 0)
            {
                bytesReceived = (int)result;
                return default;
            }
            var error = ErrorInfo.Last();
            if (error.RawErrno != EINTR)
            {
                bytesReceived = 0;
                return error;
            }
        }
    }
}

using Mono.Unix.Native;

namespace NativeSnapc.Interop;

internal static unsafe partial class Libc
{
    /// <summary><c>read(2)</c> through Mono.Posix (Syscall.read); EINTR retried. 0 bytes means end of file.</summary>
    public static ErrorInfo Read(int fd, byte* buffer, int count, out int bytesRead)
    {
        while (true)
        {
            var result = Syscall.read(fd, buffer, (ulong)count);
            if (result >= 0)
            {
                bytesRead = (int)result;
                return default;
            }
            var error = ErrorInfo.Last();
            if (error.RawErrno != EINTR)
            {
                bytesRead = 0;
                return error;
            }
        }
    }
}

using Mono.Unix.Native;

namespace NativeSnapc.Interop;

internal static partial class Libc
{
    /// <summary><c>fstat(2)</c> through Mono.Posix: what an open descriptor really refers to.</summary>
    public static ErrorInfo FStat(int fd, out Stat status)
    {
        while (true)
        {
            if (Syscall.fstat(fd, out status) == 0)
            {
                return default;
            }
            var error = ErrorInfo.Last();
            if (error.RawErrno != EINTR)
            {
                return error;
            }
        }
    }
}

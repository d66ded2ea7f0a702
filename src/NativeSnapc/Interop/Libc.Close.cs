using Mono.Unix.Native;

namespace NativeSnapc.Interop;

internal static partial class Libc
{
    /// <summary>
    /// <c>close(2)</c> through Mono.Posix (a plain libc import). Deliberately not retried on EINTR: Linux
    /// releases the descriptor before reporting it, so a retry could close a descriptor another thread
    /// has just been given.
    /// </summary>
    public static ErrorInfo Close(int fd)
    {
        if (Syscall.close(fd) == 0)
        {
            return default;
        }
        var error = ErrorInfo.Last();
        return error.RawErrno == EINTR ? default : error;
    }
}

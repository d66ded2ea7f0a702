using Mono.Unix.Native;

namespace NativeSnapc.Interop;

internal static partial class Libc
{
    /// <summary>
    /// <c>open(2)</c> without O_CREAT through Mono.Posix (Syscall.open, which maps the flags in
    /// libMonoPosixHelper; verified under NativeAOT, O_CLOEXEC and O_NOFOLLOW included). EINTR (a blocking
    /// FIFO open interrupted by a signal) is retried.
    /// </summary>
    public static ErrorInfo Open(string path, OpenFlags flags, out int fd)
    {
        while (true)
        {
            fd = Syscall.open(path, flags);
            if (fd >= 0)
            {
                return default;
            }
            var error = ErrorInfo.Last();
            if (error.RawErrno != EINTR)
            {
                fd = -1;
                return error;
            }
        }
    }
}

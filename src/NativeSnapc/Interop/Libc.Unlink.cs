using Mono.Unix.Native;

namespace NativeSnapc.Interop;

internal static partial class Libc
{
    /// <summary><c>unlink(2)</c> through Mono.Posix (a plain libc import).</summary>
    public static ErrorInfo Unlink(string path)
    {
        while (true)
        {
            if (Syscall.unlink(path) == 0)
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

using Mono.Unix.Native;

namespace NativeSnapc.Interop;

internal static partial class Libc
{
    /// <summary>
    /// <c>mkfifo(3)</c> through Mono.Posix (Syscall.mkfifo; verified under NativeAOT). The mode is subject
    /// to the umask, as in the original.
    /// </summary>
    public static ErrorInfo MkFifo(string path, FilePermissions mode)
    {
        while (true)
        {
            if (Syscall.mkfifo(path, mode) == 0)
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

using Mono.Unix.Native;

namespace NativeSnapc.Interop;

internal static partial class Libc
{
    /// <summary><c>socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)</c> through Mono.Posix.</summary>
    public static ErrorInfo SocketUnixStream(out int fd)
    {
        fd = Syscall.socket(UnixAddressFamily.AF_UNIX, UnixSocketType.SOCK_STREAM, UnixSocketFlags.SOCK_CLOEXEC, 0);
        if (fd >= 0)
        {
            return default;
        }
        var error = ErrorInfo.Last();
        fd = -1;
        return error;
    }
}

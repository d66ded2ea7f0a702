using Mono.Unix.Native;

namespace NativeSnapc.Interop;

internal static partial class Libc
{
    /// <summary>
    /// <c>connect(2)</c> of a Unix stream socket to <paramref name="path"/> through Mono.Posix. An interrupted
    /// connect goes on in the background; it is not retried (a retry would say EALREADY), the caller's retry
    /// loop connects again on a new socket.
    /// </summary>
    public static ErrorInfo ConnectUnix(int fd, string path) =>
        Syscall.connect(fd, new SockaddrUn(path)) == 0 ? default : ErrorInfo.Last();
}

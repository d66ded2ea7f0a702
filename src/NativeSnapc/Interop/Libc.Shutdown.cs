using Mono.Unix.Native;

namespace NativeSnapc.Interop;

internal static partial class Libc
{
    /// <summary><c>shutdown(fd, SHUT_RDWR)</c> through Mono.Posix: a thread blocked reading the socket wakes up with end of file.</summary>
    public static ErrorInfo ShutdownBoth(int fd) =>
        Syscall.shutdown(fd, ShutdownOption.SHUT_RDWR) == 0 ? default : ErrorInfo.Last();
}

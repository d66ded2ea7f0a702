using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static partial class Libc
{
    [LibcName("LOCK_EX")] public const int LOCK_EX = 2;
    [LibcName("LOCK_NB")] public const int LOCK_NB = 4;
    [LibcName("LOCK_UN")] public const int LOCK_UN = 8;
    [LibcName("EWOULDBLOCK")] public const int EWOULDBLOCK = 11;

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int FlockRaw(int fd, int operation);

    /// <summary><c>flock(2)</c>; EINTR retried. With LOCK_NB a held lock is EWOULDBLOCK.</summary>
    public static ErrorInfo Flock(int fd, int operation)
    {
        while (true)
        {
            if (FlockRaw(fd, operation) == 0)
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

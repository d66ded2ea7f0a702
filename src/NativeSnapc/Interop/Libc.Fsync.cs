using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static partial class Libc
{
    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FsyncRaw(int fd);

    /// <summary><c>fsync(2)</c>: the file's data and metadata (or a directory's entries) on stable storage. EINTR retried.</summary>
    public static ErrorInfo Fsync(int fd)
    {
        while (true)
        {
            if (FsyncRaw(fd) == 0)
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

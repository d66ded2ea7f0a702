using Mono.Unix.Native;

namespace NativeSnapc.Interop;

internal static partial class Libc
{
    /// <summary><c>lstat(2)</c> through Mono.Posix (the helper converts struct stat): a symbolic link is reported as itself.</summary>
    public static ErrorInfo LStat(string path, out Stat status)
    {
        while (true)
        {
            if (Syscall.lstat(path, out status) == 0)
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

    /// <summary>The file type bits of a <see cref="Stat"/> mode.</summary>
    public static FilePermissions FileType(in Stat status) => status.st_mode & FilePermissions.S_IFMT;
}

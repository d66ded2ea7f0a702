using System.Runtime.InteropServices;

namespace NativeSnapc.Command.Interop;

internal static unsafe partial class Libc
{
    [LibcName("O_RDONLY")] public const int O_RDONLY = 0x0;
    [LibcName("O_WRONLY")] public const int O_WRONLY = 0x1;
    [LibcName("O_RDWR")] public const int O_RDWR = 0x2;
    [LibcName("O_CREAT")] public const int O_CREAT = 0x40;
    [LibcName("O_APPEND")] public const int O_APPEND = 0x400;
    [LibcName("O_NONBLOCK")] public const int O_NONBLOCK = 0x800;
    [LibcName("O_NOFOLLOW")] public const int O_NOFOLLOW = 0x20000;
    [LibcName("O_CLOEXEC")] public const int O_CLOEXEC = 0x80000;

    // open is variadic; the mode argument is passed always (read by glibc only with O_CREAT), as Mono.Posix does.
    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenRaw(string path, int flags, uint mode);

    /// <summary><c>open(2)</c>; EINTR retried. Every descriptor the command opens should carry O_CLOEXEC.</summary>
    public static ErrorInfo Open(string path, int flags, out int fd, uint mode = 0)
    {
        while (true)
        {
            fd = OpenRaw(path, flags, mode);
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

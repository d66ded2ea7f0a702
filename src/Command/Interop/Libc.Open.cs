using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static unsafe partial class Libc
{
    // open is variadic. The library calls it through its C shim, which the command does not link; here the mode
    // argument is passed always (read by glibc only with O_CREAT), as Mono.Posix does. The flags are the library's
    // (src/NativeSnapc/Interop/Libc.OpenFlags.cs, compiled in).
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

using System.Runtime.InteropServices;

namespace NativeSnapc.Command.Interop;

internal static unsafe partial class Libc
{
    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint ReadRaw(int fd, byte* buffer, nuint count);

    /// <summary><c>read(2)</c>; EINTR retried. 0 bytes read means end of file.</summary>
    public static ErrorInfo Read(int fd, byte* buffer, int count, out int bytesRead)
    {
        while (true)
        {
            var result = ReadRaw(fd, buffer, (nuint)count);
            if (result >= 0)
            {
                bytesRead = (int)result;
                return default;
            }
            var error = ErrorInfo.Last();
            if (error.RawErrno != EINTR)
            {
                bytesRead = 0;
                return error;
            }
        }
    }
}

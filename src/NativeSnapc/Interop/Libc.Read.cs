using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static unsafe partial class Libc
{
    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint ReadRaw(int fd, byte* buffer, nuint count);

    /// <summary>
    /// <c>read(2)</c>, bound at link time (it runs several times in every checkpoint); EINTR retried. 0 bytes
    /// means end of file.
    /// </summary>
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

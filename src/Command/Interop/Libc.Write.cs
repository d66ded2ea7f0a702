using System.Runtime.InteropServices;

namespace NativeSnapc.Command.Interop;

internal static unsafe partial class Libc
{
    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint WriteRaw(int fd, byte* buffer, nuint count);

    /// <summary>
    /// <c>write(2)</c>; EINTR retried. The command ignores SIGPIPE (the .NET runtime does at start), so a
    /// reader that went away is EPIPE here.
    /// </summary>
    public static ErrorInfo Write(int fd, byte* buffer, int count, out int bytesWritten)
    {
        while (true)
        {
            var result = WriteRaw(fd, buffer, (nuint)count);
            if (result >= 0)
            {
                bytesWritten = (int)result;
                return default;
            }
            var error = ErrorInfo.Last();
            if (error.RawErrno != EINTR)
            {
                bytesWritten = 0;
                return error;
            }
        }
    }
}

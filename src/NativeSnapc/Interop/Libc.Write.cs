using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static unsafe partial class Libc
{
    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint WriteRaw(int fd, byte* buffer, nuint count);

    /// <summary>
    /// <c>write(2)</c>, bound at link time (it runs in every checkpoint); EINTR retried. A write to a pipe
    /// without readers fails with EPIPE and raises SIGPIPE: the library's callers that can meet one block SIGPIPE
    /// around it (Channels/Fifo/SigPipeGuard.cs); the command ignores SIGPIPE (the .NET runtime does at start).
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

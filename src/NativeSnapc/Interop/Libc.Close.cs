using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static partial class Libc
{
    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int CloseRaw(int fd);

    /// <summary>
    /// <c>close(2)</c>, bound at link time. Deliberately not retried on EINTR: Linux releases the descriptor
    /// before reporting it, so a retry could close a descriptor another thread has just been given.
    /// </summary>
    public static ErrorInfo Close(int fd)
    {
        if (CloseRaw(fd) == 0)
        {
            return default;
        }
        var error = ErrorInfo.Last();
        return error.RawErrno == EINTR ? default : error;
    }
}

using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static unsafe partial class Libc
{
    [LibraryImport("libc", EntryPoint = "fstat", SetLastError = true)]
    private static partial int FStatRaw(int fd, Stat* status);

    /// <summary><c>fstat(2)</c>: what an open descriptor really refers to.</summary>
    public static ErrorInfo FStat(int fd, out Stat status)
    {
        status = default;
        fixed (Stat* result = &status)
        {
            while (true)
            {
                if (FStatRaw(fd, result) == 0)
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
}

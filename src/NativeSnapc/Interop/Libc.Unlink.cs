using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static unsafe partial class Libc
{
    [LibraryImport("libc", EntryPoint = "unlink", SetLastError = true)]
    private static partial int UnlinkRaw(byte* path);

    /// <summary><c>unlink(2)</c>.</summary>
    public static ErrorInfo Unlink(NativePath path)
    {
        fixed (byte* bytes = path.Bytes)
        {
            while (true)
            {
                if (UnlinkRaw(bytes) == 0)
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

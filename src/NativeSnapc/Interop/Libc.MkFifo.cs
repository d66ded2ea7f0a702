using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static unsafe partial class Libc
{
    [LibraryImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static partial int MkFifoRaw(byte* path, uint mode);

    /// <summary><c>mkfifo(3)</c>; the mode is subject to the umask, as in the original.</summary>
    public static ErrorInfo MkFifo(NativePath path, uint mode)
    {
        fixed (byte* bytes = path.Bytes)
        {
            while (true)
            {
                if (MkFifoRaw(bytes, mode) == 0)
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

using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static unsafe partial class Libc
{
    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static partial int RenameRaw(byte* from, byte* to);

    /// <summary><c>rename(2)</c>: atomically replaces <paramref name="to"/> (same file system). EINTR retried.</summary>
    public static ErrorInfo Rename(NativePath from, NativePath to)
    {
        fixed (byte* source = from.Bytes, target = to.Bytes)
        {
            while (true)
            {
                if (RenameRaw(source, target) == 0)
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

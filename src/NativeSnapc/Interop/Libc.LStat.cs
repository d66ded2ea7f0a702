using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static unsafe partial class Libc
{
    [LibraryImport("libc", EntryPoint = "lstat", SetLastError = true)]
    private static partial int LStatRaw(byte* path, Stat* status);

    /// <summary><c>lstat(2)</c>: a symbolic link is reported as itself.</summary>
    public static ErrorInfo LStat(NativePath path, out Stat status)
    {
        status = default;
        fixed (byte* bytes = path.Bytes)
        fixed (Stat* result = &status)
        {
            while (true)
            {
                if (LStatRaw(bytes, result) == 0)
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

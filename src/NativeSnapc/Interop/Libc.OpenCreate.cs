namespace NativeSnapc.Interop;

internal static unsafe partial class Libc
{
    /// <summary>
    /// <c>open(2)</c> with a mode, for O_CREAT (the umask applies), through the shim (open is variadic).
    /// EINTR is retried.
    /// </summary>
    public static ErrorInfo OpenCreate(NativePath path, int flags, uint mode, out int fd)
    {
        fixed (byte* bytes = path.Bytes)
        {
            while (true)
            {
                fd = Shim.OpenMode(bytes, flags, mode);
                if (fd >= 0)
                {
                    return default;
                }
                var error = ErrorInfo.Last();
                if (error.RawErrno != EINTR)
                {
                    fd = -1;
                    return error;
                }
            }
        }
    }
}

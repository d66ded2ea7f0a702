namespace NativeSnapc.Interop;

internal static unsafe partial class Libc
{
    /// <summary>
    /// <c>open(2)</c> without O_CREAT, through the shim (open is variadic). EINTR (a blocking FIFO open
    /// interrupted by a signal) is retried.
    /// </summary>
    public static ErrorInfo Open(NativePath path, int flags, out int fd)
    {
        fixed (byte* bytes = path.Bytes)
        {
            while (true)
            {
                fd = Shim.Open(bytes, flags);
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

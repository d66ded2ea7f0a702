namespace NativeSnapc.Interop;

internal static unsafe partial class Libc
{
    [LibcName("O_RDONLY")] public const int O_RDONLY = 0x0;
    [LibcName("O_WRONLY")] public const int O_WRONLY = 0x1;
    [LibcName("O_RDWR")] public const int O_RDWR = 0x2;
    [LibcName("O_CREAT")] public const int O_CREAT = 0x40;
    [LibcName("O_EXCL")] public const int O_EXCL = 0x80;
    [LibcName("O_NONBLOCK")] public const int O_NONBLOCK = 0x800;
    [LibcName("O_DIRECTORY")] public const int O_DIRECTORY = 0x10000;
    [LibcName("O_NOFOLLOW")] public const int O_NOFOLLOW = 0x20000;
    [LibcName("O_CLOEXEC")] public const int O_CLOEXEC = 0x80000;

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

namespace NativeSnapc.Command.Interop;

internal static partial class Libc
{
    [LibcName("EINTR")] public const int EINTR = 4;
    [LibcName("EAGAIN")] public const int EAGAIN = 11;
    [LibcName("ENOENT")] public const int ENOENT = 2;
    [LibcName("ESRCH")] public const int ESRCH = 3;
    [LibcName("ENXIO")] public const int ENXIO = 6;
    [LibcName("EPIPE")] public const int EPIPE = 32;
    [LibcName("EWOULDBLOCK")] public const int EWOULDBLOCK = 11;
}

namespace NativeSnapc.Interop;

internal static partial class Libc
{
    // <errno.h> values the channels decide on (Linux numbering, checked against the header by a test).
    [LibcName("ENOENT")] public const int ENOENT = 2;
    [LibcName("EINTR")] public const int EINTR = 4;
    [LibcName("ENXIO")] public const int ENXIO = 6;
    [LibcName("EBADF")] public const int EBADF = 9;
    [LibcName("EAGAIN")] public const int EAGAIN = 11;
    [LibcName("EACCES")] public const int EACCES = 13;
    [LibcName("EEXIST")] public const int EEXIST = 17;
    [LibcName("ENOTDIR")] public const int ENOTDIR = 20;
    [LibcName("EINVAL")] public const int EINVAL = 22;
    [LibcName("EPIPE")] public const int EPIPE = 32;
    [LibcName("ELOOP")] public const int ELOOP = 40;
    [LibcName("ECONNRESET")] public const int ECONNRESET = 104;
    [LibcName("ECONNREFUSED")] public const int ECONNREFUSED = 111;
}

namespace NativeSnapc.Interop;

internal static partial class Libc
{
    // <fcntl.h> open flags (glibc x86_64 values), apart from the call: the command opens files its own way
    // (src/Command/Interop/Libc.Open.cs) with the same flags.
    [LibcName("O_RDONLY")] public const int O_RDONLY = 0x0;
    [LibcName("O_WRONLY")] public const int O_WRONLY = 0x1;
    [LibcName("O_RDWR")] public const int O_RDWR = 0x2;
    [LibcName("O_CREAT")] public const int O_CREAT = 0x40;
    [LibcName("O_EXCL")] public const int O_EXCL = 0x80;
    [LibcName("O_APPEND")] public const int O_APPEND = 0x400;
    [LibcName("O_NONBLOCK")] public const int O_NONBLOCK = 0x800;
    [LibcName("O_DIRECTORY")] public const int O_DIRECTORY = 0x10000;
    [LibcName("O_NOFOLLOW")] public const int O_NOFOLLOW = 0x20000;
    [LibcName("O_CLOEXEC")] public const int O_CLOEXEC = 0x80000;
}

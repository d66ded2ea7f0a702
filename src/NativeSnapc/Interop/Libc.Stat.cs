using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static partial class Libc
{
    [LibcName("S_IFMT")] public const uint S_IFMT = 0xF000;
    [LibcName("S_IFIFO")] public const uint S_IFIFO = 0x1000;
    [LibcName("S_IFREG")] public const uint S_IFREG = 0x8000;
    [LibcName("S_IFDIR")] public const uint S_IFDIR = 0x4000;
    [LibcName("S_IFLNK")] public const uint S_IFLNK = 0xA000;
    [LibcName("S_IFSOCK")] public const uint S_IFSOCK = 0xC000;

    /// <summary><c>struct stat</c> of glibc on x86_64 (144 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    [LibcName("struct stat")]
    public unsafe struct Stat
    {
        public ulong st_dev;
        public ulong st_ino;
        public ulong st_nlink;
        public uint st_mode;
        public uint st_uid;
        public uint st_gid;
        public int __pad0;
        public ulong st_rdev;
        public long st_size;
        public long st_blksize;
        public long st_blocks;
        public TimeSpec st_atim;
        public TimeSpec st_mtim;
        public TimeSpec st_ctim;
        public fixed long __glibc_reserved[3];
    }

    /// <summary>The file type bits of a mode (S_IFMT).</summary>
    public static uint FileType(in Stat status) => status.st_mode & S_IFMT;
}

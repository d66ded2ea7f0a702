using System.Runtime.InteropServices;

namespace NativeSnapc.Command.Interop;

internal static unsafe partial class Libc
{
    [LibcName("S_IFMT")] public const uint S_IFMT = 0xF000;
    [LibcName("S_IFDIR")] public const uint S_IFDIR = 0x4000;
    [LibcName("S_IFIFO")] public const uint S_IFIFO = 0x1000;
    [LibcName("S_IFSOCK")] public const uint S_IFSOCK = 0xC000;

    /// <summary>The fields of <c>struct stat</c> (x86-64 glibc) the command reads.</summary>
    public readonly record struct FileStatus(uint Mode, uint Uid, uint Gid)
    {
        public uint Type => Mode & S_IFMT;
        public uint Permissions => Mode & 0xFFF;
    }

    // struct stat on x86-64: st_mode at 24, st_uid at 28, st_gid at 32; 144 bytes in all.
    private const int StatSize = 144;
    private const int ModeOffset = 24;
    private const int UidOffset = 28;
    private const int GidOffset = 32;

    [LibraryImport("libc", EntryPoint = "lstat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LStatRaw(string path, byte* buffer);

    /// <summary><c>lstat(2)</c>: a symlink is reported as itself, never followed.</summary>
    public static ErrorInfo LStat(string path, out FileStatus status)
    {
        var buffer = stackalloc byte[StatSize];
        if (LStatRaw(path, buffer) != 0)
        {
            status = default;
            return ErrorInfo.Last();
        }
        status = new FileStatus(*(uint*)(buffer + ModeOffset), *(uint*)(buffer + UidOffset), *(uint*)(buffer + GidOffset));
        return default;
    }
}

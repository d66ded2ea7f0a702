using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static partial class Libc
{
    /// <summary><c>struct timespec</c> (x86_64 Linux: two 8-byte longs).</summary>
    [StructLayout(LayoutKind.Sequential)]
    [LibcName("struct timespec")]
    public struct TimeSpec
    {
        public long tv_sec;
        public long tv_nsec;
    }
}

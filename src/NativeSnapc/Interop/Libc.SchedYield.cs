using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static partial class Libc
{
    /// <summary><c>int sched_yield(void)</c>: lets the peer run while this thread polls for it.</summary>
    [LibraryImport("libc", EntryPoint = "sched_yield")]
    public static partial int SchedYield();
}

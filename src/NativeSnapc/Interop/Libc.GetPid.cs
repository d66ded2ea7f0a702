using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static partial class Libc
{
    /// <summary>
    /// <c>pid_t getpid(void)</c>. Not Environment.ProcessId, which is cached: a process restored from a
    /// checkpoint image keeps the managed cache but has a new pid.
    /// </summary>
    [LibraryImport("libc", EntryPoint = "getpid")]
    public static partial int GetPid();
}

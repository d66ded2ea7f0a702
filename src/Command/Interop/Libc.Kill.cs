using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static partial class Libc
{
    [LibcName("SIGHUP")] public const int SIGHUP = 1;
    [LibcName("SIGINT")] public const int SIGINT = 2;
    [LibcName("SIGQUIT")] public const int SIGQUIT = 3;
    [LibcName("SIGKILL")] public const int SIGKILL = 9;
    [LibcName("SIGUSR1")] public const int SIGUSR1 = 10;
    [LibcName("SIGUSR2")] public const int SIGUSR2 = 12;
    [LibcName("SIGALRM")] public const int SIGALRM = 14;
    [LibcName("SIGTERM")] public const int SIGTERM = 15;
    [LibcName("SIGXCPU")] public const int SIGXCPU = 24;

    /// <summary>kill's "no such process" (the other errno values are the library's, Libc.Errno.cs).</summary>
    [LibcName("ESRCH")] public const int ESRCH = 3;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int KillRaw(int pid, int signal);

    /// <summary><c>kill(2)</c>; signal 0 only checks that the process exists (ESRCH when not).</summary>
    public static ErrorInfo Kill(int pid, int signal) => KillRaw(pid, signal) == 0 ? default : ErrorInfo.Last();
}

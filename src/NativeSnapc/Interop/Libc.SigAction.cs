using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static unsafe partial class Libc
{
    /// <summary><c>struct sigaction</c> of glibc on x86_64 (152 bytes); its layout is checked against &lt;signal.h&gt; by a test.</summary>
    [LibcName("struct sigaction")]
    [StructLayout(LayoutKind.Sequential)]
    public struct SignalAction
    {
        /// <summary>The handler union: <c>sa_handler</c> (SIG_DFL, SIG_IGN, or a function) or, with SA_SIGINFO, <c>sa_sigaction</c>.</summary>
        public nint sa_handler;
        public SignalSet sa_mask;
        public int sa_flags;
        /// <summary>Set by glibc itself; reported by a query and passed back unchanged on restore.</summary>
        public nint sa_restorer;
    }

    [LibcName("SIG_DFL")] public const int SIG_DFL = 0;
    [LibcName("SIG_IGN")] public const int SIG_IGN = 1;
    [LibcName("SA_RESTART")] public const int SA_RESTART = 0x10000000;
    [LibcName("SA_SIGINFO")] public const int SA_SIGINFO = 4;

    // Signal numbers the channels name.
    [LibcName("SIGFPE")] public const int SIGFPE = 8;
    [LibcName("SIGKILL")] public const int SIGKILL = 9;
    [LibcName("SIGUSR1")] public const int SIGUSR1 = 10;
    [LibcName("SIGSEGV")] public const int SIGSEGV = 11;
    [LibcName("SIGUSR2")] public const int SIGUSR2 = 12;
    [LibcName("SIGPIPE")] public const int SIGPIPE = 13;
    /// <summary>glibc's SIGRTMIN with NPTL (a function call in C, constant in practice); the .NET runtime's activation signal.</summary>
    [LibcName("SIGRTMIN")] public const int SIGRTMIN = 34;
    /// <summary>One past the highest signal number (<c>NSIG</c>).</summary>
    [LibcName("NSIG")] public const int NSIG = 65;

    [LibraryImport("libc", EntryPoint = "sigaction", SetLastError = true)]
    private static partial int sigaction(int signum, SignalAction* act, SignalAction* oldact);

    /// <summary>
    /// <c>sigaction(2)</c>: installs <paramref name="action"/> (if not null) and reports the previous disposition
    /// into <paramref name="previous"/> (if not null). Never fails with EINTR.
    /// </summary>
    public static ErrorInfo SigAction(int signum, SignalAction* action, SignalAction* previous) =>
        sigaction(signum, action, previous) == 0 ? default : ErrorInfo.Last();
}

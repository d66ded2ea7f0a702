using System.Runtime.InteropServices;
using NativeSnapc.Interop;

namespace NativeSnapc.Tests.Support;

/// <summary>libc calls only the tests make: sending signals, per-thread credentials, pending and blocked sets.</summary>
internal static unsafe partial class TestLibc
{
    [LibraryImport("libc", EntryPoint = "raise")]
    public static partial int Raise(int signum);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signum);

    [LibraryImport("libc", EntryPoint = "gettid")]
    public static partial int GetTid();

    [LibraryImport("libc", EntryPoint = "tgkill", SetLastError = true)]
    public static partial int TgKill(int tgid, int tid, int signum);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEuid();

    [LibraryImport("libc", EntryPoint = "getuid")]
    public static partial uint GetUid();

    /// <summary>Linux: changes the filesystem uid of the calling thread only; leaving uid 0 drops the filesystem capabilities.</summary>
    [LibraryImport("libc", EntryPoint = "setfsuid")]
    public static partial int SetFsUid(int fsuid);

    [LibraryImport("libc", EntryPoint = "sigpending", SetLastError = true)]
    public static partial int SigPending(Libc.SignalSet* set);

    /// <summary>Whether <paramref name="signum"/> is pending for this thread or the process.</summary>
    public static bool IsPending(int signum)
    {
        var pending = default(Libc.SignalSet);
        return SigPending(&pending) == 0 && Libc.SigIsMember(pending, signum);
    }

    /// <summary>Whether the calling thread blocks <paramref name="signum"/>.</summary>
    public static bool IsBlocked(int signum)
    {
        var current = default(Libc.SignalSet);
        var error = Libc.PthreadSigMask(Libc.SIG_BLOCK, null, &current);
        return !error.IsError && Libc.SigIsMember(current, signum);
    }

    public static Libc.SignalAction QueryAction(int signum)
    {
        var current = default(Libc.SignalAction);
        var error = Libc.SigAction(signum, null, &current);
        NUnit.Framework.Assert.That(error.IsError, NUnit.Framework.Is.False, () => $"sigaction({signum}) query: {error}");
        return current;
    }

    public static void SetAction(int signum, Libc.SignalAction action)
    {
        var error = Libc.SigAction(signum, &action, null);
        NUnit.Framework.Assert.That(error.IsError, NUnit.Framework.Is.False, () => $"sigaction({signum}) set: {error}");
    }

    /// <summary>SA_RESTORER of the x86_64 kernel ABI (arch/x86/include/uapi/asm/signal.h); glibc hides it from &lt;signal.h&gt;.</summary>
    private const int SA_RESTORER = 0x04000000;

    /// <summary>
    /// The differences between two dispositions as the kernel keeps them (empty when identical). Only the first
    /// 64 bits of sa_mask exist in the kernel (_NSIG is 64); glibc copies its whole 1024-bit sigset_t out of an
    /// uninitialised buffer, so the rest of a queried mask is noise. <paramref name="sameSetter"/> false: the
    /// two were not both set through glibc (one is the disposition a process starts with), so glibc's own
    /// SA_RESTORER and trampoline are not compared.
    /// </summary>
    public static string Differences(Libc.SignalAction expected, Libc.SignalAction actual, bool sameSetter = true)
    {
        var differences = new System.Text.StringBuilder();
        var flagMask = sameSetter ? ~0 : ~SA_RESTORER;
        if (expected.sa_handler != actual.sa_handler) differences.Append($" sa_handler 0x{expected.sa_handler:x} != 0x{actual.sa_handler:x};");
        if ((expected.sa_flags & flagMask) != (actual.sa_flags & flagMask)) differences.Append($" sa_flags 0x{expected.sa_flags:x} != 0x{actual.sa_flags:x};");
        if (sameSetter && expected.sa_restorer != actual.sa_restorer) differences.Append($" sa_restorer 0x{expected.sa_restorer:x} != 0x{actual.sa_restorer:x};");
        if (expected.sa_mask.__val[0] != actual.sa_mask.__val[0]) differences.Append($" sa_mask 0x{expected.sa_mask.__val[0]:x} != 0x{actual.sa_mask.__val[0]:x};");
        return differences.ToString();
    }

    public static Libc.SignalSet SetOf(params int[] signals)
    {
        var set = Libc.EmptySignalSet();
        foreach (var signal in signals)
        {
            NUnit.Framework.Assert.That(Libc.SigAddSet(ref set, signal).IsError, NUnit.Framework.Is.False);
        }
        return set;
    }
}

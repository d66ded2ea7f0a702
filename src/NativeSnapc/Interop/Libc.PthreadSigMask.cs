using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static unsafe partial class Libc
{
    [LibcName("SIG_BLOCK")] public const int SIG_BLOCK = 0;
    [LibcName("SIG_UNBLOCK")] public const int SIG_UNBLOCK = 1;
    [LibcName("SIG_SETMASK")] public const int SIG_SETMASK = 2;

    // Returns the error number itself; errno is not used.
    [LibraryImport("libc", EntryPoint = "pthread_sigmask")]
    private static partial int pthread_sigmask(int how, SignalSet* set, SignalSet* oldset);

    /// <summary><c>pthread_sigmask(3)</c>: changes the calling thread's signal mask only.</summary>
    public static ErrorInfo PthreadSigMask(int how, SignalSet* set, SignalSet* previous) =>
        new(pthread_sigmask(how, set, previous));
}

using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static unsafe partial class Libc
{
    [LibraryImport("libc", EntryPoint = "sigtimedwait", SetLastError = true)]
    private static partial int sigtimedwait(SignalSet* set, void* info, TimeSpec* timeout);

    /// <summary>
    /// Takes one pending signal of <paramref name="set"/> (which the caller must block) without waiting:
    /// <c>sigtimedwait(2)</c> with a zero timeout, EINTR retried. Returns the signal taken, or 0 when none of
    /// them was pending.
    /// </summary>
    public static ErrorInfo SigTimedWaitNow(in SignalSet set, out int signalTaken)
    {
        var zero = default(TimeSpec);
        fixed (SignalSet* p = &set)
        {
            while (true)
            {
                var result = sigtimedwait(p, null, &zero);
                if (result > 0)
                {
                    signalTaken = result;
                    return default;
                }
                var error = ErrorInfo.Last();
                if (error.RawErrno == EINTR)
                {
                    continue;
                }
                signalTaken = 0;
                return error.RawErrno == EAGAIN ? default : error;
            }
        }
    }
}

using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static unsafe partial class Libc
{
    [LibraryImport("libc", EntryPoint = "sigaddset", SetLastError = true)]
    private static partial int sigaddset(SignalSet* set, int signum);

    /// <summary><c>sigaddset(3)</c>; EINVAL for a number outside the set.</summary>
    public static ErrorInfo SigAddSet(ref SignalSet set, int signum)
    {
        fixed (SignalSet* p = &set)
        {
            return sigaddset(p, signum) == 0 ? default : ErrorInfo.Last();
        }
    }

    /// <summary>A set holding exactly <paramref name="signum"/>.</summary>
    public static SignalSet SignalSetOf(int signum)
    {
        var set = EmptySignalSet();
        _ = SigAddSet(ref set, signum);
        return set;
    }
}

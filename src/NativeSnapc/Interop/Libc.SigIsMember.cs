using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static unsafe partial class Libc
{
    [LibraryImport("libc", EntryPoint = "sigismember", SetLastError = true)]
    private static partial int sigismember(SignalSet* set, int signum);

    /// <summary><c>sigismember(3)</c>: whether <paramref name="signum"/> is in the set (false for an invalid number).</summary>
    public static bool SigIsMember(in SignalSet set, int signum)
    {
        fixed (SignalSet* p = &set)
        {
            return sigismember(p, signum) == 1;
        }
    }
}

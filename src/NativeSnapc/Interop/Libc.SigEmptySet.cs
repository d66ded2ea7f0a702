using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static unsafe partial class Libc
{
    /// <summary><c>sigset_t</c> of glibc: 1024 bits. Manipulated only through libc's own functions.</summary>
    [LibcName("sigset_t")]
    [StructLayout(LayoutKind.Sequential)]
    public struct SignalSet
    {
        public fixed ulong __val[16];
    }

    [LibraryImport("libc", EntryPoint = "sigemptyset", SetLastError = true)]
    private static partial int sigemptyset(SignalSet* set);

    /// <summary><c>sigemptyset(3)</c>: an empty set.</summary>
    public static SignalSet EmptySignalSet()
    {
        // Cannot fail for a valid pointer, and a zeroed set is already empty: the call is the portable spelling.
        var set = default(SignalSet);
        _ = sigemptyset(&set);
        return set;
    }
}

using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static partial class Libc
{
    /// <summary><c>SIG_DFL</c>: the default disposition.</summary>
    public const nint SIG_DFL = 0;

    [LibcName("SIGPIPE")] public const int SIGPIPE = 13;

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint SignalRaw(int signal, nint handler);

    /// <summary>
    /// <c>signal(2)</c> back to the default disposition. An ignored signal stays ignored across exec, and the .NET
    /// runtime ignores SIGPIPE: a program this process execs would otherwise inherit that.
    /// </summary>
    public static void RestoreDefault(int signal) => SignalRaw(signal, SIG_DFL);
}

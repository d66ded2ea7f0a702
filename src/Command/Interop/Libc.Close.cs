using System.Runtime.InteropServices;

namespace NativeSnapc.Command.Interop;

internal static partial class Libc
{
    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int CloseRaw(int fd);

    /// <summary><c>close(2)</c>, not retried on EINTR (Linux releases the descriptor anyway).</summary>
    public static ErrorInfo Close(int fd) => CloseRaw(fd) == 0 ? default : ErrorInfo.Last();
}

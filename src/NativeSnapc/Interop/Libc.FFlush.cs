using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static unsafe partial class Libc
{
    [LibraryImport("libc", EntryPoint = "fflush", SetLastError = true)]
    private static partial int FFlushRaw(void* stream);

    /// <summary><c>fflush(3)</c> of a caller's <c>FILE *</c>: its buffered bytes reach the file.</summary>
    public static ErrorInfo FFlush(void* stream) => FFlushRaw(stream) == 0 ? default : ErrorInfo.Last();
}

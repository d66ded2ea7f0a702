using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static unsafe partial class Libc
{
    [LibraryImport("libc", EntryPoint = "fclose", SetLastError = true)]
    private static partial int FCloseRaw(void* stream);

    /// <summary><c>fclose(3)</c> of a caller's <c>FILE *</c> (flushes it first); the stream is gone either way.</summary>
    public static ErrorInfo FClose(void* stream) => FCloseRaw(stream) == 0 ? default : ErrorInfo.Last();
}

using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static partial class Libc
{
    [LibraryImport("libc", EntryPoint = "fopen", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint FOpenRaw(string path, string mode);

    /// <summary><c>fopen(3)</c>: a <c>FILE *</c> for a C function that reads one (close it with <see cref="FClose"/>).</summary>
    public static ErrorInfo FOpen(string path, string mode, out nint stream)
    {
        stream = FOpenRaw(path, mode);
        return stream != 0 ? default : ErrorInfo.Last();
    }
}

using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static partial class Libc
{
    [LibcName("F_OK")] public const int F_OK = 0;

    [LibraryImport("libc", EntryPoint = "access", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int AccessRaw(string path, int mode);

    /// <summary><c>access(2)</c>, as the original daemon tests for the FIFOs (F_OK).</summary>
    public static ErrorInfo Access(string path, int mode) => AccessRaw(path, mode) == 0 ? default : ErrorInfo.Last();
}

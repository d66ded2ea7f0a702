using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static unsafe partial class Libc
{
    [LibraryImport("libc", EntryPoint = "realpath", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial byte* RealPathRaw(string path, byte* resolved);

    /// <summary><c>realpath(3)</c> (every symbolic link and <c>..</c> resolved), or null when the path does not exist.</summary>
    public static string? RealPath(string path)
    {
        var resolved = RealPathRaw(path, null);
        if (resolved == null)
        {
            return null;
        }
        var text = Marshal.PtrToStringUTF8((nint)resolved);
        NativeMemory.Free(resolved);
        return text;
    }
}

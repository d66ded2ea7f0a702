using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static unsafe partial class Libc
{
    /// <summary><c>int gethostname(char *name, size_t len)</c>: the node's name (a UTS namespace has its own).</summary>
    [LibraryImport("libc", EntryPoint = "gethostname", SetLastError = true)]
    private static partial int GetHostNameRaw(byte* name, nuint length);

    /// <summary>
    /// The host name as it is, or null when gethostname fails. (.NET's Environment.MachineName cuts the name at its
    /// first dot; the command names node directories by this one, docs/runtime.md.)
    /// </summary>
    public static string? GetHostName()
    {
        const int Capacity = 256; // HOST_NAME_MAX is 64; leave room for a truncated name's missing NUL
        var buffer = stackalloc byte[Capacity + 1];
        if (GetHostNameRaw(buffer, Capacity) != 0)
        {
            return null;
        }
        buffer[Capacity] = 0;
        return Marshal.PtrToStringUTF8((nint)buffer);
    }
}

using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static unsafe partial class Libc
{
    [LibraryImport("libc", EntryPoint = "getenv")]
    private static partial byte* GetenvRaw(byte* name);

    /// <summary>
    /// <c>getenv(3)</c>: the process's native environment as it is now, including what the host set after the
    /// .NET runtime started (Environment.GetEnvironmentVariable reads a copy taken earlier). Null when unset.
    /// </summary>
    public static string? Getenv(string name)
    {
        var nameBytes = NullTerminated(name);
        fixed (byte* n = nameBytes)
        {
            var value = GetenvRaw(n);
            return value is null ? null : Marshal.PtrToStringUTF8((nint)value);
        }
    }
}

using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static unsafe partial class Libc
{
    [LibraryImport("libc", EntryPoint = "setenv", SetLastError = true)]
    private static partial int SetenvRaw(byte* name, byte* value, int overwrite);

    /// <summary>
    /// <c>setenv(3)</c>, overwriting: the process's native environment, which a child started by exec or
    /// posix_spawn inherits (.NET's Environment.SetEnvironmentVariable changes only a managed copy).
    /// </summary>
    public static ErrorInfo Setenv(string name, string value)
    {
        var nameBytes = NullTerminated(name);
        var valueBytes = NullTerminated(value);
        fixed (byte* n = nameBytes, v = valueBytes)
        {
            return SetenvRaw(n, v, 1) == 0 ? default : ErrorInfo.Last();
        }
    }

    private static byte[] NullTerminated(string value)
    {
        var bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(value) + 1];
        System.Text.Encoding.UTF8.GetBytes(value, bytes);
        return bytes;
    }
}

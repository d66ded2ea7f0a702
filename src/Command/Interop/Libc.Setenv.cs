using System.Runtime.InteropServices;

namespace NativeSnapc.Command.Interop;

internal static partial class Libc
{
    [LibraryImport("libc", EntryPoint = "setenv", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetenvRaw(string name, string value, int overwrite);

    /// <summary>
    /// <c>setenv(3)</c>, overwriting: the process's libc environment, which Open MPI reads and a program started by
    /// exec inherits (.NET's Environment.SetEnvironmentVariable changes only a managed copy).
    /// </summary>
    public static ErrorInfo Setenv(string name, string value) => SetenvRaw(name, value, 1) == 0 ? default : ErrorInfo.Last();
}

using System.Runtime.InteropServices;
using System.Text;

namespace NativeSnapc.Command.Interop;

internal static unsafe partial class Libc
{
    [LibraryImport("libc", EntryPoint = "getuid")]
    public static partial uint GetUid();

    [LibraryImport("libc", EntryPoint = "gethostname", SetLastError = true)]
    private static partial int GetHostNameRaw(byte* name, nuint length);

    /// <summary>
    /// <c>gethostname(2)</c> as it is: the node directory is named by it (docs/runtime.md), and .NET's
    /// Environment.MachineName cuts the name at its first dot.
    /// </summary>
    public static ErrorInfo GetHostName(out string name)
    {
        var buffer = stackalloc byte[256];
        if (GetHostNameRaw(buffer, 255) != 0)
        {
            name = string.Empty;
            return ErrorInfo.Last();
        }
        buffer[255] = 0;
        var length = 0;
        while (length < 255 && buffer[length] != 0)
        {
            length++;
        }
        name = Encoding.UTF8.GetString(buffer, length);
        return default;
    }
}

using System.Runtime.InteropServices;

namespace NativeSnapc.Command.Interop;

internal static unsafe partial class Libc
{
    [LibcName("RTLD_NOW")] public const int RTLD_NOW = 0x0002;
    [LibcName("RTLD_GLOBAL")] public const int RTLD_GLOBAL = 0x0100;

    [LibraryImport("libc", EntryPoint = "dlopen", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint DlopenRaw(string file, int flags);

    [LibraryImport("libc", EntryPoint = "dlerror")]
    private static partial byte* DlerrorRaw();

    /// <summary><c>dlopen(3)</c>: a handle, or 0 with dlerror's text in <paramref name="error"/>.</summary>
    public static nint Dlopen(string file, int flags, out string error)
    {
        var handle = DlopenRaw(file, flags);
        error = handle != 0 ? "" : Marshal.PtrToStringUTF8((nint)DlerrorRaw()) ?? "unknown dlopen error";
        return handle;
    }
}

using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static unsafe partial class Libc
{
    [LibraryImport("libc", EntryPoint = "dlerror")]
    private static partial byte* DlerrorRaw();

    /// <summary><c>dlerror(3)</c>: why the last dlopen or dlsym of this thread failed.</summary>
    public static string Dlerror() => Marshal.PtrToStringUTF8((nint)DlerrorRaw()) ?? "unknown dlopen error";
}

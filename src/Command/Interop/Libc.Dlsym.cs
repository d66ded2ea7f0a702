using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static partial class Libc
{
    [LibraryImport("libc", EntryPoint = "dlsym", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint DlsymRaw(nint handle, string symbol);

    /// <summary><c>dlsym(3)</c>: the symbol's address in the object <paramref name="handle"/> and its dependencies, or 0.</summary>
    public static nint Dlsym(nint handle, string symbol) => DlsymRaw(handle, symbol);
}

using System.Runtime.InteropServices;

namespace NativeSnapc.Command.Interop;

internal static partial class Libc
{
    [LibraryImport("libc", EntryPoint = "fclose")]
    private static partial int FCloseRaw(nint stream);

    /// <summary><c>fclose(3)</c> of a stream opened for reading (nothing to flush, so its result is not interesting).</summary>
    public static void FClose(nint stream) => FCloseRaw(stream);
}

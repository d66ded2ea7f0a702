using Mono.Unix.Native;

namespace NativeSnapc.Interop;

internal static partial class Libc
{
    /// <summary><c>mkdir(2)</c> through Mono.Posix (the umask applies); EEXIST is returned as such.</summary>
    public static ErrorInfo MkDir(string path, uint mode) =>
        Syscall.mkdir(path, NativeConvert.ToFilePermissions(mode)) == 0 ? default : ErrorInfo.Last();
}

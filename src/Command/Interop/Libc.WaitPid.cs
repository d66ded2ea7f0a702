using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

// The library's waitpid (src/NativeSnapc/Interop/Libc.WaitPid.cs) goes through Mono.Posix and polls with WNOHANG
// only; the command has no Mono.Posix and also waits blocking and reads the raw status, so it binds waitpid itself.
internal static unsafe partial class Libc
{
    [LibcName("WNOHANG")] public const int WNOHANG = 1;

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    private static partial int WaitPidRaw(int pid, int* status, int options);

    /// <summary><c>waitpid(2)</c>; EINTR retried. With WNOHANG, <paramref name="reaped"/> is 0 while the child runs.</summary>
    public static ErrorInfo WaitPid(int pid, int options, out int reaped, out int status)
    {
        int raw;
        while (true)
        {
            reaped = WaitPidRaw(pid, &raw, options);
            if (reaped >= 0)
            {
                status = raw;
                return default;
            }
            var error = ErrorInfo.Last();
            if (error.RawErrno != EINTR)
            {
                status = 0;
                return error;
            }
        }
    }
}

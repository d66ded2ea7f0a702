using Mono.Unix.Native;

namespace NativeSnapc.Interop;

internal static partial class Libc
{
    /// <summary>
    /// <c>waitpid(pid, &amp;status, WNOHANG)</c> through Mono.Posix; EINTR retried. Returns the pid when the child
    /// ended (its exit code, or 128 + the signal that killed it), 0 while it runs.
    /// </summary>
    public static ErrorInfo WaitPidNoHang(int pid, out int ended, out int exitCode)
    {
        exitCode = -1;
        while (true)
        {
            ended = Syscall.waitpid(pid, out var status, WaitOptions.WNOHANG);
            if (ended > 0)
            {
                exitCode = Syscall.WIFEXITED(status) ? Syscall.WEXITSTATUS(status)
                    : Syscall.WIFSIGNALED(status) ? 128 + (int)Syscall.WTERMSIG(status) : -1;
                return default;
            }
            if (ended == 0)
            {
                return default;
            }
            var error = ErrorInfo.Last();
            if (error.RawErrno != EINTR)
            {
                return error;
            }
        }
    }
}

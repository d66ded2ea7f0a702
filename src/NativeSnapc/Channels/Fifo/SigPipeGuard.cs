using NativeSnapc.Interop;

namespace NativeSnapc.Channels.Fifo;

/// <summary>
/// A write to a pipe whose reader is gone fails with EPIPE and raises SIGPIPE, whose default action ends
/// the process (docs/protocol.md#rendezvous-and-blocking: nothing in Open MPI ignores it). SIGPIPE's process-wide
/// disposition belongs to the host and the .NET runtime, so it is not touched: SIGPIPE is blocked in the calling thread
/// for the duration of the write, and a SIGPIPE the write raised is taken (sigtimedwait with a zero timeout) before the
/// thread's mask is put back, so it is never delivered.
/// </summary>
internal static unsafe class SigPipeGuard
{
    public static ErrorInfo Write(int fd, byte* buffer, int count, out int bytesWritten)
    {
        var sigPipe = Libc.SignalSetOf(Libc.SIGPIPE);
        var previousMask = default(Libc.SignalSet);
        var blocked = Libc.PthreadSigMask(Libc.SIG_BLOCK, &sigPipe, &previousMask);
        if (blocked.IsError)
        {
            // Only possible with invalid arguments; writing unprotected could end the process.
            bytesWritten = 0;
            return blocked;
        }
        try
        {
            var error = Libc.Write(fd, buffer, count, out bytesWritten);
            if (error.RawErrno == Libc.EPIPE)
            {
                // The kernel sends the SIGPIPE to this thread; blocked, it stays pending even when ignored.
                _ = Libc.SigTimedWaitNow(sigPipe, out _);
            }
            return error;
        }
        finally
        {
            _ = Libc.PthreadSigMask(Libc.SIG_SETMASK, &previousMask, null);
        }
    }
}

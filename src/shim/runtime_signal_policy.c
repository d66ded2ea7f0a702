/*
 * The library leaves the host's signal dispositions alone, except the checkpoint entry-point signal.
 * The NativeAOT runtime, when it starts (at the library's first call), sets SIGPIPE to SIG_IGN for the
 * whole process, replacing even a handler the host installed (PalInit / ConfigureSignals:
 * signal(SIGPIPE, SIG_IGN)). The library is linked with --wrap=signal, so that call lands here and is
 * dropped; any other signal() call goes through. The library's own FIFO writes never raise SIGPIPE
 * (they block it in the writing thread), so nothing of ours needs the process-wide SIG_IGN.
 */
#include <signal.h>
#include <stddef.h>

typedef void (*native_snapc_sighandler_t)(int);

native_snapc_sighandler_t __real_signal(int signo, native_snapc_sighandler_t handler);
native_snapc_sighandler_t __wrap_signal(int signo, native_snapc_sighandler_t handler);

native_snapc_sighandler_t __wrap_signal(int signo, native_snapc_sighandler_t handler)
{
    if (signo == SIGPIPE && handler == SIG_IGN) {
        struct sigaction current;
        if (sigaction(SIGPIPE, NULL, &current) != 0) {
            return SIG_ERR;
        }
        return current.sa_handler; /* reports the disposition in force, as signal() would */
    }
    return __real_signal(signo, handler);
}

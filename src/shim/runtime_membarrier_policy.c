/*
 * How the NativeAOT runtime flushes other threads' write buffers (docs/abi.md#runtime-start-cost).
 *
 * When the runtime starts (at the library's first call) its PAL and its GC each ask the kernel for
 * membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED). In a process that already runs threads — every MPI
 * rank after MPI_Init — the kernel answers that registration only after an RCU grace period: 4-13 ms
 * measured here, most of the library's first call. The runtime's other way to flush (used where membarrier
 * is missing or filtered: mprotect on one locked helper page, which makes the kernel interrupt the CPUs
 * running the process) costs nothing at start and is only used when the GC stops threads.
 *
 * The library links with --wrap=syscall, so only the runtime's own syscall() calls land here. A
 * MEMBARRIER_CMD_QUERY is answered "no command offered" when a helper page can be locked, which sends
 * the runtime to the other way; if it cannot (RLIMIT_MEMLOCK exhausted), the query goes to the kernel and
 * the runtime registers as usual. Every other call goes through unchanged.
 */
#include <linux/membarrier.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

long __real_syscall(long number, ...);
long __wrap_syscall(long number, ...);

/* The PAL and the GC each lock one page; probe for both. */
static int helper_pages_can_be_locked(void)
{
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0) {
        return 0;
    }
    size_t length = 2 * (size_t)page;
    void *probe = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (probe == MAP_FAILED) {
        return 0;
    }
    int locked = mlock(probe, length) == 0;
    if (locked) {
        munlock(probe, length);
    }
    munmap(probe, length);
    return locked;
}

long __wrap_syscall(long number, ...)
{
    /* syscall() passes up to six register-sized arguments; forward all six, as glibc's own syscall() reads them. */
    va_list ap;
    va_start(ap, number);
    long a1 = va_arg(ap, long), a2 = va_arg(ap, long), a3 = va_arg(ap, long);
    long a4 = va_arg(ap, long), a5 = va_arg(ap, long), a6 = va_arg(ap, long);
    va_end(ap);

    if (number == SYS_membarrier && (int)a1 == MEMBARRIER_CMD_QUERY && helper_pages_can_be_locked()) {
        return 0;
    }
    return __real_syscall(number, a1, a2, a3, a4, a5, a6);
}

/*
 * How the library's runtime starts in a process that already runs threads (an MPI rank after MPI_Init):
 * it must not register for membarrier's private expedited command, whose registration waits for an RCU
 * grace period there (src/shim/runtime_membarrier_policy.c, docs/abi.md#runtime-start-cost), unless no
 * helper page can be locked — then it registers as usual and still starts.
 *
 * This program defines syscall(), so the library's own syscall() calls (bound to libc's symbol at run
 * time, after the library's --wrap) pass through here and every membarrier command is counted.
 *
 * usage: runtime_start_driver <library> locked-page|no-locked-page
 *   locked-page     expect: the query answered by the library, no registration, runtime started
 *   no-locked-page  drop CAP_IPC_LOCK and RLIMIT_MEMLOCK to 0 first; expect: the query reached the kernel,
 *                   the runtime registered, runtime started
 * Each failed check exits with its own code; 0 is success.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <linux/capability.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "native_snapc/version.h"

enum {
    FAIL_USAGE = 2,
    FAIL_SETUP = 3,
    FAIL_DLOPEN = 10,
    FAIL_CALL = 11,
    FAIL_QUERY_FORWARDED = 12,
    FAIL_REGISTERED = 13,
    FAIL_NOT_REGISTERED = 14,
    FAIL_QUERY_NOT_FORWARDED = 15,
};

static int queries_forwarded, registrations_seen;
static __thread int in_forward;

typedef long (*syscall_fn_t)(long, ...);

long syscall(long number, ...)
{
    va_list ap;
    va_start(ap, number);
    long a1 = va_arg(ap, long), a2 = va_arg(ap, long), a3 = va_arg(ap, long);
    long a4 = va_arg(ap, long), a5 = va_arg(ap, long), a6 = va_arg(ap, long);
    va_end(ap);
    static syscall_fn_t real;
    if (real == NULL) {
        real = (syscall_fn_t)dlsym(RTLD_NEXT, "syscall");
    }
    if (number == SYS_membarrier && !in_forward) {
        if ((int)a1 == MEMBARRIER_CMD_QUERY) {
            queries_forwarded++;
        } else if ((int)a1 == MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) {
            registrations_seen++;
        }
    }
    in_forward = 1;
    long rc = real(number, a1, a2, a3, a4, a5, a6);
    in_forward = 0;
    return rc;
}

/* Threads already running, as in a rank after MPI_Init: the case where registration is slow. */
static void *sleeper(void *arg)
{
    (void)arg;
    pause();
    return NULL;
}

static int drop_memory_locking(void)
{
    struct rlimit none = {0, 0};
    if (setrlimit(RLIMIT_MEMLOCK, &none) != 0) {
        return -1;
    }
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    if (syscall(SYS_capget, &header, data) != 0) {
        return -1;
    }
    data[CAP_TO_INDEX(CAP_IPC_LOCK)].effective &= ~CAP_TO_MASK(CAP_IPC_LOCK);
    data[CAP_TO_INDEX(CAP_IPC_LOCK)].permitted &= ~CAP_TO_MASK(CAP_IPC_LOCK);
    return (int)syscall(SYS_capset, &header, data);
}

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[2], "locked-page") != 0 && strcmp(argv[2], "no-locked-page") != 0)) {
        fprintf(stderr, "usage: %s <library> locked-page|no-locked-page\n", argv[0]);
        return FAIL_USAGE;
    }
    int can_lock = strcmp(argv[2], "locked-page") == 0;
    if (!can_lock && drop_memory_locking() != 0) {
        perror("dropping CAP_IPC_LOCK and RLIMIT_MEMLOCK");
        return FAIL_SETUP;
    }
    pthread_t threads[2];
    for (int i = 0; i < 2; i++) {
        if (pthread_create(&threads[i], NULL, sleeper, NULL) != 0) {
            return FAIL_SETUP;
        }
    }

    void *handle = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        fprintf(stderr, "dlopen(%s): %s\n", argv[1], dlerror());
        return FAIL_DLOPEN;
    }
    nsnapc_query_version_fn_t query = (nsnapc_query_version_fn_t)dlsym(handle, "native_snapc_query_version");
    uint32_t major = 0, minor = 0, patch = 0;
    if (query == NULL || query(&major, &minor, &patch) != 0 || major != NATIVE_SNAPC_VERSION_MAJOR) {
        fprintf(stderr, "the first call did not answer\n");
        return FAIL_CALL;
    }
    printf("membarrier queries forwarded %d, registrations %d (helper page lockable: %s)\n", queries_forwarded,
           registrations_seen, can_lock ? "yes" : "no");
    if (can_lock) {
        if (registrations_seen != 0) {
            return FAIL_REGISTERED;
        }
        if (queries_forwarded != 0) {
            return FAIL_QUERY_FORWARDED; /* the library let the query through although a page could be locked */
        }
    } else {
        if (queries_forwarded == 0) {
            return FAIL_QUERY_NOT_FORWARDED;
        }
        if (registrations_seen == 0) {
            return FAIL_NOT_REGISTERED;
        }
    }
    return 0;
}

/* The async-signal-safe handler of the checkpoint entry-point signal; see checkpoint_signal.h. */
#define _DEFAULT_SOURCE /* NSIG */

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>

#include "checkpoint_signal.h"
#include "native_snapc/crs.h"

/* A handler may only use atomics that never fall back to a lock (a lock could be held by the interrupted code). */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "atomic int must be lock-free");
_Static_assert(ATOMIC_LONG_LOCK_FREE == 2, "atomic long must be lock-free");
_Static_assert(ATOMIC_POINTER_LOCK_FREE == 2, "atomic pointers must be lock-free");
/* The request cell is the host's plain `int`; it is stored through an _Atomic int of the same shape. */
_Static_assert(sizeof(_Atomic int) == sizeof(int) && _Alignof(_Atomic int) == _Alignof(int),
               "_Atomic int must have the layout of int");

static atomic_int armed_signal;             /* 0: disarmed */
static _Atomic(int *) armed_request_cell;   /* the host's opal_cr_checkpoint_request */
static atomic_int checkpoint_active;        /* the original's currently_checkpointing */
static atomic_long ignored_requests;

void native_snapc_signal_handler(int signo)
{
    const int saved_errno = errno;

    const int armed = atomic_load_explicit(&armed_signal, memory_order_acquire);
    if (0 != armed && signo == armed) {
        int *cell = atomic_load_explicit(&armed_request_cell, memory_order_acquire);
        if (NULL != cell) {
            int expected = 0;
            if (atomic_compare_exchange_strong_explicit(&checkpoint_active, &expected, 1,
                                                        memory_order_acq_rel, memory_order_acquire)) {
                atomic_store_explicit((_Atomic int *)cell, NSNAPC_OPAL_CR_STATUS_REQUESTED, memory_order_release);
            } else {
                /* The original printed here through opal_output, which may take locks: count instead. */
                atomic_fetch_add_explicit(&ignored_requests, 1, memory_order_relaxed);
            }
        }
    }

    errno = saved_errno;
}

void *native_snapc_signal_handler_address(void)
{
    /* POSIX guarantees function pointers survive a round trip through void * (dlsym relies on it). */
    return (void *)&native_snapc_signal_handler;
}

int native_snapc_signal_arm(int signo, int *request_cell)
{
    if (NULL == request_cell || signo <= 0 || signo >= NSIG) {
        return EINVAL;
    }
    /* Disarmed while the session state is reset, so no delivery sees half of it. */
    atomic_store_explicit(&armed_signal, 0, memory_order_release);
    atomic_store_explicit(&checkpoint_active, 0, memory_order_relaxed);
    atomic_store_explicit(&ignored_requests, 0, memory_order_relaxed);
    atomic_store_explicit(&armed_request_cell, request_cell, memory_order_relaxed);
    atomic_store_explicit(&armed_signal, signo, memory_order_release);
    return 0;
}

void native_snapc_signal_disarm(void)
{
    atomic_store_explicit(&armed_signal, 0, memory_order_release);
    atomic_store_explicit(&armed_request_cell, NULL, memory_order_release);
}

int native_snapc_signal_armed(void)
{
    return atomic_load_explicit(&armed_signal, memory_order_acquire);
}

int native_snapc_signal_checkpoint_active(void)
{
    return atomic_load_explicit(&checkpoint_active, memory_order_acquire);
}

void native_snapc_signal_end_checkpoint(void)
{
    atomic_store_explicit(&checkpoint_active, 0, memory_order_release);
}

long native_snapc_signal_take_ignored(void)
{
    return atomic_exchange_explicit(&ignored_requests, 0, memory_order_acq_rel);
}

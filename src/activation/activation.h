/*
 * libnative_snapc_mpi.so: the MPI profiling layer that puts the native-snapc runtime into a rank of a stock
 * Open MPI 4.1 job, with LD_PRELOAD or linked by the program (docs/runtime.md). It is C because it is made of
 * MPI symbols with C linkage that forward to PMPI_, and because the test point on every MPI call must not
 * enter managed code when nothing is pending; everything else is the runtime's, in libnative_snapc.so.
 */
#ifndef NATIVE_SNAPC_ACTIVATION_H
#define NATIVE_SNAPC_ACTIVATION_H

#include <mpi.h>
#include <stdbool.h>

#include "native_snapc/runtime.h"

/* Open MPI 4.1's checkpoint request words (libopen-pal, opal/runtime/opal_cr.h): what the entry-point
 * signal handler sets, and the stall flag of a checkpoint that asked to be resumed later. */
extern int opal_cr_checkpoint_request;
extern bool opal_cr_currently_stalled;

/* OPAL_CR_STATUS_REQUESTED of opal_cr_ckpt_cmd_state_t. */
#define NSNAPC_OPAL_CR_STATUS_REQUESTED 5

/* Non-zero while the runtime is active and takes checkpoints at test points (set by the runtime). */
extern volatile int native_snapc_test_points_armed;

#define NSNAPC_TEST_POINT()                                                                                  \
    do {                                                                                                     \
        if (__builtin_expect(native_snapc_test_points_armed != 0, 0)                                          \
            && (__atomic_load_n(&opal_cr_checkpoint_request, __ATOMIC_RELAXED) == NSNAPC_OPAL_CR_STATUS_REQUESTED \
                || __atomic_load_n(&opal_cr_currently_stalled, __ATOMIC_RELAXED))) {                         \
            native_snapc_runtime_test_point();                                                               \
        }                                                                                                    \
    } while (0)

#endif /* NATIVE_SNAPC_ACTIVATION_H */

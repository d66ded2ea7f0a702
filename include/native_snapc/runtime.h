/*
 * native_snapc/runtime.h: the contract between the MPI profiling layer (libnative_snapc_mpi.so, C: the
 * MPI_Init / MPI_Finalize wrappers and the test points) and the runtime in libnative_snapc.so (C#), which
 * makes a rank of a stock Open MPI 4.1 job checkpointable (docs/runtime.md).
 *
 * The profiling layer hands the runtime a small versioned table: the MPI calls the runtime makes (through
 * the PMPI_ entry points, so they never meet a test point) and the handles they take. MPI handles are
 * pointers in Open MPI, passed here as void *, so this header needs no <mpi.h>.
 */
#ifndef NATIVE_SNAPC_RUNTIME_H
#define NATIVE_SNAPC_RUNTIME_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NSNAPC_RUNTIME_MPI_VERSION 1

typedef int (*native_snapc_mpi_comm_rank_fn)(void *comm, int *rank);
typedef int (*native_snapc_mpi_comm_size_fn)(void *comm, int *size);
typedef int (*native_snapc_mpi_barrier_fn)(void *comm);
typedef int (*native_snapc_mpi_bcast_fn)(void *buffer, int count, void *datatype, int root, void *comm);
typedef int (*native_snapc_mpi_ibcast_fn)(void *buffer, int count, void *datatype, int root, void *comm, void **request);
typedef int (*native_snapc_mpi_test_fn)(void **request, int *flag); /* status ignored */
typedef int (*native_snapc_mpi_allreduce_fn)(const void *sendbuf, void *recvbuf, int count, void *datatype, void *op,
                                             void *comm);
typedef int (*native_snapc_mpi_gather_fn)(const void *sendbuf, int sendcount, void *sendtype, void *recvbuf,
                                          int recvcount, void *recvtype, int root, void *comm);
typedef int (*native_snapc_mpi_info_get_fn)(void *info, const char *key, int valuelen, char *value, int *flag);

typedef struct native_snapc_mpi_v1 {
    size_t size;              /* sizeof(native_snapc_mpi_t): fields are only ever added at the end */
    int version;              /* NSNAPC_RUNTIME_MPI_VERSION */
    int thread_level;         /* what MPI_Init_thread provided (MPI_THREAD_SINGLE for MPI_Init) */
    volatile int *test_points_armed; /* the profiling layer's flag: non-zero = test points on MPI calls are live */

    void *comm_world;         /* MPI_COMM_WORLD */
    void *type_int;           /* MPI_INT */
    void *type_char;          /* MPI_CHAR */
    void *op_max;             /* MPI_MAX */
    void *op_min;             /* MPI_MIN */
    void *request_null;       /* MPI_REQUEST_NULL */

    native_snapc_mpi_comm_rank_fn comm_rank;
    native_snapc_mpi_comm_size_fn comm_size;
    native_snapc_mpi_barrier_fn barrier;
    native_snapc_mpi_bcast_fn bcast;
    native_snapc_mpi_ibcast_fn ibcast;
    native_snapc_mpi_test_fn test;
    native_snapc_mpi_allreduce_fn allreduce;
    native_snapc_mpi_gather_fn gather;
    native_snapc_mpi_info_get_fn info_get;  /* MPI_Info_get; info may be MPI_INFO_NULL */
    void *info_null;          /* MPI_INFO_NULL */
} native_snapc_mpi_t;

/*
 * Called by the profiling layer right after PMPI_Init / PMPI_Init_thread succeeded, in every rank. Collective
 * over MPI_COMM_WORLD: either every rank's runtime becomes active or none (the reason is printed once on
 * stderr). Never fails the program's MPI_Init: returns 0 when checkpointing is on, 1 when it is off.
 */
int native_snapc_runtime_start(const native_snapc_mpi_t *mpi);

/* Called by the profiling layer at the start of MPI_Finalize, before PMPI_Finalize. Collective. 0 or an Open MPI error code. */
int native_snapc_runtime_stop(void);

/*
 * A test point found a checkpoint request pending (or a stalled one): take part in the checkpoint now. Called by the
 * profiling layer only, never re-entered; returns at once when the runtime is not active.
 */
void native_snapc_runtime_test_point(void);

#ifdef __cplusplus
}
#endif

#endif /* NATIVE_SNAPC_RUNTIME_H */

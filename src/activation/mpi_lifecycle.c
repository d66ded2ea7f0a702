/*
 * MPI_Init, MPI_Init_thread and MPI_Finalize: the runtime starts right after PMPI_Init* and stops right before
 * PMPI_Finalize. What the runtime does is in libnative_snapc.so (C#); this file only hands it the MPI calls it
 * needs, as the versioned table of native_snapc/runtime.h, through adapters with MPI's own types.
 */
#include "activation.h"

volatile int native_snapc_test_points_armed;

static int adapt_comm_rank(void *comm, int *rank) { return PMPI_Comm_rank((MPI_Comm) comm, rank); }
static int adapt_comm_size(void *comm, int *size) { return PMPI_Comm_size((MPI_Comm) comm, size); }
static int adapt_barrier(void *comm) { return PMPI_Barrier((MPI_Comm) comm); }

static int adapt_bcast(void *buffer, int count, void *datatype, int root, void *comm)
{
    return PMPI_Bcast(buffer, count, (MPI_Datatype) datatype, root, (MPI_Comm) comm);
}

static int adapt_ibcast(void *buffer, int count, void *datatype, int root, void *comm, void **request)
{
    MPI_Request r = MPI_REQUEST_NULL;
    int rc = PMPI_Ibcast(buffer, count, (MPI_Datatype) datatype, root, (MPI_Comm) comm, &r);
    *request = (void *) r;
    return rc;
}

static int adapt_test(void **request, int *flag)
{
    MPI_Request r = (MPI_Request) *request;
    int rc = PMPI_Test(&r, flag, MPI_STATUS_IGNORE);
    *request = (void *) r;
    return rc;
}

static int adapt_allreduce(const void *sendbuf, void *recvbuf, int count, void *datatype, void *op, void *comm)
{
    return PMPI_Allreduce(sendbuf, recvbuf, count, (MPI_Datatype) datatype, (MPI_Op) op, (MPI_Comm) comm);
}

static int adapt_gather(const void *sendbuf, int sendcount, void *sendtype, void *recvbuf, int recvcount,
                        void *recvtype, int root, void *comm)
{
    return PMPI_Gather(sendbuf, sendcount, (MPI_Datatype) sendtype, recvbuf, recvcount, (MPI_Datatype) recvtype, root,
                       (MPI_Comm) comm);
}

static int adapt_info_get(void *info, const char *key, int valuelen, char *value, int *flag)
{
    return PMPI_Info_get((MPI_Info) info, key, valuelen, value, flag);
}

static void start_runtime(int thread_level)
{
    native_snapc_mpi_t mpi = {
        .size = sizeof(native_snapc_mpi_t),
        .version = NSNAPC_RUNTIME_MPI_VERSION,
        .thread_level = thread_level,
        .test_points_armed = &native_snapc_test_points_armed,
        .comm_world = (void *) MPI_COMM_WORLD,
        .type_int = (void *) MPI_INT,
        .type_char = (void *) MPI_CHAR,
        .op_max = (void *) MPI_MAX,
        .op_min = (void *) MPI_MIN,
        .request_null = (void *) MPI_REQUEST_NULL,
        .comm_rank = adapt_comm_rank,
        .comm_size = adapt_comm_size,
        .barrier = adapt_barrier,
        .bcast = adapt_bcast,
        .ibcast = adapt_ibcast,
        .test = adapt_test,
        .allreduce = adapt_allreduce,
        .gather = adapt_gather,
        .info_get = adapt_info_get,
        .info_null = (void *) MPI_INFO_NULL,
    };
    /* The program's MPI_Init never fails because of checkpointing: the runtime says why it is off and returns. */
    (void) native_snapc_runtime_start(&mpi);
}

int MPI_Init(int *argc, char ***argv)
{
    int rc = PMPI_Init(argc, argv);
    if (MPI_SUCCESS == rc) {
        start_runtime(MPI_THREAD_SINGLE);
    }
    return rc;
}

int MPI_Init_thread(int *argc, char ***argv, int required, int *provided)
{
    int rc = PMPI_Init_thread(argc, argv, required, provided);
    if (MPI_SUCCESS == rc) {
        start_runtime(NULL == provided ? required : *provided);
    }
    return rc;
}

int MPI_Finalize(void)
{
    native_snapc_test_points_armed = 0;
    (void) native_snapc_runtime_stop();
    return PMPI_Finalize();
}

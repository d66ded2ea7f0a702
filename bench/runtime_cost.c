/*
 * What the runtime adds to a rank (docs/runtime.md#cost): MPI_Init and MPI_Finalize, a safe point with nothing
 * pending, and an MPI call that carries a test point (MPI_Test of MPI_REQUEST_NULL, the cheapest one). The same
 * binary runs with the runtime (under native-snapc run, which preloads the activation library) and without it
 * (plain mpirun); bench/runtime_cost.sh alternates the two and takes the medians.
 *
 * Prints one line from rank 0: init_ms=<the slowest rank's MPI_Init> finalize_ms=<rank 0's MPI_Finalize>
 * test_point_ns=<per MPI_Test call> safe_point_us=<median>.
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <native_snapc/mpiext_cr.h>

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    double t0 = now_us();
    if (MPI_SUCCESS != MPI_Init(&argc, &argv)) {
        return 3;
    }
    double init_ms = (now_us() - t0) / 1e3;
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    double slowest_init_ms = 0;
    MPI_Allreduce(&init_ms, &slowest_init_ms, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);

    /* A test point on an MPI call, nothing pending: many calls, the time per call. */
    const long calls = 2000000;
    MPI_Request request = MPI_REQUEST_NULL;
    int flag = 0;
    MPI_Barrier(MPI_COMM_WORLD);
    double t1 = now_us();
    for (long i = 0; i < calls; ++i) {
        MPI_Test(&request, &flag, MPI_STATUS_IGNORE);
    }
    double test_point_ns = (now_us() - t1) * 1e3 / calls;

    /* A safe point, nothing pending: timed one by one. */
    enum { SAFE_POINTS = 2000 };
    static double safe[SAFE_POINTS];
    MPI_Barrier(MPI_COMM_WORLD);
    for (int i = 0; i < SAFE_POINTS; ++i) {
        int checkpointed = 0;
        double s = now_us();
        native_snapc_safe_point(MPI_COMM_WORLD, &checkpointed);
        safe[i] = now_us() - s;
    }
    qsort(safe, SAFE_POINTS, sizeof safe[0], compare_doubles);

    MPI_Barrier(MPI_COMM_WORLD);
    double t2 = now_us();
    MPI_Finalize();
    double finalize_ms = (now_us() - t2) / 1e3;
    if (0 == rank) {
        printf("init_ms=%.2f finalize_ms=%.2f test_point_ns=%.1f safe_point_us=%.2f\n", slowest_init_ms, finalize_ms,
               test_point_ns, safe[SAFE_POINTS / 2]);
    }
    return 0;
}

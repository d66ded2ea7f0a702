/*
 * cr_app: an MPI program written the way a site's program would be, against <mpi.h> and
 * <native_snapc/mpiext_cr.h> only: no Open MPI internal header, no reference runtime. The native-snapc runtime gets
 * into it with LD_PRELOAD=libnative_snapc_mpi.so.
 *
 * It counts: every iteration each rank adds (rank + 1) * iteration to its sum and the ranks exchange a token
 * around a ring (MPI_Sendrecv) and reduce the sums (MPI_Allreduce), so every MPI call family the test points
 * cover is used. Its state is (next iteration, sum); the "self" checkpoint callback writes it into the snapshot
 * directory and names the restart command; the restart callback reads it back.
 *
 * usage: cr_app [--iterations N] [--pause-us US] [--mode safe|api|testpoint|quiesce|plain|cost] [--at K[,K...]]
 *               [--callbacks registered|none] [--resume DIR] [--hold K:MS] [--thread-multiple]
 *   safe       native_snapc_safe_point every iteration (a checkpoint requested from outside is taken there)
 *   api        OMPI_CR_Checkpoint at the iterations of --at
 *   testpoint  nothing: a request from outside is taken at a test point on an MPI call
 *   quiesce    OMPI_CR_Quiesce_start / _checkpoint / _end around the iterations of --at
 *   plain      no C/R calls at all
 *   cost       times --iterations safe points with nothing pending (after a barrier) and prints the median
 * --hold K:MS: at iteration K every rank prints "CRAPP holding" and sleeps MS outside MPI (a test can then request a
 * checkpoint that every rank will meet at its next MPI call). --thread-multiple: MPI_Init_thread(MPI_THREAD_MULTIPLE).
 * Callbacks: registered through OMPI_CR_self_register_*_callback after MPI_Init (default), or none. The same program
 * built as cr_app_named defines opal_crs_self_user_* instead (found by name: linked -rdynamic); run it with
 * --callbacks named.
 *
 * Output lines (stdout, whole lines): CRAPP <what> rank=<r> ...; rank 0 prints RESULT sum=<s> iterations=<n>.
 */
#define _GNU_SOURCE
#include <mpi.h>

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <native_snapc/mpiext_cr.h>

static struct {
    long iterations;
    long pause_us;
    const char *mode;
    const char *callbacks;
    long at[16];
    int at_count;
    const char *resume;
    long hold_at, hold_ms;
    bool thread_multiple;
    char exe[4096];
} opt = {.hold_at = -1, .iterations = 200, .pause_us = 2000, .mode = "safe", .callbacks = "registered"};

static int rank, nprocs;
static long next_iteration;
static long long sum;
static int checkpoints_saved, restarts;

static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void out(const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    printf("%s\n", line);
    fflush(stdout);
}

/* ---- the state and the "self" callbacks ---------------------------------------------------------- */

static int save_state(char **restart_cmd)
{
    const char *dir = native_snapc_crs_self_snapshot_directory();
    if (NULL == dir) {
        out("CRAPP save-failed rank=%d reason=no-snapshot-directory", rank);
        return -1;
    }
    char path[4200];
    snprintf(path, sizeof(path), "%s/cr_app_state.txt", dir);
    FILE *f = fopen(path, "w");
    if (NULL == f) {
        out("CRAPP save-failed rank=%d reason=%s", rank, strerror(errno));
        return -1;
    }
    fprintf(f, "%d %ld %lld\n", rank, next_iteration, sum);
    if (0 != fclose(f)) {
        return -1;
    }
    char cmd[8400];
    int n = snprintf(cmd, sizeof(cmd), "%s --iterations %ld --pause-us %ld --mode %s --callbacks %s --resume %s", opt.exe,
                     opt.iterations, opt.pause_us, opt.mode, opt.callbacks, dir);
    for (int i = 0; i < opt.at_count && n < (int)sizeof(cmd) - 32; ++i) {
        n += snprintf(cmd + n, sizeof(cmd) - (size_t)n, "%s%ld", 0 == i ? " --at " : ",", opt.at[i]);
    }
    *restart_cmd = strdup(cmd);
    ++checkpoints_saved;
    out("CRAPP saved rank=%d iteration=%ld sum=%lld dir=%s", rank, next_iteration, sum, dir);
    return NULL == *restart_cmd ? -1 : 0;
}

static int load_state(void)
{
    ++restarts;
    if (NULL == opt.resume) {
        out("CRAPP restart-callback rank=%d resume=none", rank);
        return 0;
    }
    char path[4200];
    snprintf(path, sizeof(path), "%s/cr_app_state.txt", opt.resume);
    FILE *f = fopen(path, "r");
    int saved_rank = -1;
    if (NULL == f || 3 != fscanf(f, "%d %ld %lld", &saved_rank, &next_iteration, &sum)) {
        out("CRAPP restore-failed rank=%d path=%s", rank, path);
        if (NULL != f) {
            fclose(f);
        }
        return -1;
    }
    fclose(f);
    out("CRAPP restored rank=%d iteration=%ld sum=%lld count=%d", saved_rank, next_iteration, sum, restarts);
    return 0;
}

static int continue_after(void)
{
    return 0;
}

#ifdef CR_APP_NAMED_CALLBACKS
/* cr_app_named: the callbacks are found by name (the executable is linked -rdynamic) instead of registered. */
int opal_crs_self_user_checkpoint(char **restart_cmd);
int opal_crs_self_user_restart(void);
int opal_crs_self_user_continue(void);

int opal_crs_self_user_checkpoint(char **restart_cmd)
{
    return save_state(restart_cmd);
}

int opal_crs_self_user_restart(void)
{
    return load_state();
}

int opal_crs_self_user_continue(void)
{
    return continue_after();
}
#endif

/* ---- options --------------------------------------------------------------------------------------- */

static void parse(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (0 == strcmp(a, "--iterations") && v) {
            opt.iterations = atol(v), ++i;
        } else if (0 == strcmp(a, "--pause-us") && v) {
            opt.pause_us = atol(v), ++i;
        } else if (0 == strcmp(a, "--mode") && v) {
            opt.mode = v, ++i;
        } else if (0 == strcmp(a, "--callbacks") && v) {
            opt.callbacks = v, ++i;
        } else if (0 == strcmp(a, "--resume") && v) {
            opt.resume = v, ++i;
        } else if (0 == strcmp(a, "--hold") && v && 2 == sscanf(v, "%ld:%ld", &opt.hold_at, &opt.hold_ms)) {
            ++i;
        } else if (0 == strcmp(a, "--thread-multiple")) {
            opt.thread_multiple = true;
        } else if (0 == strcmp(a, "--at") && v) {
            char *copy = strdup(v), *save = NULL;
            for (char *t = strtok_r(copy, ",", &save); NULL != t && opt.at_count < 16; t = strtok_r(NULL, ",", &save)) {
                opt.at[opt.at_count++] = atol(t);
            }
            free(copy);
            ++i;
        } else {
            fprintf(stderr, "cr_app: unknown argument %s\n", a);
            exit(2);
        }
    }
    ssize_t n = readlink("/proc/self/exe", opt.exe, sizeof(opt.exe) - 1);
    opt.exe[n > 0 ? n : 0] = '\0';
}

static bool at(long iteration)
{
    for (int i = 0; i < opt.at_count; ++i) {
        if (opt.at[i] == iteration) {
            return true;
        }
    }
    return false;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The cost of a safe point with nothing pending: one small MPI_Allreduce, timed one by one after a barrier. */
static int measure_safe_points(void)
{
    long n = opt.iterations;
    double *times = calloc((size_t)n, sizeof(double));
    MPI_Barrier(MPI_COMM_WORLD);
    for (long i = 0; i < n; ++i) {
        int checkpointed = 0;
        double t0 = MPI_Wtime();
        native_snapc_safe_point(MPI_COMM_WORLD, &checkpointed);
        times[i] = (MPI_Wtime() - t0) * 1e6;
    }
    qsort(times, (size_t)n, sizeof(double), compare_doubles);
    out("CRAPP cost rank=%d safe_points=%ld median_us=%.2f p99_us=%.2f", rank, n, times[n / 2], times[(long)(n * 0.99)]);
    free(times);
    MPI_Finalize();
    return 0;
}

int main(int argc, char **argv)
{
    parse(argc, argv);
    int provided = -1;
    if (opt.thread_multiple ? MPI_SUCCESS != MPI_Init_thread(&argc, &argv, MPI_THREAD_MULTIPLE, &provided)
                            : MPI_SUCCESS != MPI_Init(&argc, &argv)) {
        return 3;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &nprocs);
    if (0 == strcmp(opt.callbacks, "registered")) {
        /* after MPI_Init, as a program written for Open MPI's extension does; a restarted program's restart
         * callback is called here, once */
        int rc = OMPI_CR_self_register_checkpoint_callback(save_state);
        rc |= OMPI_CR_self_register_continue_callback(continue_after);
        rc |= OMPI_CR_self_register_restart_callback(load_state);
        out("CRAPP registered rank=%d rc=%d restarts=%d", rank, rc, restarts);
    }
    if (NULL != opt.resume && 0 == restarts) {
        out("CRAPP not-restored rank=%d", rank);
    }
    out("CRAPP start rank=%d nprocs=%d pid=%d iteration=%ld provided=%d", rank, nprocs, (int)getpid(), next_iteration, provided);
    if (0 == strcmp(opt.mode, "cost")) {
        return measure_safe_points();
    }

    int left = (rank + nprocs - 1) % nprocs, right = (rank + 1) % nprocs;
    for (; next_iteration < opt.iterations; ++next_iteration) {
        long i = next_iteration;
        if (0 == strcmp(opt.mode, "safe")) {
            int checkpointed = 0;
            int rc = native_snapc_safe_point(MPI_COMM_WORLD, &checkpointed);
            if (MPI_SUCCESS != rc || checkpointed) {
                out("CRAPP safe-point rank=%d iteration=%ld rc=%d checkpointed=%d", rank, i, rc, checkpointed);
            }
        } else if (0 == strcmp(opt.mode, "api") && at(i)) {
            char *handle = NULL;
            int seq = -2;
            int rc = OMPI_CR_Checkpoint(&handle, &seq, NULL);
            out("CRAPP checkpoint rank=%d iteration=%ld rc=%d seq=%d handle=%s", rank, i, rc, seq, handle ? handle : "(null)");
            free(handle);
        } else if (0 == strcmp(opt.mode, "quiesce") && at(i)) {
            int rc = OMPI_CR_Quiesce_start(MPI_COMM_WORLD, NULL);
            out("CRAPP quiesce-start rank=%d iteration=%ld rc=%d", rank, i, rc);
            char *handle = NULL;
            int seq = -2;
            int rc2 = OMPI_CR_Quiesce_checkpoint(MPI_COMM_WORLD, &handle, &seq, NULL);
            out("CRAPP quiesce-checkpoint rank=%d iteration=%ld rc=%d seq=%d handle=%s", rank, i, rc2, seq, handle ? handle : "(null)");
            free(handle);
            int rc3 = OMPI_CR_Quiesce_end(MPI_COMM_WORLD, NULL);
            out("CRAPP quiesce-end rank=%d iteration=%ld rc=%d", rank, i, rc3);
        }
        /* the exchange first: at a test point on its entry the state is (i, the sum before i), as at a safe point */
        long token = i * 1000 + rank, got = -1;
        MPI_Sendrecv(&token, 1, MPI_LONG, right, 7, &got, 1, MPI_LONG, left, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (got != i * 1000 + left) {
            out("CRAPP ring-broken rank=%d iteration=%ld got=%ld", rank, i, got);
            MPI_Abort(MPI_COMM_WORLD, 4);
        }
        sum += (long long)(rank + 1) * (i + 1);
        if (opt.pause_us > 0) {
            usleep((useconds_t)opt.pause_us);
        }
        if (i == opt.hold_at) {
            out("CRAPP holding rank=%d iteration=%ld", rank, i);
            usleep((useconds_t)(opt.hold_ms * 1000));
        }
    }
    long long total = 0;
    MPI_Allreduce(&sum, &total, 1, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
    if (0 == rank) {
        out("RESULT sum=%lld iterations=%ld", total, opt.iterations);
    }
    out("CRAPP done rank=%d saved=%d restarts=%d", rank, checkpoints_saved, restarts);
    MPI_Finalize();
    return 0;
}

/*
 * snapc_demo: a small stateful MPI program checkpointed by native-snapc, written as a site's program is: against
 * <mpi.h> and native-snapc's public headers only (native_snapc/mpiext_cr.h, native_snapc/crs_self.h). The runtime
 * gets into its ranks with LD_PRELOAD=libnative_snapc_mpi.so; without it the program runs as a plain MPI program
 * (the uninterrupted reference run).
 *
 * The computation: heat diffusing around a ring of cells shared out among the ranks, with a source that
 * moves every step, for a fixed number of iterations (halo exchange with MPI_Sendrecv each step). The
 * result is a 64-bit FNV-1a hash of every cell's bytes after the last step, gathered on rank 0: any
 * difference in any cell of any rank at any step shows.
 *
 * The "self" checkpointer saves only what the application saves, so the checkpoint must be taken where every rank's
 * state belongs to the same step: a safe point (native_snapc_safe_point) at every iteration boundary, where a
 * checkpoint requested from outside is taken by all ranks together. Its callbacks are registered through Open MPI's
 * C/R API after MPI_Init:
 *   checkpoint  writes heat_state.bin into the snapshot directory (fsynced) and names the restart command
 *               "<this program> --resume <snapshot dir> <problem options>";
 *   restart     runs in the restarted program when it registers the callback, and loads that file: the loop goes
 *               on from its step.
 *
 * usage: snapc_demo [--iterations N] [--cells PER_RANK] [--pause-us US] [--resume SNAPSHOT_DIR]
 * environment: NSNAPC_DEMO_PROGRESS (lines between progress lines, 20 per run by default), NSNAPC_DEMO_KILL (a
 *   fault for tests, on the last rank: "<n>:<iterations>" = SIGKILL itself that many iterations after its n-th
 *   checkpoint; "save:<n>" = SIGKILL itself halfway through writing its n-th checkpoint's state).
 * Output (rank 0 unless noted): START, PROGRESS, CHECKPOINT (every rank), RESUMED (every rank), RESULT.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mpi.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "native_snapc/crs_self.h"
#include "native_snapc/mpiext_cr.h"

#define STATE_FILE "heat_state.bin"
#define STATE_MAGIC 0x31444e5343414e53ull /* "SNACSND1" */

/* The saved state: this header, then the rank's cells, then the FNV-1a hash of both. */
typedef struct {
    uint64_t magic;
    int32_t rank, nprocs;
    int64_t cells, iterations, next_iteration;
} state_header_t;

static struct {
    long iterations;
    long cells; /* per rank */
    long pause_us;
    const char *resume_dir;
    char exe[PATH_MAX];
} opt = {.iterations = 3000, .cells = 4096, .pause_us = 1000};

static int rank, nprocs;
static double *cells;  /* cells[0] and cells[n+1] are the neighbours' halo */
static double *next;
static long iteration; /* the next step to compute */
static bool restored;
static int checkpoints_taken;
static double last_save_ms;
static struct {
    int after_checkpoint; /* 0: none */
    long after_iterations;
    bool during_save;
} kill_plan;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static uint64_t fnv1a(uint64_t hash, const void *data, size_t size)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < size; ++i) {
        hash = (hash ^ p[i]) * 0x100000001b3ull;
    }
    return hash;
}

#define FNV_OFFSET 0xcbf29ce484222325ull

static void die_by_sigkill(const char *why)
{
    printf("KILLED rank=%d iteration=%ld reason=%s\n", rank, iteration, why);
    fflush(stdout);
    raise(SIGKILL);
}

/* ---- the computation -------------------------------------------------------------------------- */

static void initialise_cells(void)
{
    for (long i = 1; i <= opt.cells; ++i) {
        long global = (long)rank * opt.cells + i - 1;
        cells[i] = (double)((global * 7919) % 1000) / 1000.0;
    }
}

static void step(void)
{
    int left = (rank + nprocs - 1) % nprocs, right = (rank + 1) % nprocs;
    MPI_Sendrecv(&cells[opt.cells], 1, MPI_DOUBLE, right, 0, &cells[0], 1, MPI_DOUBLE, left, 0, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
    MPI_Sendrecv(&cells[1], 1, MPI_DOUBLE, left, 1, &cells[opt.cells + 1], 1, MPI_DOUBLE, right, 1, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
    long total = opt.cells * nprocs;
    long source = (iteration * 37) % total - (long)rank * opt.cells + 1; /* the heat source wanders */
    for (long i = 1; i <= opt.cells; ++i) {
        next[i] = cells[i] + 0.24 * (cells[i - 1] - 2.0 * cells[i] + cells[i + 1]);
        if (i == source) {
            next[i] += 1.0;
        }
        next[i] *= 0.9999;
    }
    double *t = cells;
    cells = next;
    next = t;
    ++iteration;
}

/* ---- the "self" callbacks ------------------------------------------------------------------------ */

static int write_all(int fd, const void *data, size_t size)
{
    const char *p = data;
    while (size > 0) {
        ssize_t n = write(fd, p, size);
        if (n < 0 && EINTR == errno) {
            continue;
        }
        if (n <= 0) {
            return -1;
        }
        p += n;
        size -= (size_t)n;
    }
    return 0;
}

static int save_state(const char *dir)
{
    char path[PATH_MAX];
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, STATE_FILE) >= sizeof(path)) {
        return -1;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        fprintf(stderr, "snapc_demo: rank %d: cannot create %s: %s\n", rank, path, strerror(errno));
        return -1;
    }
    state_header_t h = {.magic = STATE_MAGIC, .rank = rank, .nprocs = nprocs, .cells = opt.cells,
                        .iterations = opt.iterations, .next_iteration = iteration};
    size_t half = (size_t)opt.cells / 2;
    uint64_t hash = fnv1a(FNV_OFFSET, &h, sizeof(h));
    hash = fnv1a(hash, &cells[1], sizeof(double) * (size_t)opt.cells);
    int rc = write_all(fd, &h, sizeof(h));
    rc = 0 == rc ? write_all(fd, &cells[1], sizeof(double) * half) : rc;
    if (0 == rc && kill_plan.during_save && checkpoints_taken + 1 == kill_plan.after_checkpoint) {
        fsync(fd); /* the half that is written is on disk: a torn state file, as a crash leaves it */
        die_by_sigkill("during-save");
    }
    rc = 0 == rc ? write_all(fd, &cells[1 + half], sizeof(double) * ((size_t)opt.cells - half)) : rc;
    rc = 0 == rc ? write_all(fd, &hash, sizeof(hash)) : rc;
    rc = 0 == rc ? fsync(fd) : rc; /* on disk before the checkpointer records the snapshot as complete */
    if (0 != close(fd) || 0 != rc) {
        fprintf(stderr, "snapc_demo: rank %d: cannot write %s: %s\n", rank, path, strerror(errno));
        return -1;
    }
    return 0;
}

static int checkpoint_callback(char **restart_cmd)
{
    double t0 = now_ms();
    const char *dir = native_snapc_crs_self_snapshot_directory();
    if (NULL == dir || 0 != save_state(dir)) {
        return -1;
    }
    /* split on blanks by the checkpointer: none of these may contain one */
    if (NULL != strpbrk(opt.exe, " \t") || NULL != strpbrk(dir, " \t")) {
        fprintf(stderr, "snapc_demo: a path with a blank cannot be in a restart command\n");
        return -1;
    }
    if (asprintf(restart_cmd, "%s --resume %s --iterations %ld --cells %ld --pause-us %ld", opt.exe, dir,
                 opt.iterations, opt.cells, opt.pause_us) < 0) {
        return -1;
    }
    ++checkpoints_taken;
    last_save_ms = now_ms() - t0;
    return 0;
}

static int continue_callback(void)
{
    return 0;
}

static int load_state(const char *dir)
{
    char path[PATH_MAX];
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, STATE_FILE) >= sizeof(path)) {
        return -1;
    }
    FILE *f = fopen(path, "rb");
    if (NULL == f) {
        fprintf(stderr, "snapc_demo: rank %d: cannot read %s: %s\n", rank, path, strerror(errno));
        return -1;
    }
    state_header_t h;
    uint64_t saved_hash = 0;
    bool ok = 1 == fread(&h, sizeof(h), 1, f) && STATE_MAGIC == h.magic && h.rank == rank && h.nprocs == nprocs
              && h.cells == opt.cells && h.iterations == opt.iterations && h.next_iteration >= 0
              && h.next_iteration <= opt.iterations
              && (size_t)opt.cells == fread(&cells[1], sizeof(double), (size_t)opt.cells, f)
              && 1 == fread(&saved_hash, sizeof(saved_hash), 1, f) && EOF == fgetc(f);
    fclose(f);
    if (ok) {
        uint64_t hash = fnv1a(fnv1a(FNV_OFFSET, &h, sizeof(h)), &cells[1], sizeof(double) * (size_t)opt.cells);
        ok = hash == saved_hash;
    }
    if (!ok) {
        fprintf(stderr, "snapc_demo: rank %d: %s is not this job's state (torn, foreign or garbled)\n", rank, path);
        return -1;
    }
    iteration = (long)h.next_iteration;
    return 0;
}

static int restart_callback(void)
{
    if (NULL == opt.resume_dir || 0 != load_state(opt.resume_dir)) {
        return -1;
    }
    restored = true;
    return 0;
}

/* ---- the checkpoint point ----------------------------------------------------------------------- */

/* At an iteration boundary: a checkpoint requested from outside is taken here, by every rank together. */
static void checkpoint_point(void)
{
    int before = checkpoints_taken, checkpointed = 0;
    double t0 = now_ms();
    int rc = native_snapc_safe_point(MPI_COMM_WORLD, &checkpointed);
    double ms = now_ms() - t0;
    if (checkpointed && checkpoints_taken != before) {
        printf("CHECKPOINT rank=%d n=%d iteration=%ld ms=%.1f save_ms=%.1f\n", rank, checkpoints_taken, iteration,
               ms, last_save_ms);
        fflush(stdout);
    } else if (MPI_SUCCESS != rc || checkpoints_taken != before) {
        printf("CHECKPOINT-FAILED rank=%d iteration=%ld ms=%.1f rc=%d\n", rank, iteration, ms, rc);
        fflush(stdout);
    }
}

/* ---- main ----------------------------------------------------------------------------------------- */

/* A whole number in [min, max], or false. */
static bool parse_long(const char *text, long min, long max, long *value)
{
    if (NULL == text || '\0' == *text) {
        return false;
    }
    char *end = NULL;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (0 != errno || '\0' != *end || v < min || v > max) {
        return false;
    }
    *value = v;
    return true;
}

static void usage(void)
{
    fprintf(stderr, "usage: snapc_demo [--iterations N] [--cells PER_RANK] [--pause-us US] [--resume SNAPSHOT_DIR]\n");
    exit(2);
}

static void parse_kill_plan(const char *spec)
{
    long n = 0, after = 0;
    if (NULL == spec || '\0' == *spec) {
        return;
    }
    char copy[64];
    snprintf(copy, sizeof(copy), "%s", spec);
    char *colon = strchr(copy, ':');
    if (NULL == colon) {
        usage();
    }
    *colon = '\0';
    if (0 == strcmp(copy, "save") && parse_long(colon + 1, 1, 1000, &n)) {
        kill_plan.during_save = true;
        kill_plan.after_checkpoint = (int)n;
    } else if (parse_long(copy, 1, 1000, &n) && parse_long(colon + 1, 0, LONG_MAX / 2, &after)) {
        kill_plan.after_checkpoint = (int)n;
        kill_plan.after_iterations = after;
    } else {
        fprintf(stderr, "snapc_demo: bad NSNAPC_DEMO_KILL '%s' (<n>:<iterations> or save:<n>)\n", spec);
        exit(2);
    }
}

/* The program's part of checkpointing: its callbacks, registered through Open MPI's C/R API. In a restarted program
 * the restart callback runs right here, once. */
static int register_callbacks(void)
{
    int rc = OMPI_CR_self_register_checkpoint_callback(checkpoint_callback);
    rc = MPI_SUCCESS == rc ? OMPI_CR_self_register_continue_callback(continue_callback) : rc;
    rc = MPI_SUCCESS == rc ? OMPI_CR_self_register_restart_callback(restart_callback) : rc;
    if (MPI_SUCCESS != rc) {
        fprintf(stderr, "snapc_demo: rank %d: cannot register the checkpoint callbacks (%d)\n", rank, rc);
        return -1;
    }
    if (NULL != opt.resume_dir && !restored) {
        fprintf(stderr, "snapc_demo: rank %d: restarted, but the state in %s was not restored\n", rank, opt.resume_dir);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (0 == strcmp(argv[i], "--iterations") && parse_long(val, 1, 100000000, &opt.iterations)) {
        } else if (0 == strcmp(argv[i], "--cells") && parse_long(val, 1, 1 << 24, &opt.cells)) {
        } else if (0 == strcmp(argv[i], "--pause-us") && parse_long(val, 0, 1000000, &opt.pause_us)) {
        } else if (0 == strcmp(argv[i], "--resume") && NULL != val) {
            opt.resume_dir = val;
        } else {
            usage();
        }
        ++i;
    }
    ssize_t len = readlink("/proc/self/exe", opt.exe, sizeof(opt.exe) - 1);
    if (len <= 0) {
        fprintf(stderr, "snapc_demo: cannot find its own path\n");
        return 2;
    }
    opt.exe[len] = '\0';

    if (MPI_SUCCESS != MPI_Init(&argc, &argv)) {
        return 2;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &nprocs);
    if (rank == nprocs - 1) {
        parse_kill_plan(getenv("NSNAPC_DEMO_KILL"));
    }
    long progress_lines = 20;
    parse_long(getenv("NSNAPC_DEMO_PROGRESS"), 1, 1000000, &progress_lines);
    long progress_every = opt.iterations / progress_lines > 0 ? opt.iterations / progress_lines : 1;

    cells = calloc((size_t)opt.cells + 2, sizeof(double));
    next = calloc((size_t)opt.cells + 2, sizeof(double));
    if (NULL == cells || NULL == next) {
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    initialise_cells();

    const char *runtime_dir = getenv("NATIVE_SNAPC_RUNTIME_DIR");
    bool checkpointing = NULL != runtime_dir && '\0' != *runtime_dir;
    int setup = register_callbacks();
    int setup_all = 0;
    MPI_Allreduce(&setup, &setup_all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (0 != setup_all) {
        MPI_Abort(MPI_COMM_WORLD, 3);
    }
    if (restored) {
        printf("RESUMED rank=%d iteration=%ld from=%s\n", rank, iteration, opt.resume_dir);
        fflush(stdout);
    }
    long first = iteration;
    long min_first = 0;
    MPI_Allreduce(&first, &min_first, 1, MPI_LONG, MPI_MIN, MPI_COMM_WORLD);
    if (min_first != first) {
        fprintf(stderr, "snapc_demo: rank %d resumed at iteration %ld, another at %ld\n", rank, first, min_first);
        MPI_Abort(MPI_COMM_WORLD, 3);
    }
    if (0 == rank) {
        printf("START ranks=%d cells=%ld iterations=%ld from=%ld checkpointing=%s\n", nprocs, opt.cells * nprocs,
               opt.iterations, iteration, checkpointing ? "self" : "no");
        fflush(stdout);
    }

    long killed_countdown = -1;
    while (iteration < opt.iterations) {
        step();
        checkpoint_point();
        if (kill_plan.after_checkpoint > 0 && !kill_plan.during_save) {
            if (killed_countdown < 0 && checkpoints_taken >= kill_plan.after_checkpoint) {
                killed_countdown = kill_plan.after_iterations;
            }
            if (0 == killed_countdown--) {
                die_by_sigkill("after-checkpoint");
            }
        }
        if (0 == rank && 0 == iteration % progress_every) {
            printf("PROGRESS iteration=%ld/%ld\n", iteration, opt.iterations);
            fflush(stdout);
        }
        if (opt.pause_us > 0) {
            usleep((useconds_t)opt.pause_us);
        }
    }

    /* the result: a hash of every cell, in rank order */
    double *all = 0 == rank ? calloc((size_t)(opt.cells * nprocs), sizeof(double)) : NULL;
    MPI_Gather(&cells[1], (int)opt.cells, MPI_DOUBLE, all, (int)opt.cells, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    if (0 == rank) {
        double heat = 0;
        for (long i = 0; i < opt.cells * nprocs; ++i) {
            heat += all[i];
        }
        uint64_t hash = fnv1a(FNV_OFFSET, all, sizeof(double) * (size_t)(opt.cells * nprocs));
        printf("RESULT iterations=%ld hash=%016llx heat=%.17g\n", opt.iterations, (unsigned long long)hash, heat);
        fflush(stdout);
        free(all);
    }

    MPI_Finalize();
    free(cells);
    free(next);
    return 0;
}

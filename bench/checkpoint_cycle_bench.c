/*
 * checkpoint_cycle_bench: the application side of one checkpoint cycle (signal -> LOCAL_FINISH), through
 * libnative_snapc.so and, in the same run, through a plain-C implementation of the same exchange, with a
 * no-op checkpointer. Reports median and p99 of both and their ratio, plus the time of dlopen and the
 * first app_coord_init and the resident memory the library adds.
 *
 * The process is a real Open MPI 4.1 singleton (MPI_Init: real opal_cr, real opal_dss, real PMIx fence)
 * whose dormant C/R parts are filled with minimal doubles: RML sends go to a pipe the local-coordinator
 * child reads (LOCAL_FINISH ends a cycle), sstore calls succeed and do nothing, the CRS only sets the state.
 * A forked child plays the local coordinator of snapc_full_local.c (signal, FIFO handshake, release).
 * The application loop calls the real opal_cr_test_if_checkpoint_ready() in both modes.
 *
 * usage: checkpoint_cycle_bench <libnative_snapc.so> [cycles per implementation] [blocks]
 */
#define _GNU_SOURCE
#include <mpi.h>

#include "opal/class/opal_object.h"
#include "opal/dss/dss.h"
#include "opal/mca/crs/crs.h"
#include "opal/mca/crs/base/base.h"
#include "opal/mca/pmix/pmix.h"
#include "opal/runtime/opal_cr.h"
#include "orte/mca/rml/rml.h"
#include "orte/mca/snapc/snapc.h"
#include "orte/mca/sstore/sstore.h"
#include "orte/runtime/orte_globals.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern int orte_mgmt_conduit;

enum { LOCAL_FINISH_CMD = 5, REQUEST_OP_CMD = 8, TAG_SNAPC = 24, TAG_SNAPC_FULL = 25 };

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static long rss_kib(void)
{
    FILE *status = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (status != NULL && fgets(line, sizeof line, status) != NULL) {
        if (sscanf(line, "VmRSS: %ld kB", &kib) == 1) {
            break;
        }
    }
    if (status != NULL) {
        fclose(status);
    }
    return kib;
}

static void die(const char *what)
{
    perror(what);
    exit(2);
}

/* ---- where a cycle's time goes --------------------------------------------------------------------- */

/* Timestamps (CLOCK_MONOTONIC, ns) of one cycle, written by both processes into memory they share: the local
 * coordinator's steps (L_*) and the application's, seen where both implementations do the same thing — the request
 * noticed by the application loop, and the host calls (A_*). */
enum {
    L_SIGNAL, L_FIFOS_EXIST, L_OPENED, L_OPTIONS_WRITTEN, L_RESPONSE_READ, L_SENTINEL_WRITTEN, L_FINAL_READ,
    L_RELEASED, L_FINISH_READ, A_REQUEST_NOTICED, A_REGISTER, A_CRS_ENTER, A_CRS_LEAVE, A_SYNC, A_FINISH_SENT,
    MARK_COUNT
};
typedef struct {
    uint64_t t[MARK_COUNT];
} cycle_marks_t;

static cycle_marks_t *marks; /* MAP_SHARED: one per cycle of the current block, warm-up included */

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static int current_cycle(void);

static void mark(int cycle, int what)
{
    if (NULL != marks && cycle >= 0) {
        marks[cycle].t[what] = now_ns();
    }
}

/* The steps of the breakdown: from one mark to the next, in the order they happen. */
static const struct {
    const char *name;
    int from, to;
} segments[] = {
    {"signal -> request noticed by the loop", L_SIGNAL, A_REQUEST_NOTICED},
    {"FIFOs made (as the local coordinator sees them)", A_REQUEST_NOTICED, L_FIFOS_EXIST},
    {"rendezvous (local opens both)", L_FIFOS_EXIST, L_OPENED},
    {"options + handle written", L_OPENED, L_OPTIONS_WRITTEN},
    {"options read, response written", L_OPTIONS_WRITTEN, L_RESPONSE_READ},
    {"sentinel written", L_RESPONSE_READ, L_SENTINEL_WRITTEN},
    {"sentinel read -> sstore register", L_SENTINEL_WRITTEN, A_REGISTER},
    {"sstore register, attrs, INC prep", A_REGISTER, A_CRS_ENTER},
    {"checkpointer (no-op)", A_CRS_ENTER, A_CRS_LEAVE},
    {"-> sstore sync (CRS name, sync)", A_CRS_LEAVE, A_SYNC},
    {"final state written and read", A_SYNC, L_FINAL_READ},
    {"release written, FIFOs closed", L_FINAL_READ, L_RELEASED},
    {"release read, INC recover, LOCAL_FINISH sent", L_RELEASED, A_FINISH_SENT},
    {"LOCAL_FINISH delivered", A_FINISH_SENT, L_FINISH_READ},
};
#define SEGMENT_COUNT ((int) (sizeof segments / sizeof segments[0]))

/* ---- host doubles: RML, sstore, CRS ------------------------------------------------------------ */

static int finish_pipe = -1;          /* app -> child: one byte per LOCAL_FINISH, its cr_state */
static atomic_int local_finishes;
static int fin_ack_pending;

static int bench_send_buffer_nb(orte_rml_conduit_t conduit, orte_process_name_t *peer, opal_buffer_t *buffer,
                                orte_rml_tag_t tag, orte_rml_buffer_callback_fn_t cbfunc, void *cbdata)
{
    (void) conduit;
    if (tag == TAG_SNAPC && buffer->bytes_used > 4 && (uint8_t) buffer->base_ptr[4] == LOCAL_FINISH_CMD) {
        mark(current_cycle(), A_FINISH_SENT);
        atomic_fetch_add(&local_finishes, 1);
        /* [count][uint8 cmd][count][type tag][int32 BE cr_state]: the low byte of cr_state is at offset 13 */
        char byte = buffer->bytes_used >= 14 ? (char) buffer->base_ptr[13] : -1;
        if (write(finish_pipe, &byte, 1) != 1) {
            die("write finish pipe");
        }
    }
    if (tag == TAG_SNAPC_FULL) {
        fin_ack_pending = 1; /* INIT gets no reply; FIN is the only request answered here */
    }
    cbfunc(ORTE_SUCCESS, peer, buffer, tag, cbdata);
    return ORTE_SUCCESS;
}

static void bench_recv_buffer_nb(orte_process_name_t *peer, orte_rml_tag_t tag, bool persistent,
                                 orte_rml_buffer_callback_fn_t cbfunc, void *cbdata)
{
    (void) persistent;
    if (!fin_ack_pending) {
        return;
    }
    fin_ack_pending = 0;
    opal_buffer_t *reply = OBJ_NEW(opal_buffer_t);
    uint8_t command = REQUEST_OP_CMD;
    int event = ORTE_SNAPC_OP_FIN_ACK;
    opal_dss.pack(reply, &command, 1, OPAL_UINT8);
    opal_dss.pack(reply, &event, 1, OPAL_INT);
    cbfunc(ORTE_SUCCESS, peer, reply, tag, cbdata);
    OBJ_RELEASE(reply);
}

static void bench_recv_cancel(orte_process_name_t *peer, orte_rml_tag_t tag)
{
    (void) peer;
    (void) tag;
}

static int current_cycle(void)
{
    return atomic_load(&local_finishes);
}

static int sstore_register(orte_sstore_base_handle_t handle)
{
    (void) handle;
    mark(current_cycle(), A_REGISTER);
    return ORTE_SUCCESS;
}
static int sstore_get_attr(orte_sstore_base_handle_t h, orte_sstore_base_key_t k, char **value)
{
    (void) h;
    (void) k;
    *value = NULL;
    return ORTE_SUCCESS;
}
static int sstore_set_attr(orte_sstore_base_handle_t h, orte_sstore_base_key_t k, char *value)
{
    (void) h;
    (void) k;
    (void) value;
    return ORTE_SUCCESS;
}
static int sstore_sync(orte_sstore_base_handle_t handle)
{
    (void) handle;
    mark(current_cycle(), A_SYNC);
    return ORTE_SUCCESS;
}

static int noop_checkpoint(pid_t pid, opal_crs_base_snapshot_t *snapshot, opal_crs_base_ckpt_options_t *options,
                           opal_crs_state_type_t *state)
{
    (void) pid;
    (void) options;
    mark(current_cycle(), A_CRS_ENTER);
    if (snapshot->component_name == NULL) {
        snapshot->component_name = strdup("noop");
    }
    *state = OPAL_CRS_CONTINUE;
    mark(current_cycle(), A_CRS_LEAVE);
    return OPAL_SUCCESS;
}

/* The real PMIx fence, timed: app_coord_init's first call is reported with and without it. */
static opal_pmix_base_module_fence_fn_t real_fence;
static double fence_us;

static int timed_fence(opal_list_t *procs, int collect_data)
{
    double t0 = now_us();
    int rc = real_fence(procs, collect_data);
    fence_us += now_us() - t0;
    return rc;
}

static void fill_host(void)
{
    real_fence = opal_pmix.fence;
    opal_pmix.fence = timed_fence;
    orte_mgmt_conduit = 0;
    orte_rml.send_buffer_nb = bench_send_buffer_nb;
    orte_rml.recv_buffer_nb = bench_recv_buffer_nb;
    orte_rml.recv_cancel = bench_recv_cancel;
    orte_sstore.register_handle = sstore_register;
    orte_sstore.get_attr = sstore_get_attr;
    orte_sstore.set_attr = sstore_set_attr;
    orte_sstore.sync = sstore_sync;
    opal_crs.crs_checkpoint = noop_checkpoint;
    /* MPI_Init registers ompi_cr_coord, which walks communicators a non-FT build leaves half set up. */
    opal_cr_coord_callback_fn_t previous;
    opal_cr_reg_coord_callback(opal_cr_coord, &previous);
}

/* ---- the plain-C application side --------------------------------------------------------------- */

static atomic_int c_checkpointing;
static int c_unique_id;
static char c_read_path[512], c_write_path[512];

static void c_signal_handler(int signo)
{
    int expected = 0;
    if (signo == opal_cr_entry_point_signal && atomic_compare_exchange_strong(&c_checkpointing, &expected, 1)) {
        opal_cr_checkpoint_request = OPAL_CR_STATUS_REQUESTED;
    }
}

static void c_define_names(void)
{
    snprintf(c_read_path, sizeof c_read_path, "%s/%s.%d_%d", opal_cr_pipe_dir, OPAL_CR_NAMED_PROG_R, (int) getpid(), c_unique_id);
    snprintf(c_write_path, sizeof c_write_path, "%s/%s.%d_%d", opal_cr_pipe_dir, OPAL_CR_NAMED_PROG_W, (int) getpid(), c_unique_id);
    ++c_unique_id;
}

static int read_int(int fd, int *value) { return read(fd, value, sizeof *value) == (ssize_t) sizeof *value ? 0 : -1; }
static int write_int(int fd, int value) { return write(fd, &value, sizeof value) == (ssize_t) sizeof value ? 0 : -1; }

/* The exchange snapc_full_app.c performs, in C, with the same host calls, without its error reporting. */
static int c_notify_response(opal_cr_ckpt_cmd_state_t response)
{
    if (mkfifo(c_read_path, 0660) != 0 && errno != EEXIST) {
        return OPAL_ERROR;
    }
    int read_fd = open(c_read_path, O_RDWR);
    if (mkfifo(c_write_path, 0660) != 0 && errno != EEXIST) {
        return OPAL_ERROR;
    }
    int write_fd = open(c_write_path, O_WRONLY);
    int options[6], scratch;
    uint32_t handle;
    for (int i = 0; i < 6; ++i) {
        read_int(read_fd, &options[i]);
    }
    if (read(read_fd, &handle, sizeof handle) != (ssize_t) sizeof handle) {
        return OPAL_ERROR;
    }
    write_int(write_fd, (int) response);
    read_int(read_fd, &scratch); /* sentinel */

    orte_sstore.register_handle(handle);
    opal_crs_base_snapshot_t *snapshot = OBJ_NEW(opal_crs_base_snapshot_t);
    orte_sstore.get_attr(handle, SSTORE_METADATA_LOCAL_SNAP_LOC, &snapshot->snapshot_directory);
    orte_sstore.get_attr(handle, SSTORE_METADATA_LOCAL_SNAP_META, &snapshot->metadata_filename);
    opal_crs_base_ckpt_options_t *ckpt_options = OBJ_NEW(opal_crs_base_ckpt_options_t);
    int cr_state = OPAL_CRS_RUNNING;
    opal_cr_inc_core_prep();
    opal_cr_inc_core_ckpt(getpid(), snapshot, ckpt_options, &cr_state);
    orte_sstore.set_attr(handle, SSTORE_METADATA_LOCAL_CRS_COMP, snapshot->component_name);
    orte_sstore.sync(handle);
    write_int(write_fd, cr_state);
    read_int(read_fd, &scratch); /* release */
    opal_cr_inc_core_recover(cr_state);

    /* Ended before LOCAL_FINISH: the local coordinator signals the next cycle as soon as it sees it. */
    opal_cr_checkpointing_state = OPAL_CR_STATUS_NONE;
    atomic_store(&c_checkpointing, 0);
    opal_buffer_t *buffer = OBJ_NEW(opal_buffer_t);
    uint8_t command = LOCAL_FINISH_CMD;
    opal_dss.pack(buffer, &command, 1, OPAL_UINT8);
    opal_dss.pack(buffer, &cr_state, 1, OPAL_INT);
    orte_rml.send_buffer_nb((orte_rml_conduit_t) orte_mgmt_conduit, ORTE_PROC_MY_DAEMON, buffer, TAG_SNAPC,
                            orte_rml_send_callback, NULL);
    close(read_fd);
    close(write_fd);
    remove(c_read_path);
    remove(c_write_path);
    c_define_names();
    free(snapshot->component_name);
    OBJ_RELEASE(snapshot);
    OBJ_RELEASE(ckpt_options);
    return OPAL_SUCCESS;
}

/* ---- the local coordinator (child process) ------------------------------------------------------ */

/* One cycle as snapc_full_local.c drives it; returns microseconds from the signal to LOCAL_FINISH, negative
 * when the application reported a failed checkpoint (final state or LOCAL_FINISH not CONTINUE) although
 * nothing failed. */
static double local_cycle(pid_t app, int id, int finish_fd, int cycle)
{
    char read_path[512], write_path[512];
    snprintf(read_path, sizeof read_path, "%s/%s.%d_%d", opal_cr_pipe_dir, OPAL_CR_NAMED_PROG_R, (int) app, id);
    snprintf(write_path, sizeof write_path, "%s/%s.%d_%d", opal_cr_pipe_dir, OPAL_CR_NAMED_PROG_W, (int) app, id);

    double start = now_us();
    mark(cycle, L_SIGNAL);
    kill(app, opal_cr_entry_point_signal);
    double limit = start + 10e6;
    while (access(read_path, F_OK) != 0 || access(write_path, F_OK) != 0) {
        if (now_us() > limit) {
            fprintf(stderr, "bench: the application never created %s\n", write_path);
            exit(3);
        }
        usleep(20); /* the real daemon polls every ms; finer here, so polling does not dominate */
    }
    mark(cycle, L_FIFOS_EXIST);
    int to_app = open(read_path, O_WRONLY);
    int from_app = open(write_path, O_RDONLY);
    if (to_app < 0 || from_app < 0) {
        die("local: open");
    }
    mark(cycle, L_OPENED);
    for (int i = 0; i < 6; ++i) {
        write_int(to_app, 0);
    }
    uint32_t handle = (uint32_t) id + 1;
    if (write(to_app, &handle, sizeof handle) != (ssize_t) sizeof handle) {
        die("local: handle");
    }
    mark(cycle, L_OPTIONS_WRITTEN);
    int response, final_state;
    if (read_int(from_app, &response) != 0 || response != 0) {
        fprintf(stderr, "bench: response %d\n", response);
        exit(3);
    }
    mark(cycle, L_RESPONSE_READ);
    write_int(to_app, 0);
    mark(cycle, L_SENTINEL_WRITTEN);
    if (read_int(from_app, &final_state) != 0
        || (final_state != OPAL_CRS_CONTINUE && final_state != OPAL_CRS_ERROR)) {
        fprintf(stderr, "bench: final state %d\n", final_state);
        exit(3);
    }
    mark(cycle, L_FINAL_READ);
    /* the release, then both ends closed at once, as the real local coordinator does */
    write_int(to_app, 0);
    close(to_app);
    close(from_app);
    mark(cycle, L_RELEASED);
    char finish_state;
    if (read(finish_fd, &finish_state, 1) != 1) {
        die("local: LOCAL_FINISH");
    }
    mark(cycle, L_FINISH_READ);
    double elapsed = now_us() - start;
    return final_state != OPAL_CRS_CONTINUE || finish_state != OPAL_CRS_CONTINUE ? -elapsed : elapsed;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

/* The child: warmup + cycles cycles with FIFO ids from first_id; sends the measured times through result_fd. */
static void local_coordinator(pid_t app, int first_id, int cycles, int warmup, int finish_fd, int result_fd)
{
    /* after a reported ERROR the application has closed its ends: the release meets EPIPE, not a signal */
    signal(SIGPIPE, SIG_IGN);
    double *times = calloc((size_t) cycles, sizeof *times);
    for (int i = 0; i < warmup + cycles; ++i) {
        double elapsed = local_cycle(app, first_id + i, finish_fd, i);
        if (i >= warmup) {
            times[i - warmup] = elapsed;
        }
    }
    if (write(result_fd, times, (size_t) cycles * sizeof *times) != (ssize_t) ((size_t) cycles * sizeof *times)) {
        die("local: results");
    }
    free(times);
    _exit(0);
}

/* Forks the local coordinator for one block, services checkpoints until it is done, appends its times and, per
 * segment of the breakdown, the time of each measured cycle (segment s of cycle i at steps[s * stride + i]). */
static void run_block(int first_id, int cycles, int warmup, double *times, double *steps, int stride)
{
    int finish[2], results[2];
    if (pipe(finish) != 0 || pipe(results) != 0) {
        die("pipe");
    }
    size_t marks_size = (size_t) (warmup + cycles) * sizeof(cycle_marks_t);
    marks = mmap(NULL, marks_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (MAP_FAILED == marks) {
        die("mmap");
    }
    pid_t app = getpid();
    atomic_store(&local_finishes, 0);
    pid_t child = fork();
    if (child == 0) {
        close(finish[1]);
        close(results[0]);
        local_coordinator(app, first_id, cycles, warmup, finish[0], results[1]);
    }
    close(finish[0]);
    close(results[1]);
    finish_pipe = finish[1];

    double limit = now_us() + 120e6;
    int noticed = -1;
    while (atomic_load(&local_finishes) < warmup + cycles) {
        int cycle = current_cycle();
        if (noticed != cycle && OPAL_CR_STATUS_REQUESTED == opal_cr_checkpoint_request) {
            mark(cycle, A_REQUEST_NOTICED);
            noticed = cycle;
        }
        opal_cr_test_if_checkpoint_ready();
        if (now_us() > limit) {
            fprintf(stderr, "bench: cycles did not complete\n");
            kill(child, SIGKILL);
            exit(3);
        }
    }
    size_t want = (size_t) cycles * sizeof *times, got = 0;
    while (got < want) {
        ssize_t n = read(results[0], (char *) times + got, want - got);
        if (n <= 0) {
            die("results");
        }
        got += (size_t) n;
    }
    waitpid(child, NULL, 0);
    close(finish[1]);
    close(results[0]);
    for (int i = 0; i < cycles; ++i) {
        const cycle_marks_t *m = &marks[warmup + i];
        for (int k = 0; k < SEGMENT_COUNT; ++k) {
            steps[k * stride + i] = ((double) m->t[segments[k].to] - (double) m->t[segments[k].from]) / 1e3;
        }
    }
    munmap(marks, marks_size);
    marks = NULL;
}

typedef struct {
    double median, p99, mean;
    int failed;
} stats_t;

/* Failed cycles (negative times) are counted and left out of the figures. */
static stats_t summarize(double *times, int count)
{
    stats_t stats = {0, 0, 0, 0};
    int ok = 0;
    for (int i = 0; i < count; ++i) {
        if (times[i] < 0) {
            ++stats.failed;
        } else {
            times[ok++] = times[i];
        }
    }
    if (ok == 0) {
        return stats;
    }
    qsort(times, (size_t) ok, sizeof *times, compare_doubles);
    stats.median = times[ok / 2];
    stats.p99 = times[(int) (ok * 0.99)];
    for (int i = 0; i < ok; ++i) {
        stats.mean += times[i] / ok;
    }
    return stats;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s <libnative_snapc.so> [cycles per mode] [blocks per mode]\n", argv[0]);
        return 2;
    }
    int cycles = argc > 2 ? atoi(argv[2]) : 2000;
    int blocks = argc > 3 ? atoi(argv[3]) : 10;
    int per_block = cycles / blocks, warmup = 20;
    cycles = per_block * blocks;
    MPI_Init(&argc, &argv);
    fill_host();

    /* The library first, loaded as a plug-in host loads it. */
    long rss_before = rss_kib();
    double t0 = now_us();
    void *library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 2;
    }
    int (*app_coord_init)(void) = (int (*)(void)) dlsym(library, "app_coord_init");
    int (*app_coord_finalize)(void) = (int (*)(void)) dlsym(library, "app_coord_finalize");
    double t1 = now_us();
    int rc = app_coord_init();
    double t2 = now_us();
    double init_fence_us = fence_us;
    if (rc != 0) {
        fprintf(stderr, "app_coord_init: %d\n", rc);
        return 2;
    }

    /* Blocks of each mode alternate, so that drift in the machine's load hits both alike. Switching swaps
     * the notify callback and the signal disposition. */
    struct sigaction c_handler = {0}, library_handler;
    c_handler.sa_handler = c_signal_handler;
    c_handler.sa_flags = SA_RESTART;
    opal_cr_notify_callback_fn_t library_notify, ignored;
    c_define_names();
    double *native_times = calloc((size_t) cycles, sizeof(double)), *plain_times = calloc((size_t) cycles, sizeof(double));
    double *native_steps = calloc((size_t) (cycles * SEGMENT_COUNT), sizeof(double));
    double *plain_steps = calloc((size_t) (cycles * SEGMENT_COUNT), sizeof(double));
    int library_id = 0;
    for (int block = 0; block < blocks; ++block) {
        run_block(library_id, per_block, warmup, native_times + block * per_block, native_steps + block * per_block, cycles);
        library_id += per_block + warmup;

        opal_cr_reg_notify_callback(c_notify_response, &library_notify);
        sigaction(opal_cr_entry_point_signal, &c_handler, &library_handler);
        run_block(c_unique_id - 1, per_block, warmup, plain_times + block * per_block, plain_steps + block * per_block, cycles);
        opal_cr_reg_notify_callback(library_notify, &ignored);
        sigaction(opal_cr_entry_point_signal, &library_handler, NULL);
    }
    long rss_after = rss_kib();
    rc = app_coord_finalize();

    stats_t native = summarize(native_times, cycles), plain = summarize(plain_times, cycles);
    printf("checkpoint cycle, application side (signal -> LOCAL_FINISH), no-op checkpointer,\n"
           "%d cycles per implementation in %d alternating blocks (after %d warm-up cycles each)\n", cycles, blocks, warmup);
    printf("  %-22s %10s %10s %10s\n", "", "median us", "p99 us", "mean us");
    printf("  %-22s %10.1f %10.1f %10.1f\n", "plain C", plain.median, plain.p99, plain.mean);
    printf("  %-22s %10.1f %10.1f %10.1f\n", "libnative_snapc.so", native.median, native.p99, native.mean);
    printf("  ratio native / C      median %.2f   p99 %.2f   (target: median <= 1.2)\n", native.median / plain.median,
           native.p99 / plain.p99);
    printf("where the time goes, median per step (us; the application's steps as the host calls and the local\n"
           "coordinator see them, so both implementations are timed at the same points):\n");
    printf("  %-50s %9s %9s %9s\n", "", "plain C", "library", "diff");
    double plain_sum = 0, native_sum = 0;
    for (int k = 0; k < SEGMENT_COUNT; ++k) {
        stats_t p = summarize(plain_steps + k * cycles, cycles), n = summarize(native_steps + k * cycles, cycles);
        plain_sum += p.median;
        native_sum += n.median;
        printf("  %-50s %9.1f %9.1f %+9.1f\n", segments[k].name, p.median, n.median, n.median - p.median);
    }
    printf("  %-50s %9.1f %9.1f %+9.1f\n", "sum of the step medians", plain_sum, native_sum, native_sum - plain_sum);
    free(native_steps);
    free(plain_steps);
    printf("failed cycles (ERROR reported although nothing failed): plain C %d of %d, libnative_snapc.so %d of %d\n",
           plain.failed, cycles, native.failed, cycles);
    printf("dlopen %.2f ms, first app_coord_init %.2f ms of which the PMIx fence %.2f ms: dlopen + init without the fence "
           "%.2f ms\n", (t1 - t0) / 1e3, (t2 - t1) / 1e3, init_fence_us / 1e3, (t2 - t0 - init_fence_us) / 1e3);
    printf("resident memory added by the library (after init and %d of its cycles): %ld KiB\n", library_id,
           rss_after - rss_before);
    printf("app_coord_finalize: %d\n", rc);
    free(native_times);
    free(plain_times);
    MPI_Finalize();
    return 0;
}

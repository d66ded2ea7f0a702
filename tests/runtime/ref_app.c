/*
 * ref_app: an MPI application process of the reference runtime. It runs the real Open MPI 4.1
 * (MPI_Init as a singleton or under mpirun), fills the dormant C/R parts (RML transport to ref_peer,
 * sstore/central's application side, a CRS, the coordination chain), dlopens libnative_snapc.so
 * like a component and runs a script of steps against the library's four app_coord_* functions,
 * printing one machine-readable line per step. See README.md for the step language and the output.
 *
 * Never hangs: a watchdog thread ends the process (exit 124) with a clear message once the overall
 * time limit has passed, whatever the library or the peer are doing.
 */
#define _GNU_SOURCE
#include "ref_app.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <mpi.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "opal/class/opal_object.h"
#include "opal/runtime/opal_cr.h"
#include "opal/runtime/opal_progress.h"
#include "orte/constants.h"
#include "orte/mca/snapc/snapc.h"
#include "ref_frame.h"

typedef int (*coord_void_fn)(void);
typedef int (*coord_int_fn)(int);
typedef int (*coord_request_fn)(orte_snapc_base_request_op_t *);

static struct {
    void *handle;
    coord_void_fn init;
    coord_void_fn finalize;
    coord_int_fn ft_event;
    coord_request_fn request_op;
} lib;

static int mpi_rank = -1;

/* What the watchdog reports. */
static atomic_int current_step_index;
static const char *_Atomic current_step_name = "startup";

/* ---- the "self" checkpointer's application callbacks (found by name: ref_app is linked -rdynamic) --- */

static atomic_int self_checkpoints;

/* Saves a small state file into the snapshot directory and names the command that would restart ref_app. */
int opal_crs_self_user_checkpoint(char **restart_cmd)
{
    const char *(*snapshot_directory)(void) = NULL;
    if (NULL != lib.handle) {
        *(void **)&snapshot_directory = dlsym(lib.handle, "native_snapc_crs_self_snapshot_directory");
    }
    const char *dir = NULL == snapshot_directory ? NULL : snapshot_directory();
    int n = atomic_fetch_add(&self_checkpoints, 1) + 1;
    char b1[PATH_MAX + 16], path[PATH_MAX], exe[PATH_MAX];
    int rc = NULL == dir ? -1 : 0;
    if (0 == rc) {
        snprintf(path, sizeof(path), "%s/ref_app_state.txt", dir);
        FILE *f = fopen(path, "w");
        rc = NULL != f && fprintf(f, "vpid=%u checkpoints=%d\n", orte_process_info.my_name.vpid, n) > 0 ? 0 : -1;
        rc = NULL != f && 0 == fclose(f) ? rc : -1;
    }
    ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    exe[len > 0 ? len : 0] = '\0';
    if (0 == rc && asprintf(restart_cmd, "%s --restarted", exe) < 0) {
        rc = -1;
    }
    ref_out("SELF checkpoint vpid=%u n=%d dir=%s rc=%d", orte_process_info.my_name.vpid, n,
            ref_token(dir, b1, sizeof(b1)), rc);
    return rc;
}

int opal_crs_self_user_continue(void)
{
    ref_out("SELF continue vpid=%u", orte_process_info.my_name.vpid);
    return 0;
}

int opal_crs_self_user_restart(void)
{
    ref_out("SELF restart vpid=%u", orte_process_info.my_name.vpid);
    return 0;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: ref_app [--library PATH] [--peer SOCKET] [--timeout SEC] [--crs SPEC] [--crs-name NAME]\n"
            "               [--conduit N]\n"
            "               [--pull-timeout MS] [--connect-timeout MS] [--cr-enabled 0|1]\n"
            "               [--coord-prev opal|registered|none] [--no-chain-restart] [--no-host]\n"
            "               [--crs-select COMPONENT_DIR] [--no-crs] [--stop-on-error] [--skip-mpi-finalize] STEP...\n"
            "steps: init finalize loop:<ms>[:<n>] request:<event>[:<args>][@<leader>] ft_event:<state>\n"
            "       raw:request-null raw:request-event:<n> raw:migrate-num:<n> barrier sleep:<ms>\n"
            "       signal-self[:<n>] crs:<spec> exit:<code> on:<rank>:<step> dispositions[:<label>]\n"
            "       disposition:default|ignore|handler sigpipe-default cr-state:<n> coord-exists:<n> coord-delay:<ms>\n"
            "       trace-notify[:<ms>] rml-delay:<tag>:<ms>\n"
            "environment: NSNAPC_LIBRARY, NSNAPC_REF_PEER, NSNAPC_REF_TIMEOUT, NSNAPC_REF_CRS (README.md)\n");
}

/* ---- watchdog --------------------------------------------------------------------------------- */

static int watchdog_seconds = 120;

static void *watchdog_main(void *arg)
{
    (void)arg;
    while (ref_elapsed_ms() < (uint64_t)watchdog_seconds * 1000u) {
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    /* Not through ref_out: a stuck thread may hold its lock. */
    char line[512];
    int n = snprintf(line, sizeof(line),
                     "WATCHDOG ref_app vpid=%u pid=%d step=%d %s: still running after %d s, aborting\n",
                     orte_process_info.my_name.vpid, (int)getpid(), atomic_load(&current_step_index),
                     atomic_load(&current_step_name), watchdog_seconds);
    if (n > 0) {
        ssize_t w1 = write(STDOUT_FILENO, line, (size_t)n);
        ssize_t w2 = write(STDERR_FILENO, line, (size_t)n);
        (void)w1, (void)w2;
    }
    _exit(124);
    return NULL;
}

/* ---- small parsers ---------------------------------------------------------------------------- */

static const char *const event_names[] = {"none",    "init",          "fin",
                                          "fin_ack", "checkpoint",    "restart",
                                          "migrate", "quiesce_start", "quiesce_checkpoint",
                                          "quiesce_end"};

static bool parse_event(const char *text, long *event)
{
    for (long i = 0; i < (long)(sizeof(event_names) / sizeof(event_names[0])); ++i) {
        if (0 == strcmp(text, event_names[i])) {
            *event = i;
            return true;
        }
    }
    return ref_parse_long(text, INT_MIN, INT_MAX, event);
}

/* ---- steps ------------------------------------------------------------------------------------ */

typedef struct {
    int rc;
    char extra[600]; /* " seq=… handle=…" etc., printed between rc and ms */
} step_result_t;

static bool need(void *fn, const char *symbol, step_result_t *r)
{
    if (NULL == fn) {
        ref_out("ERROR ref_app: the library does not export %s (or no --library was given)", symbol);
        r->rc = ORTE_ERR_NOT_FOUND;
        return false;
    }
    return true;
}

static void report_datum(step_result_t *r, const orte_snapc_base_request_op_t *datum)
{
    char b[512];
    snprintf(r->extra, sizeof(r->extra), " seq=%d handle=%s", datum->seq_num,
             ref_token(datum->global_handle, b, sizeof(b)));
}

/* request:<event>[:<args>][@<leader>] (ompi/mpiext/cr's way of building the datum) */
static void step_request(const char *spec, step_result_t *r)
{
    char *copy = strdup(spec);
    char *leader_text = strchr(copy, '@');
    if (NULL != leader_text) {
        *leader_text++ = '\0';
    }
    char *args = strchr(copy, ':');
    if (NULL != args) {
        *args++ = '\0';
    }
    long event = 0, leader = 0 == mpi_rank ? (long)orte_process_info.my_name.vpid : -1;
    if (!parse_event(copy, &event)
        || (NULL != leader_text && 0 != strcmp(leader_text, "self")
            && !ref_parse_long(leader_text, INT_MIN, INT_MAX, &leader))) {
        ref_out("ERROR ref_app: bad request step '%s'", spec);
        r->rc = ORTE_ERR_BAD_PARAM;
        free(copy);
        return;
    }
    if (NULL != leader_text && 0 == strcmp(leader_text, "self")) {
        leader = (long)orte_process_info.my_name.vpid;
    }
    orte_snapc_base_request_op_t *datum = OBJ_NEW(orte_snapc_base_request_op_t);
    datum->event = (orte_snapc_base_request_op_event_t)event;
    datum->is_active = true;
    datum->leader = (int)leader;
    datum->mig_host_pref = NULL; /* the constructor leaves it unset; keep runs deterministic */

    bool ok = true;
    if (ORTE_SNAPC_OP_RESTART == event && NULL != args) {
        /* <seq>:<handle>, handle "-" = NULL */
        char *handle = strchr(args, ':');
        if (NULL != handle) {
            *handle++ = '\0';
        }
        long seq = -1;
        ok = ref_parse_long(args, INT_MIN, INT_MAX, &seq);
        datum->seq_num = (int)seq;
        if (NULL != handle && 0 != strcmp(handle, "-")) {
            datum->global_handle = strdup(handle);
        }
    } else if (ORTE_SNAPC_OP_MIGRATE == event && NULL != args) {
        /* <vpid>/<host>/<vpid_pref>/<off_node>[,...] */
        int n = 1;
        for (const char *p = args; *p; ++p) {
            n += ',' == *p;
        }
        datum->mig_num = n;
        datum->mig_vpids = calloc((size_t)n, sizeof(int));
        datum->mig_host_pref = calloc((size_t)n, OPAL_MAX_PROCESSOR_NAME); /* one mig_host_pref row */
        datum->mig_vpid_pref = calloc((size_t)n, sizeof(int));
        datum->mig_off_node = calloc((size_t)n, sizeof(int));
        char *save = NULL;
        int i = 0;
        for (char *entry = strtok_r(args, ",", &save); NULL != entry && ok; entry = strtok_r(NULL, ",", &save), ++i) {
            char *fields[4] = {entry, NULL, NULL, NULL};
            for (int f = 1; f < 4; ++f) {
                fields[f] = NULL == fields[f - 1] ? NULL : strchr(fields[f - 1], '/');
                if (NULL != fields[f]) {
                    *fields[f]++ = '\0';
                }
            }
            long vpid = 0, pref = -1, off = 0;
            ok = NULL != fields[3] && ref_parse_long(fields[0], INT_MIN, INT_MAX, &vpid)
                 && ref_parse_long(fields[2], INT_MIN, INT_MAX, &pref) && ref_parse_long(fields[3], INT_MIN, INT_MAX, &off)
                 && strlen(fields[1]) < OPAL_MAX_PROCESSOR_NAME;
            if (ok) {
                datum->mig_vpids[i] = (int)vpid;
                strcpy(datum->mig_host_pref[i], fields[1]);
                datum->mig_vpid_pref[i] = (int)pref;
                datum->mig_off_node[i] = (int)off;
            }
        }
    } else if (NULL != args) {
        ok = false;
    }
    if (!ok) {
        ref_out("ERROR ref_app: bad request arguments in '%s' (restart:<seq>:<handle|->, "
                "migrate:<vpid>/<host>/<pref>/<off>[,...])", spec);
        r->rc = ORTE_ERR_BAD_PARAM;
    } else if (need((void *)lib.request_op, "app_coord_request_op", r)) {
        r->rc = lib.request_op(datum);
        report_datum(r, datum);
    }
    free(datum->mig_vpids);
    free(datum->mig_host_pref);
    free(datum->mig_vpid_pref);
    free(datum->mig_off_node);
    datum->mig_vpids = datum->mig_vpid_pref = datum->mig_off_node = NULL;
    datum->mig_host_pref = NULL;
    OBJ_RELEASE(datum); /* its destructor frees global_handle */
    free(copy);
}

static void step_raw(const char *what, step_result_t *r)
{
    if (!need((void *)lib.request_op, "app_coord_request_op", r)) {
        return;
    }
    long n = 0;
    if (0 == strcmp(what, "request-null")) {
        r->rc = lib.request_op(NULL);
        return;
    }
    orte_snapc_base_request_op_t *datum = OBJ_NEW(orte_snapc_base_request_op_t);
    datum->is_active = true;
    datum->leader = 0 == mpi_rank ? (int)orte_process_info.my_name.vpid : -1;
    datum->mig_host_pref = NULL;
    if (0 == strncmp(what, "request-event:", 14) && ref_parse_long(what + 14, INT_MIN, INT_MAX, &n)) {
        datum->event = (orte_snapc_base_request_op_event_t)n;
        r->rc = lib.request_op(datum);
        report_datum(r, datum);
    } else if (0 == strncmp(what, "migrate-num:", 12) && ref_parse_long(what + 12, INT_MIN, INT_MAX, &n)) {
        /* a migrate request whose table is absent: mig_num says n, the arrays are NULL */
        datum->event = ORTE_SNAPC_OP_MIGRATE;
        datum->leader = (int)orte_process_info.my_name.vpid;
        datum->mig_num = (int)n;
        r->rc = lib.request_op(datum);
        report_datum(r, datum);
    } else {
        ref_out("ERROR ref_app: unknown raw step 'raw:%s'", what);
        r->rc = ORTE_ERR_BAD_PARAM;
    }
    OBJ_RELEASE(datum);
}

static unsigned notify_return_count(void);

/* loop:<ms>[:<n>[:notify]] - the application loop: test for a requested checkpoint about every millisecond,
 * until <n> LOCAL_FINISH were sent in total (or, with ":notify", <n> traced notify callbacks returned). */
static void step_loop(const char *args, step_result_t *r)
{
    char *copy = strdup(args);
    char *count_text = strchr(copy, ':');
    char *what = NULL;
    if (NULL != count_text) {
        *count_text++ = '\0';
        what = strchr(count_text, ':');
        if (NULL != what) {
            *what++ = '\0';
        }
    }
    long ms = 0, want = -1;
    bool by_notify = NULL != what && 0 == strcmp(what, "notify");
    if (!ref_parse_long(copy, 0, 3600 * 1000, &ms) || (NULL != count_text && !ref_parse_long(count_text, 0, 1000000, &want))
        || (NULL != what && !by_notify)) {
        ref_out("ERROR ref_app: bad loop step 'loop:%s' (loop:<ms>[:<local finishes>[:notify]])", args);
        r->rc = ORTE_ERR_BAD_PARAM;
        free(copy);
        return;
    }
    free(copy);
    uint64_t deadline = ref_elapsed_ms() + (uint64_t)ms;
    unsigned long tests = 0;
    while (ref_elapsed_ms() < deadline) {
        unsigned long count = by_notify ? notify_return_count() : ref_rml_local_finish_count();
        if (want >= 0 && count >= (unsigned long)want) {
            break;
        }
        /* what OPAL_CR_TEST_CHECKPOINT_READY() does in an FT build when opal_cr_is_enabled */
        opal_cr_test_if_checkpoint_ready();
        opal_progress();
        ++tests;
        struct timespec tick = {0, 1000 * 1000};
        nanosleep(&tick, NULL);
    }
    unsigned finished = ref_rml_local_finish_count();
    unsigned long reached = by_notify ? notify_return_count() : finished;
    r->rc = (want >= 0 && reached < (unsigned long)want) ? ORTE_ERR_TIMEOUT : ORTE_SUCCESS;
    snprintf(r->extra, sizeof(r->extra), " finished=%u crs=%u tests=%lu", finished, ref_crs_checkpoint_calls(), tests);
}

/* ---- signal dispositions and other host probes ------------------------------------------------ */

/* ref_app's own handler for the entry-point signal (step disposition:handler): it only counts. */
static atomic_uint ref_handler_caught;

static void ref_counting_handler(int signo)
{
    (void)signo;
    atomic_fetch_add(&ref_handler_caught, 1);
}

/* The signals whose dispositions the dispositions step prints (the library may change only the entry one). */
static const struct {
    int signo;
    const char *name;
} watched_signals[] = {{SIGINT, "INT"},   {SIGQUIT, "QUIT"}, {SIGTERM, "TERM"}, {SIGCONT, "CONT"}, {SIGCHLD, "CHLD"},
                       {SIGUSR1, "USR1"}, {SIGUSR2, "USR2"}, {SIGPIPE, "PIPE"}, {SIGHUP, "HUP"}};

/* dispositions[:<label>]: "SIGDISP vpid= label= INT=<kind>/<flags> ... caught=<n>", kind dfl|ign|ref|0x<handler> */
static void step_dispositions(const char *label, step_result_t *r)
{
    char line[1024];
    int n = snprintf(line, sizeof(line), "SIGDISP vpid=%u label=%s", orte_process_info.my_name.vpid,
                     NULL == label || '\0' == *label ? "-" : label);
    for (size_t i = 0; i < sizeof(watched_signals) / sizeof(watched_signals[0]) && n < (int)sizeof(line) - 64; ++i) {
        struct sigaction sa;
        if (0 != sigaction(watched_signals[i].signo, NULL, &sa)) {
            n += snprintf(line + n, sizeof(line) - (size_t)n, " %s=error", watched_signals[i].name);
            r->rc = ORTE_ERROR;
            continue;
        }
        void *handler = (sa.sa_flags & SA_SIGINFO) ? (void *)sa.sa_sigaction : (void *)sa.sa_handler;
        char kind[32];
        if (SIG_DFL == sa.sa_handler && !(sa.sa_flags & SA_SIGINFO)) {
            snprintf(kind, sizeof(kind), "dfl");
        } else if (SIG_IGN == sa.sa_handler && !(sa.sa_flags & SA_SIGINFO)) {
            snprintf(kind, sizeof(kind), "ign");
        } else if ((void *)ref_counting_handler == handler) {
            snprintf(kind, sizeof(kind), "ref");
        } else {
            snprintf(kind, sizeof(kind), "%p", handler);
        }
        n += snprintf(line + n, sizeof(line) - (size_t)n, " %s=%s/0x%x", watched_signals[i].name, kind,
                      (unsigned)sa.sa_flags);
    }
    ref_out("%s caught=%u", line, atomic_load(&ref_handler_caught));
}

/* disposition:<default|ignore|handler>: set the entry-point signal's disposition (e.g. before init). */
static void step_disposition(const char *what, step_result_t *r)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    if (0 == strcmp(what, "default")) {
        sa.sa_handler = SIG_DFL;
    } else if (0 == strcmp(what, "ignore")) {
        sa.sa_handler = SIG_IGN;
    } else if (0 == strcmp(what, "handler")) {
        sa.sa_handler = ref_counting_handler;
        sa.sa_flags = SA_RESTART;
    } else {
        ref_out("ERROR ref_app: bad disposition step 'disposition:%s' (default|ignore|handler)", what);
        r->rc = ORTE_ERR_BAD_PARAM;
        return;
    }
    r->rc = 0 == sigaction(opal_cr_entry_point_signal, &sa, NULL) ? ORTE_SUCCESS : ORTE_ERROR;
    snprintf(r->extra, sizeof(r->extra), " signo=%d", opal_cr_entry_point_signal);
}

/* trace-notify[:<ms>]: interpose on the registered notify callback and print what it returns; ms = a delay
 * after the callback returned, before opal_cr_test_if_checkpoint_ready continues. */
static opal_cr_notify_callback_fn_t traced_notify;
static atomic_uint notify_returns;
static int notify_return_delay_ms;

static int tracing_notify(opal_cr_ckpt_cmd_state_t response)
{
    int rc = NULL == traced_notify ? OPAL_ERROR : traced_notify(response);
    ref_out("NOTIFY vpid=%u response=%d rc=%d cr_state=%d stalled=%d", orte_process_info.my_name.vpid, (int)response,
            rc, opal_cr_checkpointing_state, opal_cr_currently_stalled ? 1 : 0);
    if (notify_return_delay_ms > 0) {
        /* the thread is descheduled between the callback's return and opal_cr's bookkeeping after it */
        struct timespec ts = {notify_return_delay_ms / 1000, (long)(notify_return_delay_ms % 1000) * 1000000L};
        while (0 != nanosleep(&ts, &ts) && EINTR == errno) {
        }
    }
    atomic_fetch_add(&notify_returns, 1);
    return rc;
}

static unsigned notify_return_count(void)
{
    return atomic_load(&notify_returns);
}

static void step_trace_notify(const char *delay, step_result_t *r)
{
    long ms = 0;
    if (NULL != delay && !ref_parse_long(delay, 0, 600000, &ms)) {
        ref_out("ERROR ref_app: bad step 'trace-notify:%s' (trace-notify[:<ms>])", delay);
        r->rc = ORTE_ERR_BAD_PARAM;
        return;
    }
    notify_return_delay_ms = (int)ms;
    opal_cr_notify_callback_fn_t previous = NULL;
    r->rc = opal_cr_reg_notify_callback(tracing_notify, &previous);
    if (previous != tracing_notify) {
        traced_notify = previous;
    }
    snprintf(r->extra, sizeof(r->extra), " traced=%s", NULL == traced_notify ? "none" : "callback");
}

static void run_step(int index, const char *step, step_result_t *r)
{
    long n = 0;
    memset(r, 0, sizeof(*r));
    atomic_store(&current_step_index, index);
    atomic_store(&current_step_name, step);
    if (0 == strcmp(step, "init")) {
        if (need((void *)lib.init, "app_coord_init", r)) {
            r->rc = lib.init();
        }
    } else if (0 == strcmp(step, "finalize")) {
        if (need((void *)lib.finalize, "app_coord_finalize", r)) {
            r->rc = lib.finalize();
        }
    } else if (0 == strncmp(step, "loop:", 5)) {
        step_loop(step + 5, r);
    } else if (0 == strncmp(step, "request:", 8)) {
        step_request(step + 8, r);
    } else if (0 == strncmp(step, "raw:", 4)) {
        step_raw(step + 4, r);
    } else if (0 == strncmp(step, "ft_event:", 9) && ref_parse_long(step + 9, INT_MIN, INT_MAX, &n)) {
        if (need((void *)lib.ft_event, "app_coord_ft_event", r)) {
            r->rc = lib.ft_event((int)n);
        }
    } else if (0 == strcmp(step, "barrier")) {
        r->rc = MPI_Barrier(MPI_COMM_WORLD);
    } else if (0 == strncmp(step, "sleep:", 6) && ref_parse_long(step + 6, 0, 3600 * 1000, &n)) {
        struct timespec ts = {n / 1000, (n % 1000) * 1000000L};
        while (0 != nanosleep(&ts, &ts) && EINTR == errno) {
        }
    } else if (0 == strcmp(step, "signal-self") || (0 == strncmp(step, "signal-self:", 12)
                                                     && ref_parse_long(step + 12, 1, 1000000, &n))) {
        long count = 0 == strcmp(step, "signal-self") ? 1 : n;
        for (long i = 0; i < count && 0 == r->rc; ++i) {
            r->rc = 0 == kill(getpid(), opal_cr_entry_point_signal) ? ORTE_SUCCESS : ORTE_ERROR;
        }
        snprintf(r->extra, sizeof(r->extra), " signo=%d count=%ld", opal_cr_entry_point_signal, count);
    } else if (0 == strncmp(step, "crs:", 4)) {
        r->rc = 0 == ref_crs_set_spec(step + 4) ? ORTE_SUCCESS : ORTE_ERR_BAD_PARAM;
    } else if (0 == strcmp(step, "dispositions") || 0 == strncmp(step, "dispositions:", 13)) {
        step_dispositions(step[12] == ':' ? step + 13 : NULL, r);
    } else if (0 == strncmp(step, "disposition:", 12)) {
        step_disposition(step + 12, r);
    } else if (0 == strcmp(step, "sigpipe-default")) {
        /* A launcher may hand an ignored SIGPIPE down (ignored dispositions survive exec); a shell does not. */
        r->rc = SIG_ERR == signal(SIGPIPE, SIG_DFL) ? ORTE_ERROR : ORTE_SUCCESS;
    } else if (0 == strncmp(step, "cr-state:", 9) && ref_parse_long(step + 9, INT_MIN, INT_MAX, &n)) {
        snprintf(r->extra, sizeof(r->extra), " was=%d", (int)opal_cr_checkpointing_state);
        opal_cr_checkpointing_state = (int)n;
    } else if (0 == strncmp(step, "coord-exists:", 13) && ref_parse_long(step + 13, 0, 1000000, &n)) {
        ref_coord_exists((unsigned)n);
    } else if (0 == strncmp(step, "coord-delay:", 12) && ref_parse_long(step + 12, 0, 600000, &n)) {
        ref_coord_delay((int)n);
    } else if (0 == strcmp(step, "trace-notify") || 0 == strncmp(step, "trace-notify:", 13)) {
        step_trace_notify(step[12] == ':' ? step + 13 : NULL, r);
    } else if (0 == strncmp(step, "rml-delay:", 10)) {
        long tag = 0, ms = 0;
        char *copy = strdup(step + 10);
        char *ms_text = strchr(copy, ':');
        if (NULL != ms_text) {
            *ms_text++ = '\0';
        }
        if (NULL == ms_text || !ref_parse_long(copy, 0, 65535, &tag) || !ref_parse_long(ms_text, 0, 600000, &ms)) {
            ref_out("ERROR ref_app: bad step '%s' (rml-delay:<tag>:<ms>)", step);
            r->rc = ORTE_ERR_BAD_PARAM;
        } else {
            ref_rml_delay((unsigned)tag, (int)ms);
        }
        free(copy);
    } else if (0 == strncmp(step, "on:", 3)) {
        /* on:<rank>:<step> - the step on that MPI rank only */
        char *copy = strdup(step + 3);
        char *inner = strchr(copy, ':');
        if (NULL != inner) {
            *inner++ = '\0';
        }
        if (NULL == inner || !ref_parse_long(copy, 0, INT_MAX, &n)) {
            ref_out("ERROR ref_app: bad step '%s' (on:<rank>:<step>)", step);
            r->rc = ORTE_ERR_BAD_PARAM;
        } else if (n == mpi_rank) {
            run_step(index, inner, r);
            atomic_store(&current_step_name, step);
        } else {
            snprintf(r->extra, sizeof(r->extra), " skipped=1");
        }
        free(copy);
    } else if (0 == strncmp(step, "exit:", 5) && ref_parse_long(step + 5, 0, 255, &n)) {
        ref_out("STEP %d %s rc=0 ms=0 (exiting now without MPI_Finalize)", index, step);
        _exit((int)n);
    } else {
        ref_out("ERROR ref_app: unknown step '%s'", step);
        r->rc = ORTE_ERR_BAD_PARAM;
    }
}

/* ---- main ------------------------------------------------------------------------------------- */

int main(int argc, char **argv)
{
    ref_out_start(stdout);
    const char *library = getenv("NSNAPC_LIBRARY");
    const char *peer = getenv("NSNAPC_REF_PEER");
    const char *crs_spec = getenv("NSNAPC_REF_CRS");
    long conduit = 0, pull_timeout = 20000, connect_timeout = 10000, cr_enabled = 1, n = 0;
    bool chain_restart = true, fill_host = true, stop_on_error = false, fill_crs = true, skip_mpi_finalize = false;
    const char *coord_below = "opal";
    const char *crs_name = NULL;
    const char *crs_component_dir = NULL;
    if (NULL != getenv("NSNAPC_REF_TIMEOUT") && ref_parse_long(getenv("NSNAPC_REF_TIMEOUT"), 1, 86400, &n)) {
        watchdog_seconds = (int)n;
    }

    int first_step = 1;
    for (; first_step < argc && 0 == strncmp(argv[first_step], "--", 2); ++first_step) {
        const char *opt = argv[first_step];
        const char *val = first_step + 1 < argc ? argv[first_step + 1] : NULL;
        bool takes_value = true;
        if (0 == strcmp(opt, "--library")) {
            library = val;
        } else if (0 == strcmp(opt, "--peer")) {
            peer = val;
        } else if (0 == strcmp(opt, "--crs")) {
            crs_spec = val;
        } else if (0 == strcmp(opt, "--crs-name") && NULL != val && '\0' != *val) {
            crs_name = val;
        } else if (0 == strcmp(opt, "--crs-select") && NULL != val && '\0' != *val) {
            crs_component_dir = val;
        } else if (0 == strcmp(opt, "--timeout") && ref_parse_long(val, 1, 86400, &n)) {
            watchdog_seconds = (int)n;
        } else if (0 == strcmp(opt, "--conduit") && ref_parse_long(val, 0, 0xfffe, &conduit)) {
        } else if (0 == strcmp(opt, "--pull-timeout") && ref_parse_long(val, 1, 3600 * 1000, &pull_timeout)) {
        } else if (0 == strcmp(opt, "--connect-timeout") && ref_parse_long(val, 1, 3600 * 1000, &connect_timeout)) {
        } else if (0 == strcmp(opt, "--cr-enabled") && ref_parse_long(val, 0, 1, &cr_enabled)) {
        } else if (0 == strcmp(opt, "--coord-prev") && NULL != val) {
            coord_below = val;
        } else if (0 == strcmp(opt, "--no-chain-restart")) {
            chain_restart = false;
            takes_value = false;
        } else if (0 == strcmp(opt, "--no-crs")) {
            fill_crs = false;
            takes_value = false;
        } else if (0 == strcmp(opt, "--stop-on-error")) {
            stop_on_error = true;
            takes_value = false;
        } else if (0 == strcmp(opt, "--skip-mpi-finalize")) {
            skip_mpi_finalize = true;
            takes_value = false;
        } else if (0 == strcmp(opt, "--no-host")) {
            fill_host = false;
            takes_value = false;
        } else if (0 == strcmp(opt, "--help")) {
            usage();
            return 0;
        } else {
            fprintf(stderr, "ref_app: bad option %s %s\n", opt, NULL == val ? "" : val);
            usage();
            return 2;
        }
        if (takes_value) {
            if (NULL == val) {
                fprintf(stderr, "ref_app: %s needs a value\n", opt);
                return 2;
            }
            ++first_step;
        }
    }

    pthread_t watchdog;
    if (0 != pthread_create(&watchdog, NULL, watchdog_main, NULL)) {
        fprintf(stderr, "ref_app: cannot start the watchdog\n");
        return 2;
    }
    pthread_detach(watchdog);

    if (MPI_SUCCESS != MPI_Init(&argc, &argv)) {
        fprintf(stderr, "ref_app: MPI_Init failed\n");
        return 2;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &mpi_rank);
    char b1[512], b2[512];
    ref_out("IDENT vpid=%u jobid=%u pid=%d rank=%d nprocs=%u hnp=%u.%u daemon=%u.%u signal=%d pipe_dir=%s session=%s",
            orte_process_info.my_name.vpid, orte_process_info.my_name.jobid, (int)getpid(), mpi_rank,
            orte_process_info.num_procs, orte_process_info.my_hnp.jobid, orte_process_info.my_hnp.vpid,
            orte_process_info.my_daemon.jobid, orte_process_info.my_daemon.vpid, opal_cr_entry_point_signal,
            ref_token(opal_cr_pipe_dir, b1, sizeof(b1)), ref_token(orte_process_info.job_session_dir, b2, sizeof(b2)));

    if (fill_host) {
        if (NULL != peer) {
            if (ORTE_SUCCESS != ref_rml_connect(peer, (int)connect_timeout)) {
                MPI_Finalize();
                return 2;
            }
        } else {
            ref_out("HOST no peer (--peer / NSNAPC_REF_PEER): every send fails with ORTE_ERR_UNREACH");
        }
        ref_rml_install((uint16_t)conduit);
        ref_sstore_install((int)pull_timeout);
        if (!fill_crs) {
            ref_out("HOST no CRS (--no-crs): opal_crs stays empty, a checkpoint request gets OPAL_CHECKPOINT_CMD_NULL");
        } else if (NULL != crs_component_dir ? 0 != ref_crs_select(crs_component_dir, "self")
                                             : 0 != ref_crs_install(crs_spec, crs_name)) {
            MPI_Finalize();
            return 2;
        }
        opal_cr_is_enabled = 0 != cr_enabled; /* what -am ft-enable-cr (ft_cr_enabled=1) would give */
    }

    if (NULL != library) {
        /* Like the MCA loader: a private namespace; the library finds the host by global symbol. */
        void *handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
        if (NULL == handle) {
            fprintf(stderr, "ref_app: dlopen(%s) failed: %s\n", library, dlerror());
            ref_out("ERROR ref_app: dlopen failed: %s", library);
            MPI_Finalize();
            return 2;
        }
        lib.handle = handle;
        lib.init = (coord_void_fn)dlsym(handle, "app_coord_init");
        lib.finalize = (coord_void_fn)dlsym(handle, "app_coord_finalize");
        lib.ft_event = (coord_int_fn)dlsym(handle, "app_coord_ft_event");
        lib.request_op = (coord_request_fn)dlsym(handle, "app_coord_request_op");
        ref_out("LIBRARY path=%s init=%d finalize=%d ft_event=%d request_op=%d", ref_token(library, b1, sizeof(b1)),
                NULL != lib.init, NULL != lib.finalize, NULL != lib.ft_event, NULL != lib.request_op);
    }
    if (fill_host && NULL != lib.ft_event && 0 != ref_coord_install(lib.ft_event, coord_below, chain_restart)) {
        MPI_Finalize();
        return 2;
    }
    ref_out("HOST ready vpid=%u filled=%d crs=%d conduit=%d cr_enabled=%d chain_restart=%d",
            orte_process_info.my_name.vpid, fill_host, fill_host && fill_crs, orte_mgmt_conduit, opal_cr_is_enabled,
            chain_restart);

    int failed = 0, steps = 0;
    for (int i = first_step; i < argc; ++i) {
        step_result_t r;
        uint64_t t0 = ref_elapsed_ms();
        run_step(i - first_step + 1, argv[i], &r);
        ref_out("STEP %d %s rc=%d%s ms=%llu", i - first_step + 1, argv[i], r.rc, r.extra,
                (unsigned long long)(ref_elapsed_ms() - t0));
        failed += 0 != r.rc;
        ++steps;
        if (0 != r.rc && stop_on_error && i + 1 < argc) {
            ref_out("STOPPED after step %d: --stop-on-error, %d step(s) not run", i - first_step + 1, argc - i - 1);
            break;
        }
    }
    atomic_store(&current_step_name, "shutdown");

    ref_crs_close();
    ref_rml_shutdown();
    orte_vpid_t my_vpid = orte_process_info.my_name.vpid; /* MPI_Finalize resets the identity */
    if (skip_mpi_finalize) {
        /* A job that lost a rank on purpose (a migration) cannot finalize: its fence waits for the dead rank. */
        ref_out("DONE ref_app vpid=%u steps=%d failed=%d ms=%llu mpi_finalize=skipped", my_vpid, steps, failed,
                (unsigned long long)ref_elapsed_ms());
        fflush(NULL);
        _exit(0 == failed ? 0 : 1);
    }
    MPI_Finalize();
    ref_out("DONE ref_app vpid=%u steps=%d failed=%d ms=%llu", my_vpid, steps, failed,
            (unsigned long long)ref_elapsed_ms());
    return 0 == failed ? 0 : 1;
}

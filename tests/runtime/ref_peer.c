/*
 * ref_peer: ONE process that plays, for every connected ref_app, the three Open MPI roles around the
 * application coordinator:
 *  - the local coordinator inside the orted (snapc_full_local.c; docs/protocol.md#handshake): signal,
 *    FIFO handshake, final states, release, LOCAL_FINISH / LOCAL_UPDATE on tag 24;
 *  - the HNP's request-op handling (snapc_full_global.c; docs/protocol.md#replies-from-the-hnp): INIT,
 *    FIN -> FIN_ACK, CHECKPOINT -> completion, MIGRATE -> release, RESTART and QUIESCE_* without reply,
 *    on tag 25;
 *  - sstore/central's daemon side (sstore_central_local.c; docs/protocol.md#central-store-daemon-side):
 *    PULL -> reply, PUSH recorded, tag 44.
 * Every message is decoded with the REAL opal_dss (opal_init_util, opal_dss.load/unpack) and every
 * reply packed with it. One line per message and per handshake step on stdout; a SUMMARY line at exit.
 * Control: stdin lines and --on actions; fault injection: --die-at, --hnp, --fifo-fault, --sstore-fault,
 * --no-fifo-open (README.md). Every wait is bounded; the whole run is bounded by --timeout.
 *
 * It is single-threaded around poll(). Where the real local coordinator blocks inside an RML callback
 * (Pass 3 polling for the FIFO files, Pass 5 reading each response) this one keeps the same order -
 * files of process 1 before process 2, options to all before any response is read, responses in
 * process order - but waits in its event loop, so it keeps answering sstore PULLs meanwhile.
 */
#define _GNU_SOURCE
#include "orte_config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "opal/class/opal_object.h"
#include "opal/constants.h"
#include "opal/dss/dss.h"
#include "opal/runtime/opal.h"
#include "opal/util/opal_environ.h"
#include "ref_frame.h"
#include "ref_protocol.h"
#include "ref_text.h"

/* ---- limits ------------------------------------------------------------------------------------ */

#define MAX_APPS 64
#define MAX_QUEUE 16
#define MAX_ACTIONS 64
#define MAX_HANDLES 256
#define MAX_MIG 64

/* the names of ORTE_SNAPC_OP_NONE .. ORTE_SNAPC_OP_QUIESCE_END */
static const char *const op_names[] = {"none", "init", "fin", "fin_ack", "checkpoint", "restart", "migrate",
                                       "quiesce_start", "quiesce_checkpoint", "quiesce_end"};

static const char *op_name(int op)
{
    return op >= 0 && op < (int)(sizeof(op_names) / sizeof(op_names[0])) ? op_names[op] : "unknown";
}

/* ---- configuration and faults ------------------------------------------------------------------ */

static struct {
    const char *socket_path;
    char *base_dir;
    char *pipe_dir;
    int signo;
    int wait_ms;
    int quiesce_ms;
    int timeout_s;
    int late_ms; /* how late a reply is with --hnp late */
    int expect_apps;
    bool described;
    bool crdebug;
    bool restart_kill;
    bool term_kill;
    bool migrate_kill;
} cfg = {.wait_ms = 20000, .quiesce_ms = 60000, .timeout_s = 300, .late_ms = 3000, .term_kill = true,
         .migrate_kill = true};

enum die_point { DIE_NONE, DIE_SIGNAL, DIE_OPEN, DIE_OPTIONS, DIE_RESPONSE, DIE_RELEASE };
static const char *const die_names[] = {"none", "signal", "open", "options", "response", "release"};
enum fifo_stage { STAGE_NONE, STAGE_OPTIONS, STAGE_SENTINEL, STAGE_RELEASE };
static const char *const stage_names[] = {"none", "options", "sentinel", "release"};
/* Faults that send something else first and then the right reply: wrong = a well-formed reply for another event
 * (a MIGRATE completion for a CHECKPOINT one and the reverse, a CHECKPOINT completion for FIN_ACK);
 * ack-then-reply = a FIN_ACK-shaped reply (no op_state); garbage-then-reply = 16 bytes of garbage. */
enum hnp_mode {
    HNP_NORMAL, HNP_SILENT, HNP_GARBAGE, HNP_TRUNCATED, HNP_LATE, HNP_WRONG, HNP_ACK_THEN_REPLY, HNP_GARBAGE_THEN_REPLY
};
static const char *const hnp_names[] = {"normal", "silent", "garbage", "truncated", "late", "wrong",
                                        "ack-then-reply", "garbage-then-reply"};
enum { REPLY_FIN = 1, REPLY_CKPT = 2, REPLY_MIGRATE = 4, REPLY_ALL = 7 };

static struct {
    enum die_point die_at;
    bool die_kill;
    int die_ckpt; /* 0 = any checkpoint */
    enum hnp_mode hnp;
    unsigned hnp_which;
    enum fifo_stage fifo_stage;
    bool fifo_short; /* else garbage */
    int fifo_ckpt;
    bool no_open;
    bool pull_noref; /* sstore PULL replies: seq -1 and a NULL global reference */
    int pull_ckpt;
} fault;

/* ---- state ------------------------------------------------------------------------------------- */

typedef struct {
    bool used;
    int fd;
    int conn;
    unsigned char *rx;
    size_t rx_len, rx_cap;
    bool hello;
    bool bye;
    uint32_t jobid, vpid;
    pid_t pid;
    uint32_t nprocs;
    uint32_t hnp_jobid, hnp_vpid, daemon_jobid, daemon_vpid;
    int next_id;
    bool restarted; /* LOCAL_UPDATE seen during the running checkpoint */
} app_t;

typedef enum { PS_SIGNALLED, PS_OPENED, PS_WAIT_RESPONSE, PS_RUNNING, PS_PREPARED, PS_FINAL, PS_RELEASED,
               PS_FINISHED, PS_RESTARTED, PS_MIGRATED, PS_FAILED } part_state_t;
static const char *const part_state_names[] = {"signalled", "opened",   "wait_response", "running",
                                               "prepared",  "final",    "released",      "finished",
                                               "restarted", "migrated", "failed"};

typedef struct {
    int app;
    uint32_t vpid;
    pid_t pid;
    int id;
    char path_a[PATH_MAX]; /* opal_cr_prog_read: we write */
    char path_b[PATH_MAX]; /* opal_cr_prog_write: we read */
    int fd_a, fd_b;
    part_state_t st;
    bool migrating;
    int final_state;
    unsigned char rbuf[4];
    int rlen;
    uint64_t deadline;
    bool awaiting_writer; /* both opened here; the app has not opened B for writing yet */
} part_t;

typedef enum { PH_IDLE, PH_OPEN, PH_RESPONSE, PH_RUNNING, PH_FINISH } phase_t;

typedef struct {
    int event;      /* 0 = control command, else the REQUEST_OP event */
    int leader_app; /* -1 for a control command */
    uint32_t jobid;
    bool term, stop, inc_prep_only;
    int signals;
    int mig_num;
    int mig_vpids[MAX_MIG];
} request_t;

static struct {
    phase_t phase;
    request_t req;
    int number;
    uint32_t handle;
    int seq;
    int cursor;
    uint64_t deadline;
    int deadline_cursor; /* the process ck.deadline was set for (Pass 5) */
    part_t parts[MAX_APPS];
    int nparts;
    bool any_error_state;
    bool announced_no_open;
} ck;

static app_t apps[MAX_APPS];
static int next_conn = 1;
static int listen_fd = -1;
static bool stdin_open = true;
static char stdin_buf[4096];
static size_t stdin_len;
static bool quit_requested;
static uint32_t next_handle = 1;
static int next_seq;
static pid_t my_pid;

static request_t queue[MAX_QUEUE];
static int queue_len;
static int pending_fin_ack[MAX_APPS];
static int pending_fin_count;

static struct {
    uint32_t handle;
    int seq;
    int number; /* the checkpoint it was made for */
} handle_seq[MAX_HANDLES];
static int handle_count;

static struct {
    unsigned apps, messages, undecodable, requests, checkpoints, ok, failed, local_finish, local_update, pulls,
        pushes, replies;
} stats;

/* --on EVENT[#N][+MS]=COMMAND */
typedef struct {
    char event[32];
    int nth;
    int delay_ms;
    char command[256];
    bool fired;
} on_action_t;
static on_action_t on_actions[MAX_ACTIONS];
static int on_count;
static struct {
    char name[32];
    int count;
} event_counts[16];
static struct {
    uint64_t due;
    char command[256];
} delayed[MAX_ACTIONS];
static int delayed_count;

/* ---- output ------------------------------------------------------------------------------------ */

static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void out(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
    fflush(stdout);
}

static const char *hex(const unsigned char *data, size_t len, char *buf, size_t cap)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < len && o + 3 < cap; ++i) {
        o += (size_t)snprintf(buf + o, cap - o, "%02x", data[i]);
    }
    if (0 == len) {
        snprintf(buf, cap, "-");
    }
    return buf;
}

static void summary(void)
{
    out("SUMMARY apps=%u checkpoints=%u ok=%u failed=%u messages=%u undecodable=%u requests=%u local_finish=%u "
        "local_update=%u pulls=%u pushes=%u replies=%u",
        stats.apps, stats.checkpoints, stats.ok, stats.failed, stats.messages, stats.undecodable, stats.requests,
        stats.local_finish, stats.local_update, stats.pulls, stats.pushes, stats.replies);
}

static void cleanup_socket(void)
{
    if (NULL != cfg.socket_path) {
        unlink(cfg.socket_path);
    }
}

static void watchdog_handler(int signo)
{
    (void)signo;
    static const char msg[] = "WATCHDOG ref_peer: overall time limit (--timeout) reached, aborting\n";
    ssize_t w1 = write(STDOUT_FILENO, msg, sizeof(msg) - 1);
    ssize_t w2 = write(STDERR_FILENO, msg, sizeof(msg) - 1);
    (void)w1, (void)w2;
    if (NULL != cfg.socket_path) {
        unlink(cfg.socket_path);
    }
    _exit(124);
}

static void die_now(enum die_point point)
{
    if (fault.die_at != point || (0 != fault.die_ckpt && fault.die_ckpt != ck.number)) {
        return;
    }
    out("FAULT die at=%s how=%s checkpoint=%d", die_names[point], fault.die_kill ? "kill" : "exit", ck.number);
    cleanup_socket();
    if (fault.die_kill) {
        kill(getpid(), SIGKILL);
    }
    _exit(3);
}

static uint64_t now_ms(void)
{
    return ref_now_ms();
}

/* ---- DSS helpers (the real opal_dss) ----------------------------------------------------------- */

static opal_buffer_t *new_buffer(void)
{
    opal_buffer_t *b = OBJ_NEW(opal_buffer_t);
    if (NULL != b && cfg.described) {
        b->type = OPAL_DSS_BUFFER_FULLY_DESC;
    }
    return b;
}

/* One value of a type; a count other than 1 is an error too. */
static int unpack_one(opal_buffer_t *b, void *dest, opal_data_type_t type)
{
    int32_t n = 1;
    int rc = opal_dss.unpack(b, dest, &n, type);
    if (OPAL_SUCCESS == rc && 1 != n) {
        rc = OPAL_ERR_UNPACK_FAILURE;
    }
    return rc;
}

static size_t unread_bytes(const opal_buffer_t *b)
{
    return b->bytes_used - (size_t)(b->unpack_ptr - b->base_ptr);
}

/* ---- sending to an app ------------------------------------------------------------------------- */

static int send_frame(int a, uint32_t role, uint32_t tag, const void *payload, size_t len)
{
    app_t *app = &apps[a];
    ref_frame_header_t h = {
        .kind = REF_FRAME_RML,
        .tag = tag,
        .src_jobid = REF_ROLE_HNP == role ? app->hnp_jobid : app->daemon_jobid,
        .src_vpid = REF_ROLE_HNP == role ? app->hnp_vpid : app->daemon_vpid,
        .src_role = role,
        .dst_jobid = app->jobid,
        .dst_vpid = app->vpid,
        .dst_role = REF_ROLE_APP,
        .length = (uint32_t)len,
    };
    int rc = ref_frame_write(app->fd, &h, payload);
    if (0 != rc) {
        out("ERROR send to=%u conn=%d failed: %s", app->vpid, app->conn, strerror(-rc));
    }
    return rc;
}

static int send_buffer(int a, uint32_t role, uint32_t tag, opal_buffer_t *b)
{
    int rc = send_frame(a, role, tag, b->base_ptr, b->bytes_used);
    OBJ_RELEASE(b);
    return rc;
}

/* Replies held back by --hnp late, sent when due (to the same connection only). */
typedef struct {
    uint64_t due;
    int a, conn;
    unsigned which;
    int op_event;
    bool with_state;
    int op_state;
} late_reply_t;
static late_reply_t late_replies[MAX_QUEUE];
static int late_count;

/* The HNP's replies on tag 25, with the --hnp faults applied unless `resent` names why this one is sent
 * without them ("late": a held-back reply now due; "wrong", "after-garbage": what those faults send). */
static void send_hnp_reply_as(int a, unsigned which, int op_event, bool with_state, int op_state, const char *resent)
{
    const char *kind = REPLY_FIN == which ? "FIN_ACK" : REPLY_CKPT == which ? "CKPT_DONE" : "MIGRATE_DONE";
    if (!apps[a].used || !apps[a].hello) {
        out("SEND skipped kind=%s reason=requester-gone", kind);
        return;
    }
    bool faulty = NULL == resent && HNP_NORMAL != fault.hnp && 0 != (fault.hnp_which & which);
    if (faulty && HNP_LATE == fault.hnp) {
        if (late_count == MAX_QUEUE) {
            out("ERROR too many late replies, %s dropped", kind);
            return;
        }
        late_replies[late_count++] = (late_reply_t){.due = now_ms() + (uint64_t)cfg.late_ms, .a = a,
                                                    .conn = apps[a].conn, .which = which, .op_event = op_event,
                                                    .with_state = with_state, .op_state = op_state};
        out("FAULT hnp late kind=%s to=%u conn=%d ms=%d", kind, apps[a].vpid, apps[a].conn, cfg.late_ms);
        return;
    }
    if (faulty && HNP_SILENT == fault.hnp) {
        out("FAULT hnp silent kind=%s to=%u conn=%d", kind, apps[a].vpid, apps[a].conn);
        return;
    }
    if (faulty && (HNP_GARBAGE == fault.hnp || HNP_GARBAGE_THEN_REPLY == fault.hnp)) {
        static const unsigned char garbage[] = {0xde, 0xad, 0xbe, 0xef, 0x00, 0x11, 0x22, 0x33,
                                                0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb};
        if (0 != send_frame(a, REF_ROLE_HNP, ORTE_RML_TAG_SNAPC_FULL, garbage, sizeof(garbage))) {
            return;
        }
        ++stats.replies;
        out("SEND to=%u tag=25 %s fault=garbage bytes=%zu conn=%d", apps[a].vpid, kind, sizeof(garbage), apps[a].conn);
        if (HNP_GARBAGE_THEN_REPLY == fault.hnp) {
            send_hnp_reply_as(a, which, op_event, with_state, op_state, "after-garbage");
        }
        return;
    }
    if (faulty && (HNP_WRONG == fault.hnp || HNP_ACK_THEN_REPLY == fault.hnp)) {
        if (HNP_ACK_THEN_REPLY == fault.hnp) {
            send_hnp_reply_as(a, REPLY_FIN, ORTE_SNAPC_OP_FIN_ACK, false, 0, "ack-shaped");
        } else if (REPLY_CKPT == which) {
            send_hnp_reply_as(a, REPLY_MIGRATE, ORTE_SNAPC_OP_MIGRATE, true, 0, "wrong");
        } else {
            send_hnp_reply_as(a, REPLY_CKPT, ORTE_SNAPC_OP_CHECKPOINT, true, 0, "wrong");
        }
        out("FAULT hnp %s kind=%s to=%u conn=%d", hnp_names[fault.hnp], kind, apps[a].vpid, apps[a].conn);
        send_hnp_reply_as(a, which, op_event, with_state, op_state,
                          HNP_WRONG == fault.hnp ? "after-wrong" : "after-ack");
        return;
    }
    opal_buffer_t *b = new_buffer();
    uint8_t cmd = REF_SNAPC_FULL_REQUEST_OP_CMD;
    int rc = opal_dss.pack(b, &cmd, 1, OPAL_UINT8);
    if (OPAL_SUCCESS == rc) {
        rc = opal_dss.pack(b, &op_event, 1, OPAL_INT);
    }
    if (OPAL_SUCCESS == rc && with_state) {
        rc = opal_dss.pack(b, &op_state, 1, OPAL_INT);
    }
    if (OPAL_SUCCESS != rc) {
        out("ERROR pack %s rc=%d", kind, rc);
        OBJ_RELEASE(b);
        return;
    }
    size_t len = b->bytes_used;
    char note[32] = "";
    if (NULL != resent) {
        snprintf(note, sizeof(note), " fault=%s", resent);
    }
    if (faulty && HNP_TRUNCATED == fault.hnp) {
        len = len > 7 ? 7 : len; /* the command survives, the event's value is cut */
        snprintf(note, sizeof(note), " fault=truncated");
    }
    if (0 != send_frame(a, REF_ROLE_HNP, ORTE_RML_TAG_SNAPC_FULL, b->base_ptr, len)) {
        OBJ_RELEASE(b);
        return;
    }
    ++stats.replies;
    if (with_state) {
        out("SEND to=%u tag=25 %s op_event=%d op_state=%d bytes=%zu conn=%d%s", apps[a].vpid, kind, op_event,
            op_state, len, apps[a].conn, note);
    } else {
        out("SEND to=%u tag=25 %s op_event=%d bytes=%zu conn=%d%s", apps[a].vpid, kind, op_event, len, apps[a].conn,
            note);
    }
    OBJ_RELEASE(b);
}

static void send_hnp_reply(int a, unsigned which, int op_event, bool with_state, int op_state)
{
    send_hnp_reply_as(a, which, op_event, with_state, op_state, NULL);
}

static void send_late_replies(void)
{
    uint64_t now = now_ms();
    for (int i = 0; i < late_count;) {
        late_reply_t r = late_replies[i];
        if (r.due > now) {
            ++i;
            continue;
        }
        late_replies[i] = late_replies[--late_count];
        if (apps[r.a].used && apps[r.a].conn == r.conn) {
            send_hnp_reply_as(r.a, r.which, r.op_event, r.with_state, r.op_state, "late");
        }
    }
}

/* ---- the --on actions -------------------------------------------------------------------------- */

static void run_command(const char *line);

static void fire(const char *event)
{
    int count = 0;
    for (int i = 0; i < (int)(sizeof(event_counts) / sizeof(event_counts[0])); ++i) {
        if (0 == strcmp(event_counts[i].name, event)) {
            count = ++event_counts[i].count;
            break;
        }
        if ('\0' == event_counts[i].name[0]) {
            snprintf(event_counts[i].name, sizeof(event_counts[i].name), "%s", event);
            count = event_counts[i].count = 1;
            break;
        }
    }
    for (int i = 0; i < on_count; ++i) {
        on_action_t *a = &on_actions[i];
        if (a->fired || 0 != strcmp(a->event, event) || a->nth != count) {
            continue;
        }
        a->fired = true;
        if (delayed_count < MAX_ACTIONS) {
            delayed[delayed_count].due = now_ms() + (uint64_t)a->delay_ms;
            snprintf(delayed[delayed_count].command, sizeof(delayed[delayed_count].command), "%s", a->command);
            ++delayed_count;
        }
    }
}

static void run_due_actions(void)
{
    uint64_t now = now_ms();
    for (int i = 0; i < delayed_count;) {
        if (delayed[i].due <= now) {
            char command[256];
            snprintf(command, sizeof(command), "%s", delayed[i].command);
            delayed[i] = delayed[--delayed_count];
            out("ACTION %s", command);
            run_command(command);
            now = now_ms();
            i = 0;
        } else {
            ++i;
        }
    }
}

/* ---- the checkpoint (local coordinator + HNP) --------------------------------------------------- */

static void close_part(part_t *p)
{
    if (p->fd_a >= 0) {
        close(p->fd_a);
        p->fd_a = -1;
    }
    if (p->fd_b >= 0) {
        close(p->fd_b);
        p->fd_b = -1;
    }
}

static void fail_part(part_t *p, const char *reason)
{
    close_part(p);
    p->st = PS_FAILED;
    out("FIFO vpid=%u id=%d failed reason=%s", p->vpid, p->id, reason);
}

/* What the real local coordinator does when a process fails Pass 3 or Pass 5: give up on it and on
 * every later process (snapc_full_local_start_checkpoint_all returns the error). */
static void abort_from(int index, const char *reason)
{
    for (int i = index; i < ck.nparts; ++i) {
        part_t *p = &ck.parts[i];
        if (p->st < PS_RUNNING) {
            fail_part(p, i == index ? reason : "aborted");
        }
    }
}

static bool fifo_fault_here(enum fifo_stage stage)
{
    return fault.fifo_stage == stage && (0 == fault.fifo_ckpt || fault.fifo_ckpt == ck.number);
}

/* Writes ints to FIFO A; with a short-write fault, writes 2 bytes and closes both ends instead. */
static bool write_ints(part_t *p, const int *values, int count, enum fifo_stage stage)
{
    if (fifo_fault_here(stage) && fault.fifo_short) {
        ssize_t w = write(p->fd_a, values, 2);
        out("FAULT fifo stage=%s kind=short vpid=%u id=%d wrote=%zd", stage_names[stage], p->vpid, p->id, w);
        fail_part(p, "fault:short-write");
        return false;
    }
    size_t len = sizeof(int) * (size_t)count;
    const unsigned char *data = (const unsigned char *)values;
    while (len > 0) {
        ssize_t w = write(p->fd_a, data, len);
        if (w < 0 && EINTR == errno) {
            continue;
        }
        if (w <= 0) {
            char reason[64];
            snprintf(reason, sizeof(reason), "write:%s", strerror(errno));
            fail_part(p, reason);
            return false;
        }
        data += w;
        len -= (size_t)w;
    }
    return true;
}

/* Reads the next int from FIFO B (accumulating partial reads). 1 = value, 0 = need more, -1 = EOF/error. */
static int read_int_step(part_t *p, int *value)
{
    for (;;) {
        ssize_t r = read(p->fd_b, p->rbuf + p->rlen, 4 - (size_t)p->rlen);
        if (r < 0 && EINTR == errno) {
            continue;
        }
        if (r < 0 && (EAGAIN == errno || EWOULDBLOCK == errno)) {
            return 0;
        }
        if (r <= 0) {
            return -1;
        }
        p->rlen += (int)r;
        if (4 == p->rlen) {
            memcpy(value, p->rbuf, 4);
            p->rlen = 0;
            return 1;
        }
    }
}

static int find_part(int a)
{
    if (PH_IDLE == ck.phase) {
        return -1;
    }
    for (int i = 0; i < ck.nparts; ++i) {
        if (ck.parts[i].app == a) {
            return i;
        }
    }
    return -1;
}

static void handle_app_input(int a);

/* ---- sstore/central's global metadata (sstore_central_global.c) ------------------------------------ */

/* <base>/<ref>/global_snapshot_meta.data: what ompi-restart reads to find the last finished sequence. */
static char *global_ref(void)
{
    char *ref = NULL;
    if (asprintf(&ref, REF_GLOBAL_SNAPSHOT_REF_FORMAT, (int)my_pid) < 0) {
        out("ERROR out of memory");
        exit(2);
    }
    return ref;
}

static void global_metadata_append(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void global_metadata_append(const char *fmt, ...)
{
    char *ref = global_ref();
    char *dir = NULL, *path = NULL;
    if (asprintf(&dir, "%s/%s", cfg.base_dir, ref) < 0 || asprintf(&path, "%s/%s", dir, REF_GLOBAL_METADATA_FILE) < 0) {
        out("ERROR out of memory");
        exit(2);
    }
    FILE *f = NULL;
    /* the base may not exist yet: the apps create their own directories in it */
    bool have_dir = (0 == mkdir(cfg.base_dir, 0700) || EEXIST == errno) && (0 == mkdir(dir, 0700) || EEXIST == errno);
    if (have_dir && NULL != (f = fopen(path, "a"))) {
        va_list ap;
        va_start(ap, fmt);
        vfprintf(f, fmt, ap);
        va_end(ap);
        /* durable before the sequence counts as finished: a restart trusts this file */
        if (0 != fflush(f) || 0 != fsync(fileno(f))) {
            out("ERROR global metadata %s: %s", path, strerror(errno));
        }
        fclose(f);
    } else {
        out("ERROR global metadata %s: %s", path, strerror(errno));
    }
    free(ref);
    free(dir);
    free(path);
}

static void global_metadata_timestamp(void)
{
    time_t now = time(NULL);
    char when[64];
    /* ctime's text ends with a newline */
    global_metadata_append("%s%s", SSTORE_METADATA_INTERNAL_TIME_STR, ctime_r(&now, when));
}

static void start_checkpoint(const request_t *req)
{
    memset(&ck, 0, sizeof(ck));
    ck.req = *req;
    ck.number = (int)++stats.checkpoints;
    ck.handle = next_handle++;
    ck.seq = next_seq++;
    if (handle_count < MAX_HANDLES) {
        handle_seq[handle_count].handle = ck.handle;
        handle_seq[handle_count].seq = ck.seq;
        handle_seq[handle_count].number = ck.number;
        ++handle_count;
    }
    bool all_migrating = ORTE_SNAPC_OP_MIGRATE == req->event;

    /* participants: every process of the requester's job (all processes for a control command), in
     * vpid order like the daemon's list of local children */
    for (int a = 0; a < MAX_APPS; ++a) {
        if (!apps[a].used || !apps[a].hello || (req->leader_app >= 0 && apps[a].jobid != req->jobid)) {
            continue;
        }
        int at = ck.nparts++;
        while (at > 0 && (apps[ck.parts[at - 1].app].jobid > apps[a].jobid
                          || (apps[ck.parts[at - 1].app].jobid == apps[a].jobid
                              && apps[ck.parts[at - 1].app].vpid > apps[a].vpid))) {
            ck.parts[at] = ck.parts[at - 1];
            --at;
        }
        part_t *p = &ck.parts[at];
        memset(p, 0, sizeof(*p));
        p->app = a;
        p->fd_a = p->fd_b = -1;
        p->final_state = -1;
        apps[a].restarted = false;
    }
    for (int i = 0; i < ck.nparts; ++i) {
        part_t *p = &ck.parts[i];
        p->vpid = apps[p->app].vpid;
        for (int m = 0; m < req->mig_num && all_migrating; ++m) {
            p->migrating = p->migrating || (uint32_t)req->mig_vpids[m] == p->vpid;
        }
    }
    ck.phase = PH_OPEN;
    out("CKPT start number=%d handle=%u seq=%d reason=%s leader=%d all_migrating=%d term=%d stop=%d inc_prep_only=%d "
        "signals=%d apps=%d",
        ck.number, ck.handle, ck.seq, req->leader_app >= 0 ? op_name(req->event) : "control",
        req->leader_app >= 0 ? (int)apps[req->leader_app].vpid : -1, all_migrating, req->term, req->stop,
        req->inc_prep_only, req->signals, ck.nparts);
    /* the global register: the sequence and the local snapshots' name format */
    global_metadata_append("%s%d\n%s%s\n", SSTORE_METADATA_GLOBAL_SNAP_SEQ_STR, ck.seq,
                           SSTORE_METADATA_LOCAL_SNAP_REF_FMT_STR, REF_LOCAL_SNAPSHOT_FORMAT);
    global_metadata_timestamp();

    /* Pass 2: name the FIFOs with the current id (then increment it) and signal, process by process */
    for (int i = 0; i < ck.nparts; ++i) {
        part_t *p = &ck.parts[i];
        app_t *app = &apps[p->app];
        p->pid = app->pid;
        p->id = app->next_id++;
        snprintf(p->path_a, sizeof(p->path_a), "%s/%s.%d_%d", cfg.pipe_dir, OPAL_CR_NAMED_PROG_R, (int)p->pid, p->id);
        snprintf(p->path_b, sizeof(p->path_b), "%s/%s.%d_%d", cfg.pipe_dir, OPAL_CR_NAMED_PROG_W, (int)p->pid, p->id);
        p->st = PS_SIGNALLED;
        int sent = 0;
        for (int s = 0; s < req->signals; ++s) {
            if (0 == kill(p->pid, cfg.signo)) {
                ++sent;
            }
        }
        out("SIGNAL vpid=%u pid=%d id=%d signo=%d count=%d%s", p->vpid, (int)p->pid, p->id, cfg.signo, sent,
            p->migrating ? " migrating=1" : "");
        if (0 == sent) {
            fail_part(p, "kill-failed");
        }
    }
    die_now(DIE_SIGNAL);
    ck.cursor = 0;
    ck.deadline = now_ms() + (uint64_t)cfg.wait_ms;
}

static void write_options_all(void)
{
    bool all_migrating = ORTE_SNAPC_OP_MIGRATE == ck.req.event;
    for (int i = 0; i < ck.nparts; ++i) {
        part_t *p = &ck.parts[i];
        if (PS_OPENED != p->st) {
            continue;
        }
        int block[9] = {all_migrating, p->migrating, ck.req.term, ck.req.stop, ck.req.inc_prep_only, 0, 0, 0, 0};
        int nints = cfg.crdebug ? 8 : 6;
        uint32_t handle = ck.handle;
        if (fifo_fault_here(STAGE_OPTIONS) && !fault.fifo_short) {
            static const int garbage[8] = {0x7fffffff, -1, 0x41414141, 2, 99, -7, 12345, -12345};
            memcpy(block, garbage, sizeof(garbage));
            handle = 0xdeadbeefu;
            out("FAULT fifo stage=options kind=garbage vpid=%u id=%d", p->vpid, p->id);
        }
        memcpy(&block[nints], &handle, sizeof(handle));
        if (!write_ints(p, block, nints + 1, STAGE_OPTIONS)) {
            continue;
        }
        out("FIFO vpid=%u id=%d options=%d,%d,%d,%d,%d,%d%s handle=%u", p->vpid, p->id, block[0], block[1], block[2],
            block[3], block[4], block[5], cfg.crdebug ? ",0,0" : "", handle);
        p->st = PS_WAIT_RESPONSE;
    }
    die_now(DIE_OPTIONS);
    ck.phase = PH_RESPONSE;
    ck.cursor = 0;
    ck.deadline_cursor = 0;
    ck.deadline = now_ms() + (uint64_t)cfg.wait_ms;
}

/* Whether process `pid` holds open the file our descriptor `fd` refers to (same device and inode; by
 * descriptor, not path: the app may remove the names as soon as the rendezvous is done). -1 when /proc
 * cannot tell. */
static int process_holds(pid_t pid, int fd)
{
    struct stat target;
    if (0 != fstat(fd, &target)) {
        return 0;
    }
    char dir[64];
    snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
    DIR *d = opendir(dir);
    if (NULL == d) {
        return -1;
    }
    int found = 0;
    for (struct dirent *e = readdir(d); NULL != e && !found; e = readdir(d)) {
        char fd_path[sizeof(dir) + 300];
        struct stat st;
        snprintf(fd_path, sizeof(fd_path), "%s/%s", dir, e->d_name);
        found = '.' != e->d_name[0] && 0 == stat(fd_path, &st) && st.st_dev == target.st_dev
                && st.st_ino == target.st_ino;
    }
    closedir(d);
    return found;
}

/* Pass 3: one process at a time, both files must exist, then A O_WRONLY and B O_RDONLY. The opens are
 * non-blocking to keep every wait bounded, so the rendezvous is completed by hand: the real daemon's
 * open(B, O_RDONLY) returns only once the app has opened B for writing
 * (docs/protocol.md#rendezvous-and-blocking), and only then does Pass 3 move on. Without that, a peer
 * dying "after the open" could be gone before the app ever saw a reader on B. */
static void advance_open(void)
{
    while (ck.cursor < ck.nparts) {
        part_t *p = &ck.parts[ck.cursor];
        if (PS_SIGNALLED != p->st) {
            ++ck.cursor;
            continue;
        }
        if (fault.no_open) {
            if (!ck.announced_no_open) {
                out("FAULT no-fifo-open checkpoint=%d", ck.number);
                ck.announced_no_open = true;
            }
        } else if (!p->awaiting_writer && 0 == access(p->path_b, F_OK) && 0 == access(p->path_a, F_OK)) {
            /* A fails with ENXIO until the app holds it open, which the app does before it creates B. */
            int fd_a = open(p->path_a, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
            if (fd_a >= 0) {
                int fd_b = open(p->path_b, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
                if (fd_b < 0) {
                    close(fd_a);
                    char reason[64];
                    snprintf(reason, sizeof(reason), "open-b:%s", strerror(errno));
                    fail_part(p, reason);
                    abort_from(ck.cursor + 1, "aborted");
                    ck.cursor = ck.nparts;
                    break;
                }
                fcntl(fd_a, F_SETFL, fcntl(fd_a, F_GETFL) & ~O_NONBLOCK);
                p->fd_a = fd_a;
                p->fd_b = fd_b;
                p->awaiting_writer = true;
            } else if (ENXIO != errno) {
                char reason[64];
                snprintf(reason, sizeof(reason), "open-a:%s", strerror(errno));
                fail_part(p, reason);
                abort_from(ck.cursor + 1, "aborted");
                ck.cursor = ck.nparts;
                break;
            }
        }
        if (p->awaiting_writer && 0 != process_holds(p->pid, p->fd_b)) {
            p->awaiting_writer = false;
            p->st = PS_OPENED;
            out("FIFO vpid=%u id=%d open a=%s b=%s", p->vpid, p->id, p->path_a, p->path_b);
            ++ck.cursor;
            ck.deadline = now_ms() + (uint64_t)cfg.wait_ms;
            continue;
        }
        if (now_ms() >= ck.deadline) {
            fail_part(p, fault.no_open       ? "fault:no-open"
                         : p->awaiting_writer ? "timeout:rendezvous"
                                              : "timeout:open");
            /* the real daemon gives up on the whole checkpoint: nothing more for anyone */
            for (int i = 0; i < ck.nparts; ++i) {
                if (ck.parts[i].st < PS_RUNNING) {
                    fail_part(&ck.parts[i], "aborted");
                }
            }
            ck.cursor = ck.nparts;
        }
        break;
    }
    if (ck.cursor >= ck.nparts) {
        die_now(DIE_OPEN);
        write_options_all();
    }
}

static void got_response(part_t *p, int response)
{
    out("FIFO vpid=%u id=%d response=%d", p->vpid, p->id, response);
    die_now(DIE_RESPONSE);
    if (0 != response) {
        /* help-opal-checkpoint.txt ckpt:in_progress / req_null / req_error; no sentinel */
        fail_part(p, 1 == response ? "refused:in_progress" : 2 == response ? "refused:null" : "refused");
        abort_from(ck.cursor + 1, "aborted");
        ck.cursor = ck.nparts;
        return;
    }
    int sentinel = response;
    if (fifo_fault_here(STAGE_SENTINEL) && !fault.fifo_short) {
        sentinel = 0x7fffffff;
        out("FAULT fifo stage=sentinel kind=garbage vpid=%u id=%d", p->vpid, p->id);
    }
    if (!write_ints(p, &sentinel, 1, STAGE_SENTINEL)) {
        ++ck.cursor;
        return;
    }
    out("FIFO vpid=%u id=%d sentinel=%d", p->vpid, p->id, sentinel);
    p->st = PS_RUNNING;
    p->deadline = now_ms() + (uint64_t)cfg.wait_ms;
    ++ck.cursor;
}

/* EOF on FIFO B where a state was expected: a restarted process closes its stale FIFOs after sending
 * LOCAL_UPDATE and LOCAL_FINISH, so read those first. */
static void fifo_eof(part_t *p, const char *when)
{
    handle_app_input(p->app);
    if (PS_FAILED == p->st || PS_RESTARTED == p->st || PS_FINISHED == p->st) {
        return;
    }
    if (apps[p->app].restarted) {
        close_part(p);
        p->st = PS_RESTARTED;
        out("FIFO vpid=%u id=%d closed restarted=1", p->vpid, p->id);
    } else {
        char reason[64];
        snprintf(reason, sizeof(reason), "eof:%s%s", when, p->rlen > 0 ? "-short" : "");
        fail_part(p, reason);
    }
}

/* A state read from FIFO B while the process runs its checkpoint: true when more may follow (prepared). */
static bool got_state(part_t *p, int value)
{
    if (ck.req.inc_prep_only && OPAL_CRS_RUNNING == value && PS_RUNNING == p->st) {
        p->st = PS_PREPARED;
        p->deadline = now_ms() + (uint64_t)cfg.quiesce_ms;
        out("FIFO vpid=%u id=%d final=%d prepared", p->vpid, p->id, value);
        return true;
    }
    p->final_state = value;
    p->st = PS_FINAL;
    if (OPAL_CRS_ERROR == value) {
        ck.any_error_state = true;
    }
    out("FIFO vpid=%u id=%d final=%d %s", p->vpid, p->id, value, OPAL_CRS_ERROR == value ? "error" : "finished");
    return false;
}

static void fifo_readable(part_t *p)
{
    int value = 0;
    for (;;) {
        if (p->fd_b < 0) {
            return;
        }
        int rc = read_int_step(p, &value);
        if (0 == rc) {
            return;
        }
        if (rc < 0) {
            if (PS_WAIT_RESPONSE == p->st) {
                fifo_eof(p, "response");
                if (PS_FAILED == p->st) {
                    abort_from(ck.cursor + 1, "aborted");
                    ck.cursor = ck.nparts;
                }
            } else {
                fifo_eof(p, "final");
            }
            return;
        }
        if (PS_WAIT_RESPONSE == p->st) {
            got_response(p, value);
            continue; /* a fast app may already have written its final state */
        }
        if (PS_RUNNING != p->st && PS_PREPARED != p->st) {
            out("FIFO vpid=%u id=%d unexpected=%d state=%s", p->vpid, p->id, value, part_state_names[p->st]);
            continue;
        }
        if (!got_state(p, value)) {
            return;
        }
    }
}

static void terminate_app(int a, int signo, const char *why)
{
    if (apps[a].used && apps[a].pid > 0) {
        out("TERMINATE vpid=%u pid=%d signo=%d reason=%s", apps[a].vpid, (int)apps[a].pid, signo, why);
        kill(apps[a].pid, signo);
    }
}

static void maybe_start_next(void);

static void finish_checkpoint(void)
{
    int finished = 0, failed = 0, restarted = 0, migrated = 0;
    for (int i = 0; i < ck.nparts; ++i) {
        part_t *p = &ck.parts[i];
        close_part(p);
        finished += PS_FINISHED == p->st;
        failed += PS_FAILED == p->st;
        restarted += PS_RESTARTED == p->st;
        migrated += PS_MIGRATED == p->st;
    }
    bool ok = 0 == failed && !ck.any_error_state;
    ok ? ++stats.ok : ++stats.failed;
    out("CKPT done number=%d handle=%u seq=%d result=%s finished=%d failed=%d restarted=%d migrated=%d error_state=%d",
        ck.number, ck.handle, ck.seq, ok ? "ok" : "error", finished, failed, restarted, migrated, ck.any_error_state);
    /* the global sync: only a checkpoint every process finished counts as a finished sequence */
    global_metadata_timestamp();
    if (ok) {
        global_metadata_append("%s%d\n", SSTORE_METADATA_INTERNAL_DONE_SEQ_STR, ck.seq);
    }

    int leader = ck.req.leader_app;
    bool leader_restarted = leader >= 0 && apps[leader].restarted;
    if (ORTE_SNAPC_OP_CHECKPOINT == ck.req.event && leader >= 0) {
        if (leader_restarted) {
            out("SEND skipped kind=CKPT_DONE reason=leader-restarted");
        } else {
            send_hnp_reply(leader, REPLY_CKPT, ORTE_SNAPC_OP_CHECKPOINT, true, ok ? 0 : -1);
        }
    } else if (ORTE_SNAPC_OP_MIGRATE == ck.req.event && leader >= 0) {
        if (ok) {
            send_hnp_reply(leader, REPLY_MIGRATE, ORTE_SNAPC_OP_MIGRATE, true, 0);
        } else {
            out("SEND skipped kind=MIGRATE_DONE reason=migration-failed"); /* the real HNP stays silent too */
        }
    }
    if (ck.req.term && cfg.term_kill) {
        /* orte_snapc_full_global_reset_coord -> orte_plm.terminate_job once RECOVERED and ESTABLISHED */
        for (int i = 0; i < ck.nparts; ++i) {
            if (PS_FINISHED == ck.parts[i].st) {
                terminate_app(ck.parts[i].app, SIGTERM, "term");
            }
        }
    }
    ck.phase = PH_IDLE;
    for (int i = 0; i < pending_fin_count; ++i) {
        send_hnp_reply(pending_fin_ack[i], REPLY_FIN, ORTE_SNAPC_OP_FIN_ACK, false, 0);
    }
    pending_fin_count = 0;
    fire("done");
    maybe_start_next();
}

static void release_all(void)
{
    die_now(DIE_RELEASE);
    for (int i = 0; i < ck.nparts; ++i) {
        part_t *p = &ck.parts[i];
        if (PS_FINAL != p->st) {
            continue;
        }
        if (p->migrating) {
            /* the migrating process is done here: the real HNP terminates it and restarts it elsewhere */
            close_part(p);
            p->st = PS_MIGRATED;
            out("FIFO vpid=%u id=%d migrated", p->vpid, p->id);
            if (cfg.migrate_kill) {
                terminate_app(p->app, SIGKILL, "migrated");
            }
            continue;
        }
        int release = 0;
        if (fifo_fault_here(STAGE_RELEASE) && !fault.fifo_short) {
            release = -12345;
            out("FAULT fifo stage=release kind=garbage vpid=%u id=%d", p->vpid, p->id);
        }
        if (!write_ints(p, &release, 1, STAGE_RELEASE)) {
            continue;
        }
        close_part(p);
        p->st = PS_RELEASED;
        p->deadline = now_ms() + (uint64_t)cfg.wait_ms;
        out("FIFO vpid=%u id=%d released", p->vpid, p->id);
    }
    ck.phase = PH_FINISH;
}

static void advance_checkpoint(void)
{
    if (PH_OPEN == ck.phase) {
        advance_open();
    }
    if (PH_RESPONSE == ck.phase) {
        while (ck.cursor < ck.nparts && PS_WAIT_RESPONSE != ck.parts[ck.cursor].st) {
            ++ck.cursor;
        }
        if (ck.deadline_cursor != ck.cursor) {
            /* a new current process: its response wait starts now */
            ck.deadline_cursor = ck.cursor;
            ck.deadline = now_ms() + (uint64_t)cfg.wait_ms;
        }
        if (ck.cursor < ck.nparts && now_ms() >= ck.deadline) {
            fail_part(&ck.parts[ck.cursor], "timeout:response");
            abort_from(ck.cursor + 1, "aborted");
            ck.cursor = ck.nparts;
        }
        if (ck.cursor >= ck.nparts) {
            ck.phase = PH_RUNNING;
        }
    }
    if (PH_RESPONSE == ck.phase || PH_RUNNING == ck.phase) {
        uint64_t now = now_ms();
        for (int i = 0; i < ck.nparts; ++i) {
            part_t *p = &ck.parts[i];
            if ((PS_RUNNING == p->st || PS_PREPARED == p->st) && now >= p->deadline) {
                fail_part(p, PS_PREPARED == p->st ? "timeout:quiesce" : "timeout:final");
            }
        }
    }
    if (PH_RUNNING == ck.phase) {
        bool waiting = false;
        for (int i = 0; i < ck.nparts; ++i) {
            waiting = waiting || ck.parts[i].st < PS_FINAL;
        }
        if (!waiting) {
            release_all();
        }
    }
    if (PH_FINISH == ck.phase) {
        bool waiting = false;
        uint64_t now = now_ms();
        for (int i = 0; i < ck.nparts; ++i) {
            part_t *p = &ck.parts[i];
            if (PS_RELEASED == p->st && now >= p->deadline) {
                fail_part(p, "timeout:local_finish");
            }
            waiting = waiting || PS_RELEASED == p->st;
        }
        if (!waiting) {
            finish_checkpoint();
        }
    }
}

static void maybe_start_next(void)
{
    while (PH_IDLE == ck.phase && queue_len > 0) {
        request_t req = queue[0];
        memmove(&queue[0], &queue[1], sizeof(queue[0]) * (size_t)(queue_len - 1));
        --queue_len;
        if (req.leader_app >= 0 && !apps[req.leader_app].used) {
            continue;
        }
        start_checkpoint(&req);
        advance_checkpoint();
    }
}

static void enqueue(const request_t *req)
{
    if (queue_len == MAX_QUEUE) {
        out("ERROR checkpoint queue full, request dropped");
        return;
    }
    queue[queue_len++] = *req;
    if (PH_IDLE != ck.phase) {
        out("CKPT queued position=%d", queue_len);
    }
    maybe_start_next();
}

/* ---- messages from the apps -------------------------------------------------------------------- */

static void handle_request_op(int a, opal_buffer_t *b, const char *where)
{
    char line[2048];
    uint32_t jobid = 0;
    int event = 0;
    int rc = unpack_one(b, &jobid, OPAL_JOBID);
    const char *field = "jobid";
    if (OPAL_SUCCESS == rc) {
        field = "event";
        rc = unpack_one(b, &event, OPAL_INT);
    }
    int n = OPAL_SUCCESS == rc ? snprintf(line, sizeof(line), "REQUEST_OP event=%d name=%s jobid=%u", event,
                                          op_name(event), jobid)
                               : 0;
    int seq = -1, mig_num = 0;
    char *handle = NULL;
    request_t req = {.event = event, .leader_app = a, .jobid = apps[a].jobid, .signals = 1};
    if (OPAL_SUCCESS == rc && ORTE_SNAPC_OP_RESTART == event) {
        field = "seq";
        rc = unpack_one(b, &seq, OPAL_INT);
        if (OPAL_SUCCESS == rc) {
            field = "handle";
            rc = unpack_one(b, &handle, OPAL_STRING);
        }
        if (OPAL_SUCCESS == rc) {
            char t[512];
            n += snprintf(line + n, sizeof(line) - (size_t)n, " seq=%d handle=%s", seq, ref_token(handle, t, sizeof(t)));
        }
        free(handle);
    } else if (OPAL_SUCCESS == rc && ORTE_SNAPC_OP_MIGRATE == event) {
        field = "mig_num";
        rc = unpack_one(b, &mig_num, OPAL_INT);
        /* like the HNP's loop, a negative count means no entries; a huge one runs out of bytes */
        if (OPAL_SUCCESS == rc) {
            n += snprintf(line + n, sizeof(line) - (size_t)n, " mig_num=%d mig=", mig_num);
        }
        for (int i = 0; OPAL_SUCCESS == rc && i < mig_num; ++i) {
            int vpid = 0, pref = 0, off = 0;
            char *host = NULL;
            field = "mig_entry";
            rc = unpack_one(b, &vpid, OPAL_INT);
            if (OPAL_SUCCESS == rc) {
                rc = unpack_one(b, &host, OPAL_STRING);
            }
            if (OPAL_SUCCESS == rc) {
                rc = unpack_one(b, &pref, OPAL_INT);
            }
            if (OPAL_SUCCESS == rc) {
                rc = unpack_one(b, &off, OPAL_INT);
            }
            if (OPAL_SUCCESS == rc) {
                char t[300];
                if (n < (int)sizeof(line) - 400) {
                    n += snprintf(line + n, sizeof(line) - (size_t)n, "%s%d/%s/%d/%d", 0 == i ? "" : ",", vpid,
                                  NULL != host && '\0' == *host ? "" : ref_token(host, t, sizeof(t)), pref, off);
                }
                if (req.mig_num < MAX_MIG) {
                    req.mig_vpids[req.mig_num++] = vpid;
                }
            }
            free(host);
        }
    }
    if (OPAL_SUCCESS != rc) {
        ++stats.undecodable;
        out("RECV from=%u tag=25 UNDECODABLE rc=%d field=%s %s", apps[a].vpid, rc, field, where);
        return;
    }
    ++stats.requests;
    out("RECV from=%u tag=25 %s %s extra=%zu", apps[a].vpid, line, where, unread_bytes(b));

    switch (event) {
    case ORTE_SNAPC_OP_INIT:
        fire("init");
        break;
    case ORTE_SNAPC_OP_FIN:
        if (PH_IDLE != ck.phase || queue_len > 0) {
            /* the HNP spins until the running checkpoint is over, then acknowledges */
            out("FIN_ACK deferred to=%u reason=checkpoint-running", apps[a].vpid);
            if (pending_fin_count < MAX_APPS) {
                pending_fin_ack[pending_fin_count++] = a;
            }
        } else {
            send_hnp_reply(a, REPLY_FIN, ORTE_SNAPC_OP_FIN_ACK, false, 0);
        }
        fire("fin");
        break;
    case ORTE_SNAPC_OP_CHECKPOINT:
        enqueue(&req);
        break;
    case ORTE_SNAPC_OP_MIGRATE:
        if (mig_num <= 0) {
            /* orte_errmgr_base_migrate_job fails without processes: the HNP sends no reply */
            out("IGNORED request event=6 from=%u reason=no-migration-entries", apps[a].vpid);
        } else {
            enqueue(&req);
        }
        break;
    case ORTE_SNAPC_OP_QUIESCE_START:
        req.inc_prep_only = true;
        enqueue(&req);
        break;
    case ORTE_SNAPC_OP_RESTART:
        if (cfg.restart_kill) {
            for (int i = 0; i < MAX_APPS; ++i) {
                if (apps[i].used && apps[i].hello && apps[i].jobid == apps[a].jobid) {
                    terminate_app(i, SIGKILL, "restart");
                }
            }
        }
        break;
    case ORTE_SNAPC_OP_QUIESCE_END:
        break; /* the HNP waits for the job state to return to NONE; no reply */
    default:
        out("IGNORED request event=%d from=%u", event, apps[a].vpid);
        break;
    }
}

static void handle_local_finish(int a, int cr_state)
{
    ++stats.local_finish;
    fire("local_finish");
    int i = find_part(a);
    if (i < 0) {
        return;
    }
    part_t *p = &ck.parts[i];
    if (PS_RELEASED == p->st) {
        p->st = PS_FINISHED;
        return;
    }
    int value = 0;
    if ((PS_RUNNING == p->st || PS_PREPARED == p->st) && p->fd_b >= 0 && 1 == read_int_step(p, &value)) {
        /* the state written just before this message overtook it in the event loop: it comes first */
        got_state(p, value);
    }
    if (PS_FINAL == p->st && OPAL_CRS_ERROR == p->final_state && OPAL_CRS_ERROR == cr_state) {
        /* a process that reported ERROR does not wait for a release (the real HNP never sends one) */
        close_part(p);
        p->st = PS_FINISHED;
        out("FIFO vpid=%u id=%d ended reason=error-reported", p->vpid, p->id);
        return;
    }
    if (OPAL_CRS_RESTART == cr_state && apps[a].restarted && p->st < PS_FINAL) {
        close_part(p);
        p->st = PS_RESTARTED;
        out("FIFO vpid=%u id=%d restarted", p->vpid, p->id);
        return;
    }
    if (p->st < PS_RELEASED) {
        /* the process gave up on this checkpoint before its release */
        fail_part(p, "local_finish-before-release");
        if (PH_RESPONSE == ck.phase && i == ck.cursor) {
            abort_from(i + 1, "aborted");
            ck.cursor = ck.nparts;
        }
    }
}

static void handle_local_update(int a, uint32_t jobid, uint32_t vpid, pid_t pid)
{
    ++stats.local_update;
    app_t *app = &apps[a];
    if (jobid != app->jobid || vpid != app->vpid) {
        out("WARNING LOCAL_UPDATE name %u.%u differs from the sender %u.%u", jobid, vpid, app->jobid, app->vpid);
    }
    pid_t old = app->pid;
    app->pid = pid;
    int i = find_part(a);
    /* A process that restarted skipped its final state: a new job setup gives it id 0 again. A
     * non-migrating process in a migration also sends LOCAL_UPDATE, after its final state: keep its id. */
    bool reset = i < 0 || ck.parts[i].st < PS_FINAL;
    if (reset) {
        app->next_id = 0;
    }
    if (i >= 0 && ck.parts[i].st < PS_FINAL) {
        app->restarted = true;
    }
    out("RESTART vpid=%u pid=%d->%d next_id=%d%s", app->vpid, (int)old, (int)pid, app->next_id,
        reset ? " reset=1" : " reset=0");
}

static void pull_reply(int a, uint32_t handle)
{
    int seq = -1, number = 0;
    for (int i = 0; i < handle_count; ++i) {
        if (handle_seq[i].handle == handle) {
            seq = handle_seq[i].seq;
            number = handle_seq[i].number;
        }
    }
    char *ref = NULL, *loc = NULL, *meta = NULL;
    bool noref = seq >= 0 && fault.pull_noref && (0 == fault.pull_ckpt || fault.pull_ckpt == number);
    if (seq >= 0) {
        /* sstore/central: <base>/<ref>/<seq>/opal_snapshot_<vpid>.ckpt and its snapshot_meta.data (the name as
         * REF_LOCAL_SNAPSHOT_FORMAT gives it, with the vpid printed unsigned) */
        ref = global_ref();
        if (asprintf(&loc, "%s/%s/%d/opal_snapshot_%u.ckpt", cfg.base_dir, ref, seq, apps[a].vpid) < 0
            || asprintf(&meta, "%s/%s", loc, REF_LOCAL_METADATA_FILE) < 0) {
            out("ERROR out of memory");
            exit(2);
        }
    }
    if (noref) {
        /* a store that lost the global attributes: the app can take its checkpoint, but not name it */
        seq = -1;
        free(ref);
        ref = NULL;
    }
    opal_buffer_t *b = new_buffer();
    uint8_t cmd = REF_SSTORE_CENTRAL_PUSH; /* the daemon's reply to a PULL */
    int rc = opal_dss.pack(b, &cmd, 1, OPAL_UINT8);
    if (OPAL_SUCCESS == rc) {
        rc = opal_dss.pack(b, &handle, 1, OPAL_UINT32);
    }
    if (OPAL_SUCCESS == rc) {
        rc = opal_dss.pack(b, &seq, 1, OPAL_INT);
    }
    if (OPAL_SUCCESS == rc) {
        rc = opal_dss.pack(b, &ref, 1, OPAL_STRING);
    }
    if (OPAL_SUCCESS == rc) {
        rc = opal_dss.pack(b, &loc, 1, OPAL_STRING);
    }
    if (OPAL_SUCCESS == rc) {
        rc = opal_dss.pack(b, &meta, 1, OPAL_STRING);
    }
    if (OPAL_SUCCESS == rc) {
        char t1[512], t2[1024], t3[1024];
        size_t len = b->bytes_used;
        if (0 != send_buffer(a, REF_ROLE_DAEMON, ORTE_RML_TAG_SSTORE_INTERNAL, b)) {
            free(ref);
            free(loc);
            free(meta);
            return;
        }
        out("SEND to=%u tag=44 SSTORE_PULL_REPLY handle=%u seq=%d ref=%s loc=%s meta=%s bytes=%zu conn=%d%s",
            apps[a].vpid, handle, seq, ref_token(ref, t1, sizeof(t1)), ref_token(loc, t2, sizeof(t2)),
            ref_token(meta, t3, sizeof(t3)), len, apps[a].conn, noref ? " fault=noref" : "");
    } else {
        out("ERROR pack SSTORE_PULL_REPLY rc=%d", rc);
        OBJ_RELEASE(b);
    }
    free(ref);
    free(loc);
    free(meta);
}

/* Decodes one RML message with the real opal_dss and acts on it. */
static void handle_rml(int a, const ref_frame_header_t *h, unsigned char *payload)
{
    ++stats.messages;
    char where[128];
    snprintf(where, sizeof(where), "to=%s conn=%d bytes=%u", ref_role_name(h->dst_role), apps[a].conn, h->length);
    opal_buffer_t *b = new_buffer();
    if (h->length > 0) {
        opal_dss.load(b, payload, (int32_t)h->length); /* takes the malloc'ed payload */
    } else {
        free(payload);
    }
    uint8_t cmd = 0;
    int rc = unpack_one(b, &cmd, OPAL_UINT8);
    if (OPAL_SUCCESS != rc) {
        ++stats.undecodable;
        char hx[200];
        out("RECV from=%u tag=%u UNDECODABLE rc=%d field=cmd hex=%s %s", apps[a].vpid, h->tag, rc,
            hex((const unsigned char *)b->base_ptr, h->length > 64 ? 64 : h->length, hx, sizeof(hx)), where);
        OBJ_RELEASE(b);
        return;
    }
    if (ORTE_RML_TAG_SNAPC_FULL == h->tag && REF_SNAPC_FULL_REQUEST_OP_CMD == cmd) {
        handle_request_op(a, b, where);
    } else if (ORTE_RML_TAG_SNAPC == h->tag && ORTE_SNAPC_LOCAL_FINISH_CMD == cmd) {
        int cr_state = 0;
        rc = unpack_one(b, &cr_state, OPAL_INT);
        if (OPAL_SUCCESS != rc) {
            ++stats.undecodable;
            out("RECV from=%u tag=24 UNDECODABLE rc=%d field=cr_state %s", apps[a].vpid, rc, where);
        } else {
            out("RECV from=%u tag=24 LOCAL_FINISH cr_state=%d %s extra=%zu", apps[a].vpid, cr_state, where,
                unread_bytes(b));
            handle_local_finish(a, cr_state);
        }
    } else if (ORTE_RML_TAG_SNAPC == h->tag && ORTE_SNAPC_LOCAL_UPDATE_CMD == cmd) {
        opal_process_name_t name = {0, 0};
        pid_t pid = 0;
        bool crdebug = false;
        const char *field = "name";
        rc = unpack_one(b, &name, OPAL_NAME);
        if (OPAL_SUCCESS == rc) {
            field = "pid";
            rc = unpack_one(b, &pid, OPAL_PID);
        }
        if (OPAL_SUCCESS == rc && cfg.crdebug) {
            field = "crdebug";
            rc = unpack_one(b, &crdebug, OPAL_BOOL);
        }
        if (OPAL_SUCCESS != rc) {
            ++stats.undecodable;
            out("RECV from=%u tag=24 UNDECODABLE rc=%d field=%s %s", apps[a].vpid, rc, field, where);
        } else {
            out("RECV from=%u tag=24 LOCAL_UPDATE jobid=%u vpid=%u pid=%d%s %s extra=%zu", apps[a].vpid, name.jobid,
                name.vpid, (int)pid, cfg.crdebug ? (crdebug ? " crdebug=1" : " crdebug=0") : "", where,
                unread_bytes(b));
            handle_local_update(a, name.jobid, name.vpid, pid);
        }
    } else if (ORTE_RML_TAG_SSTORE_INTERNAL == h->tag && REF_SSTORE_CENTRAL_PULL == cmd) {
        uint32_t handle = 0;
        rc = unpack_one(b, &handle, OPAL_UINT32);
        if (OPAL_SUCCESS != rc) {
            ++stats.undecodable;
            out("RECV from=%u tag=44 UNDECODABLE rc=%d field=handle %s", apps[a].vpid, rc, where);
        } else {
            ++stats.pulls;
            out("RECV from=%u tag=44 SSTORE_PULL handle=%u %s extra=%zu", apps[a].vpid, handle, where,
                unread_bytes(b));
            pull_reply(a, handle);
        }
    } else if (ORTE_RML_TAG_SSTORE_INTERNAL == h->tag && REF_SSTORE_CENTRAL_PUSH == cmd) {
        uint32_t handle = 0;
        bool skipped = false;
        char *crs_comp = NULL;
        const char *field = "handle";
        rc = unpack_one(b, &handle, OPAL_UINT32);
        if (OPAL_SUCCESS == rc) {
            field = "skipped";
            rc = unpack_one(b, &skipped, OPAL_BOOL);
        }
        if (OPAL_SUCCESS == rc && !skipped) {
            field = "crs_comp";
            rc = unpack_one(b, &crs_comp, OPAL_STRING);
        }
        if (OPAL_SUCCESS != rc) {
            ++stats.undecodable;
            out("RECV from=%u tag=44 UNDECODABLE rc=%d field=%s %s", apps[a].vpid, rc, field, where);
        } else {
            char t[512];
            ++stats.pushes;
            out("RECV from=%u tag=44 SSTORE_PUSH handle=%u skipped=%d crs_comp=%s %s extra=%zu", apps[a].vpid, handle,
                skipped, ref_token(crs_comp, t, sizeof(t)), where, unread_bytes(b));
            if (!skipped && PH_IDLE != ck.phase && handle == ck.handle) {
                global_metadata_append("%s%u.%u\n%s%s\n", SSTORE_METADATA_INTERNAL_PROCESS_STR, apps[a].jobid,
                                       apps[a].vpid, SSTORE_METADATA_LOCAL_CRS_COMP_STR,
                                       NULL == crs_comp ? "(null)" : crs_comp);
            }
        }
        free(crs_comp);
    } else {
        out("RECV from=%u tag=%u UNEXPECTED cmd=%u %s", apps[a].vpid, h->tag, cmd, where);
    }
    OBJ_RELEASE(b);
}

static void drop_app(int a, const char *why)
{
    app_t *app = &apps[a];
    out("DISCONNECT conn=%d vpid=%u pid=%d reason=%s", app->conn, app->vpid, (int)app->pid, why);
    int i = find_part(a);
    if (i >= 0 && ck.parts[i].st < PS_FINISHED) {
        fail_part(&ck.parts[i], "disconnected");
        if (PH_RESPONSE == ck.phase && i == ck.cursor) {
            abort_from(i + 1, "aborted");
            ck.cursor = ck.nparts;
        }
    }
    if (i >= 0) {
        ck.parts[i].app = -1; /* the slot may be reused by a new connection */
    }
    for (int f = 0; f < pending_fin_count; ++f) {
        if (pending_fin_ack[f] == a) {
            pending_fin_ack[f--] = pending_fin_ack[--pending_fin_count];
        }
    }
    close(app->fd);
    free(app->rx);
    app->used = false;
    app->fd = -1;
    app->rx = NULL;
    if (ck.req.leader_app == a) {
        ck.req.leader_app = -2; /* gone: no reply; not -1, which means "control command" */
    }
}

static void handle_frame(int a, const ref_frame_header_t *h, unsigned char *payload)
{
    app_t *app = &apps[a];
    if (REF_FRAME_HELLO == h->kind) {
        if (h->length != REF_HELLO_PAYLOAD_BYTES || app->hello) {
            free(payload);
            drop_app(a, "bad-hello");
            return;
        }
        app->hello = true;
        app->jobid = h->src_jobid;
        app->vpid = h->src_vpid;
        app->pid = (pid_t)ref_get_u32(payload);
        app->nprocs = ref_get_u32(payload + 4);
        app->daemon_jobid = ref_get_u32(payload + 8);
        app->daemon_vpid = ref_get_u32(payload + 12);
        app->hnp_jobid = ref_get_u32(payload + 16);
        app->hnp_vpid = ref_get_u32(payload + 20);
        app->next_id = 0;
        free(payload);
        ++stats.apps;
        out("HELLO conn=%d jobid=%u vpid=%u pid=%d nprocs=%u", app->conn, app->jobid, app->vpid, (int)app->pid,
            app->nprocs);
        fire("hello");
        return;
    }
    if (!app->hello) {
        free(payload);
        drop_app(a, "no-hello");
        return;
    }
    if (REF_FRAME_BYE == h->kind) {
        free(payload);
        app->bye = true;
        out("BYE conn=%d vpid=%u", app->conn, app->vpid);
        return;
    }
    handle_rml(a, h, payload);
}

/* Reads what the socket has (non-blocking) and handles every complete frame. */
static void handle_app_input(int a)
{
    app_t *app = &apps[a];
    while (app->used) {
        if (app->rx_cap - app->rx_len < 4096) {
            size_t cap = app->rx_cap ? app->rx_cap * 2 : 65536;
            unsigned char *grown = realloc(app->rx, cap);
            if (NULL == grown) {
                drop_app(a, "out-of-memory");
                return;
            }
            app->rx = grown;
            app->rx_cap = cap;
        }
        ssize_t r = read(app->fd, app->rx + app->rx_len, app->rx_cap - app->rx_len);
        if (r < 0 && EINTR == errno) {
            continue;
        }
        if (r < 0 && (EAGAIN == errno || EWOULDBLOCK == errno)) {
            return;
        }
        if (r <= 0) {
            drop_app(a, 0 == r ? (app->bye ? "bye" : "eof") : "error");
            return;
        }
        app->rx_len += (size_t)r;
        for (;;) {
            if (app->rx_len < REF_FRAME_HEADER_BYTES) {
                break;
            }
            ref_frame_header_t h;
            if (0 != ref_frame_decode_header(app->rx, &h)) {
                drop_app(a, "bad-frame");
                return;
            }
            size_t total = REF_FRAME_HEADER_BYTES + h.length;
            if (app->rx_len < total) {
                break;
            }
            unsigned char *payload = NULL;
            if (h.length > 0) {
                payload = malloc(h.length);
                if (NULL == payload) {
                    drop_app(a, "out-of-memory");
                    return;
                }
                memcpy(payload, app->rx + REF_FRAME_HEADER_BYTES, h.length);
            }
            memmove(app->rx, app->rx + total, app->rx_len - total);
            app->rx_len -= total;
            handle_frame(a, &h, payload);
            if (!app->used) {
                return;
            }
        }
    }
}

static void accept_app(void)
{
    int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
        return;
    }
    for (int a = 0; a < MAX_APPS; ++a) {
        if (!apps[a].used) {
            memset(&apps[a], 0, sizeof(apps[a]));
            apps[a].used = true;
            apps[a].fd = fd;
            apps[a].conn = next_conn++;
            /* replies are small; a stalled app must not block the peer for ever */
            struct timeval tv = {.tv_sec = 5, .tv_usec = 0};
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
            return;
        }
    }
    out("ERROR too many apps (max %d), connection refused", MAX_APPS);
    close(fd);
}

/* ---- control commands -------------------------------------------------------------------------- */

/* Splits "<what>@<n>" and parses n (the checkpoint a fault applies to; 0 = every one). */
static bool split_at_number(char *text, int *number)
{
    *number = 0;
    char *at = strchr(text, '@');
    long n = 0;
    if (NULL == at) {
        return true;
    }
    *at++ = '\0';
    if (!ref_parse_long(at, 1, 1000000, &n)) {
        return false;
    }
    *number = (int)n;
    return true;
}

/* die-at STAGE[:kill|exit][@N] | hnp MODE[:fin|ckpt|migrate] | fifo STAGE:garbage|short[@N] | sstore noref[@N]
 * | no-open | clear */
static bool set_fault(const char *kind, const char *arg)
{
    char buf[128];
    snprintf(buf, sizeof(buf), "%s", NULL == arg ? "" : arg);
    if (0 == strcmp(kind, "clear")) {
        memset(&fault, 0, sizeof(fault));
        return true;
    }
    if (0 == strcmp(kind, "no-open") || 0 == strcmp(kind, "no-fifo-open")) {
        fault.no_open = true;
        return true;
    }
    if (0 == strcmp(kind, "die-at")) {
        int number = 0;
        if (!split_at_number(buf, &number)) {
            return false;
        }
        char *how = strchr(buf, ':');
        if (NULL != how) {
            *how++ = '\0';
        }
        for (int i = DIE_SIGNAL; i <= DIE_RELEASE; ++i) {
            if (0 == strcmp(buf, die_names[i]) && (NULL == how || 0 == strcmp(how, "kill") || 0 == strcmp(how, "exit"))) {
                fault.die_at = (enum die_point)i;
                fault.die_kill = NULL == how || 0 == strcmp(how, "kill");
                fault.die_ckpt = number;
                return true;
            }
        }
        return false;
    }
    if (0 == strcmp(kind, "hnp")) {
        char *which = strchr(buf, ':');
        if (NULL != which) {
            *which++ = '\0';
        }
        unsigned mask = REPLY_ALL;
        if (NULL != which) {
            mask = 0 == strcmp(which, "fin") ? REPLY_FIN : 0 == strcmp(which, "ckpt") ? REPLY_CKPT
                   : 0 == strcmp(which, "migrate") ? REPLY_MIGRATE : 0 == strcmp(which, "all") ? REPLY_ALL : 0;
        }
        for (int i = HNP_NORMAL; i <= HNP_GARBAGE_THEN_REPLY && 0 != mask; ++i) {
            if (0 == strcmp(buf, hnp_names[i])) {
                fault.hnp = (enum hnp_mode)i;
                fault.hnp_which = mask;
                return true;
            }
        }
        return false;
    }
    if (0 == strcmp(kind, "sstore") || 0 == strcmp(kind, "sstore-fault")) {
        int number = 0;
        if (!split_at_number(buf, &number) || 0 != strcmp(buf, "noref")) {
            return false;
        }
        fault.pull_noref = true;
        fault.pull_ckpt = number;
        return true;
    }
    if (0 == strcmp(kind, "fifo") || 0 == strcmp(kind, "fifo-fault")) {
        int number = 0;
        if (!split_at_number(buf, &number)) {
            return false;
        }
        char *what = strchr(buf, ':');
        if (NULL == what) {
            return false;
        }
        *what++ = '\0';
        for (int i = STAGE_OPTIONS; i <= STAGE_RELEASE; ++i) {
            if (0 == strcmp(buf, stage_names[i]) && (0 == strcmp(what, "short") || 0 == strcmp(what, "garbage"))) {
                fault.fifo_stage = (enum fifo_stage)i;
                fault.fifo_short = 0 == strcmp(what, "short");
                fault.fifo_ckpt = number;
                return true;
            }
        }
        return false;
    }
    return false;
}

static void run_command(const char *line)
{
    char buf[512];
    snprintf(buf, sizeof(buf), "%s", line);
    char *words[8] = {0};
    int n = 0;
    char *save = NULL;
    for (char *w = strtok_r(buf, " \t\r\n", &save); NULL != w && n < 8; w = strtok_r(NULL, " \t\r\n", &save)) {
        words[n++] = w;
    }
    if (0 == n) {
        return;
    }
    long v = 0;
    if (0 == strcmp(words[0], "checkpoint") || 0 == strcmp(words[0], "storm")) {
        request_t req = {.event = 0, .leader_app = -1, .signals = 1};
        int first = 1;
        if (0 == strcmp(words[0], "storm")) {
            if (n < 2 || !ref_parse_long(words[1], 1, 100000, &v)) {
                out("ERROR usage: storm <n> [term|stop|inc_prep_only]...");
                return;
            }
            req.signals = (int)v;
            first = 2;
        }
        for (int i = first; i < n; ++i) {
            if (0 == strcmp(words[i], "term")) {
                req.term = true;
            } else if (0 == strcmp(words[i], "stop")) {
                req.stop = true;
            } else if (0 == strcmp(words[i], "inc_prep_only")) {
                req.inc_prep_only = true;
            } else {
                out("ERROR unknown checkpoint option '%s' (term|stop|inc_prep_only)", words[i]);
                return;
            }
        }
        enqueue(&req);
    } else if (0 == strcmp(words[0], "signal")) {
        long count = 1;
        if (n >= 2 && !ref_parse_long(words[1], 1, 100000, &count)) {
            out("ERROR usage: signal [n]");
            return;
        }
        for (int a = 0; a < MAX_APPS; ++a) {
            if (apps[a].used && apps[a].hello) {
                int sent = 0;
                for (long i = 0; i < count; ++i) {
                    sent += 0 == kill(apps[a].pid, cfg.signo);
                }
                out("SIGNAL vpid=%u pid=%d id=none signo=%d count=%d", apps[a].vpid, (int)apps[a].pid, cfg.signo, sent);
            }
        }
    } else if (0 == strcmp(words[0], "kill-app")) {
        /* kill-app <vpid>|conn=<n> [signo]: make an application process die (SIGKILL by default) */
        long id = 0, signo = SIGKILL;
        bool by_conn = n >= 2 && 0 == strncmp(words[1], "conn=", 5);
        if (n < 2 || !ref_parse_long(by_conn ? words[1] + 5 : words[1], 0, UINT32_MAX, &id)
            || (n >= 3 && !ref_parse_long(words[2], 1, 64, &signo))) {
            out("ERROR usage: kill-app <vpid>|conn=<n> [signo]");
            return;
        }
        for (int a = 0; a < MAX_APPS; ++a) {
            if (apps[a].used && apps[a].hello
                && (by_conn ? apps[a].conn == (int)id : apps[a].vpid == (uint32_t)id)) {
                terminate_app(a, (int)signo, "command");
            }
        }
    } else if (0 == strcmp(words[0], "fault")) {
        if (n < 2 || !set_fault(words[1], n >= 3 ? words[2] : NULL)) {
            out("ERROR usage: fault die-at <stage>[:kill|exit][@n] | hnp <silent|garbage|truncated|late|wrong|ack-then-reply|garbage-then-reply|normal>"
                "[:fin|ckpt|migrate] | fifo <options|sentinel|release>:<garbage|short>[@n] | sstore noref[@n] | no-open"
                " | clear");
            return;
        }
        out("FAULT set %s %s", words[1], n >= 3 ? words[2] : "");
    } else if (0 == strcmp(words[0], "status")) {
        out("STATUS phase=%d checkpoint=%d queue=%d", (int)ck.phase, ck.number, queue_len);
        for (int a = 0; a < MAX_APPS; ++a) {
            if (apps[a].used) {
                int i = find_part(a);
                out("STATUS conn=%d jobid=%u vpid=%u pid=%d next_id=%d part=%s", apps[a].conn, apps[a].jobid,
                    apps[a].vpid, (int)apps[a].pid, apps[a].next_id, i < 0 ? "-" : part_state_names[ck.parts[i].st]);
            }
        }
    } else if (0 == strcmp(words[0], "quit")) {
        quit_requested = true;
    } else {
        out("ERROR unknown command '%s' (checkpoint|storm|signal|kill-app|fault|status|quit)", words[0]);
    }
}

static void handle_stdin(void)
{
    ssize_t r = read(STDIN_FILENO, stdin_buf + stdin_len, sizeof(stdin_buf) - 1 - stdin_len);
    if (r <= 0) {
        if (r < 0 && (EINTR == errno || EAGAIN == errno)) {
            return;
        }
        stdin_open = false;
        return;
    }
    stdin_len += (size_t)r;
    stdin_buf[stdin_len] = '\0';
    char *nl;
    while (NULL != (nl = strchr(stdin_buf, '\n'))) {
        *nl = '\0';
        out("COMMAND %s", stdin_buf);
        run_command(stdin_buf);
        size_t used = (size_t)(nl - stdin_buf) + 1;
        memmove(stdin_buf, stdin_buf + used, stdin_len - used + 1);
        stdin_len -= used;
    }
    if (stdin_len == sizeof(stdin_buf) - 1) {
        stdin_len = 0; /* an overlong line: drop it */
    }
}

/* ---- main -------------------------------------------------------------------------------------- */

static void usage(void)
{
    fprintf(stderr,
            "usage: ref_peer --socket PATH [--apps N] [--base DIR] [--pipe-dir DIR] [--signal N] [--wait-ms MS]\n"
            "                [--quiesce-ms MS] [--timeout SEC] [--described] [--crdebug] [--restart-kill]\n"
            "                [--no-term-kill] [--no-migrate-kill] [--on EVENT[#N][+MS]=COMMAND]...\n"
            "                [--die-at STAGE[:kill|exit][@N]] [--hnp MODE[:fin|ckpt|migrate]] [--late-ms MS]\n"
            "                [--fifo-fault STAGE:garbage|short[@N]] [--sstore-fault noref[@N]] [--no-fifo-open]\n"
            "events: start hello init fin done local_finish; commands: checkpoint [term] [stop] [inc_prep_only],\n"
            "storm <n> [...], signal [n], kill-app <vpid>|conn=<n> [signo], fault ..., status, quit (also on stdin)\n");
}

static bool add_on_action(const char *spec)
{
    if (on_count == MAX_ACTIONS) {
        return false;
    }
    on_action_t *a = &on_actions[on_count];
    memset(a, 0, sizeof(*a));
    const char *eq = strchr(spec, '=');
    if (NULL == eq || eq == spec || (size_t)(eq - spec) >= sizeof(a->event)) {
        return false;
    }
    char head[64];
    snprintf(head, sizeof(head), "%.*s", (int)(eq - spec), spec);
    snprintf(a->command, sizeof(a->command), "%s", eq + 1);
    a->nth = 1;
    char *plus = strchr(head, '+');
    long v = 0;
    if (NULL != plus) {
        *plus++ = '\0';
        if (!ref_parse_long(plus, 0, 3600 * 1000, &v)) {
            return false;
        }
        a->delay_ms = (int)v;
    }
    char *hash = strchr(head, '#');
    if (NULL != hash) {
        *hash++ = '\0';
        if (!ref_parse_long(hash, 1, 1000000, &v)) {
            return false;
        }
        a->nth = (int)v;
    }
    snprintf(a->event, sizeof(a->event), "%.31s", head); /* length checked above */
    ++on_count;
    return true;
}

int main(int argc, char **argv)
{
    my_pid = getpid();
    long v = 0;
    const char *signal_env = getenv("OMPI_MCA_opal_cr_signal");
    cfg.signo = SIGUSR1;
    if (NULL != signal_env && ref_parse_long(signal_env, 1, 64, &v)) {
        cfg.signo = (int)v;
    }
    cfg.socket_path = getenv("NSNAPC_REF_PEER");
    for (int i = 1; i < argc; ++i) {
        const char *opt = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        bool used_value = true;
        if (0 == strcmp(opt, "--socket") && NULL != val) {
            cfg.socket_path = val;
        } else if (0 == strcmp(opt, "--apps") && ref_parse_long(val, 0, 1000000, &v)) {
            cfg.expect_apps = (int)v;
        } else if (0 == strcmp(opt, "--base") && NULL != val) {
            cfg.base_dir = strdup(val);
        } else if (0 == strcmp(opt, "--pipe-dir") && NULL != val) {
            cfg.pipe_dir = strdup(val);
        } else if (0 == strcmp(opt, "--signal") && ref_parse_long(val, 1, 64, &v)) {
            cfg.signo = (int)v;
        } else if (0 == strcmp(opt, "--wait-ms") && ref_parse_long(val, 1, 3600 * 1000, &v)) {
            cfg.wait_ms = (int)v;
        } else if (0 == strcmp(opt, "--quiesce-ms") && ref_parse_long(val, 1, 3600 * 1000, &v)) {
            cfg.quiesce_ms = (int)v;
        } else if (0 == strcmp(opt, "--timeout") && ref_parse_long(val, 1, 86400, &v)) {
            cfg.timeout_s = (int)v;
        } else if (0 == strcmp(opt, "--late-ms") && ref_parse_long(val, 0, 3600 * 1000, &v)) {
            cfg.late_ms = (int)v;
        } else if (0 == strcmp(opt, "--on") && NULL != val && add_on_action(val)) {
        } else if (0 == strcmp(opt, "--die-at") && set_fault("die-at", val)) {
        } else if (0 == strcmp(opt, "--hnp") && set_fault("hnp", val)) {
        } else if (0 == strcmp(opt, "--fifo-fault") && set_fault("fifo", val)) {
        } else if (0 == strcmp(opt, "--sstore-fault") && set_fault("sstore", val)) {
        } else {
            used_value = false;
            if (0 == strcmp(opt, "--described")) {
                cfg.described = true;
            } else if (0 == strcmp(opt, "--crdebug")) {
                cfg.crdebug = true;
            } else if (0 == strcmp(opt, "--restart-kill")) {
                cfg.restart_kill = true;
            } else if (0 == strcmp(opt, "--no-term-kill")) {
                cfg.term_kill = false;
            } else if (0 == strcmp(opt, "--no-migrate-kill")) {
                cfg.migrate_kill = false;
            } else if (0 == strcmp(opt, "--no-fifo-open")) {
                fault.no_open = true;
            } else if (0 == strcmp(opt, "--help")) {
                usage();
                return 0;
            } else {
                fprintf(stderr, "ref_peer: bad option or value: %s %s\n", opt, NULL == val ? "" : val);
                usage();
                return 2;
            }
        }
        if (used_value) {
            ++i;
        }
    }
    if (NULL == cfg.socket_path) {
        fprintf(stderr, "ref_peer: --socket PATH (or NSNAPC_REF_PEER) is required\n");
        usage();
        return 2;
    }

    signal(SIGPIPE, SIG_IGN); /* a FIFO or socket whose reader is gone gives EPIPE, not death */
    signal(SIGALRM, watchdog_handler);
    alarm((unsigned)cfg.timeout_s);

    /* The real opal_dss, initialised the normal way for a non-MPI tool (docs/dss.md#initialising-dss). */
    if (OPAL_SUCCESS != opal_init_util(&argc, &argv)) {
        fprintf(stderr, "ref_peer: opal_init_util failed\n");
        return 2;
    }
    if (NULL == cfg.pipe_dir) {
        /* what opal_cr_register gives the app: MCA opal_cr_tmp_dir, default opal_tmp_directory() */
        const char *mca = getenv("OMPI_MCA_opal_cr_tmp_dir");
        cfg.pipe_dir = strdup(NULL != mca ? mca : opal_tmp_directory());
    }
    if (NULL == cfg.base_dir) {
        char *templ = NULL;
        if (asprintf(&templ, "%s/nsnapc_ref_store.XXXXXX", opal_tmp_directory()) < 0 || NULL == mkdtemp(templ)) {
            fprintf(stderr, "ref_peer: cannot create a snapshot base directory: %s\n", strerror(errno));
            return 2;
        }
        cfg.base_dir = templ;
    }

    struct sockaddr_un addr;
    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    if (strlen(cfg.socket_path) >= sizeof(addr.sun_path)) {
        fprintf(stderr, "ref_peer: socket path too long: %s\n", cfg.socket_path);
        return 2;
    }
    strcpy(addr.sun_path, cfg.socket_path);
    unlink(cfg.socket_path);
    listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (listen_fd < 0 || 0 != bind(listen_fd, (struct sockaddr *)&addr, sizeof(addr)) || 0 != listen(listen_fd, 64)) {
        fprintf(stderr, "ref_peer: cannot listen on %s: %s\n", cfg.socket_path, strerror(errno));
        return 2;
    }
    int stdin_flags = fcntl(STDIN_FILENO, F_GETFL); /* shared with the shell when it is a terminal */
    if (stdin_flags >= 0) {
        fcntl(STDIN_FILENO, F_SETFL, stdin_flags | O_NONBLOCK);
    }

    char *ref = global_ref();
    out("PEER ready pid=%d socket=%s base=%s pipe_dir=%s signal=%d wait_ms=%d buffer=%s ref=%s", (int)my_pid,
        cfg.socket_path, cfg.base_dir, cfg.pipe_dir, cfg.signo, cfg.wait_ms,
        cfg.described ? "described" : "non-described", ref);
    free(ref);
    fire("start");

    bool ever_connected = false;
    while (!quit_requested) {
        struct pollfd fds[2 + 2 * MAX_APPS];
        int kinds[2 + 2 * MAX_APPS]; /* -1 listen, -2 stdin, a >= 0 app, -100-i FIFO of part i */
        int nfds = 0;
        fds[nfds] = (struct pollfd){.fd = listen_fd, .events = POLLIN};
        kinds[nfds++] = -1;
        if (stdin_open) {
            fds[nfds] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
            kinds[nfds++] = -2;
        }
        int connected = 0;
        for (int a = 0; a < MAX_APPS; ++a) {
            if (apps[a].used) {
                fds[nfds] = (struct pollfd){.fd = apps[a].fd, .events = POLLIN};
                kinds[nfds++] = a;
                ++connected;
                ever_connected = true;
            }
        }
        for (int i = 0; i < ck.nparts && PH_IDLE != ck.phase; ++i) {
            part_t *p = &ck.parts[i];
            bool reading = (PS_WAIT_RESPONSE == p->st && PH_RESPONSE == ck.phase && i == ck.cursor)
                           || PS_RUNNING == p->st || PS_PREPARED == p->st;
            if (reading && p->fd_b >= 0) {
                fds[nfds] = (struct pollfd){.fd = p->fd_b, .events = POLLIN};
                kinds[nfds++] = -100 - i;
            }
        }
        if (ever_connected && 0 == connected && (int)stats.apps >= cfg.expect_apps && PH_IDLE == ck.phase) {
            break;
        }
        int timeout = PH_OPEN == ck.phase ? 1 : 20; /* Pass 3 polls the files every millisecond */
        int rc = poll(fds, (nfds_t)nfds, timeout);
        if (rc < 0 && EINTR != errno) {
            perror("ref_peer: poll");
            break;
        }
        for (int k = 0; rc > 0 && k < nfds; ++k) {
            if (0 == fds[k].revents) {
                continue;
            }
            if (-1 == kinds[k]) {
                accept_app();
            } else if (-2 == kinds[k]) {
                handle_stdin();
            } else if (kinds[k] >= 0) {
                if (apps[kinds[k]].used && apps[kinds[k]].fd == fds[k].fd) {
                    handle_app_input(kinds[k]);
                }
            } else {
                int i = -100 - kinds[k];
                if (PH_IDLE != ck.phase && i < ck.nparts && ck.parts[i].fd_b == fds[k].fd) {
                    fifo_readable(&ck.parts[i]);
                }
            }
        }
        if (PH_IDLE != ck.phase) {
            advance_checkpoint();
        }
        run_due_actions();
        send_late_replies();
    }

    for (int a = 0; a < MAX_APPS; ++a) {
        if (apps[a].used) {
            drop_app(a, "peer-exit");
        }
    }
    if (PH_IDLE != ck.phase) {
        for (int i = 0; i < ck.nparts; ++i) {
            close_part(&ck.parts[i]);
        }
        out("CKPT abandoned number=%d reason=peer-exit", ck.number);
    }
    summary();
    if (stdin_flags >= 0) {
        fcntl(STDIN_FILENO, F_SETFL, stdin_flags);
    }
    close(listen_fd);
    cleanup_socket();
    opal_finalize_util();
    return 0;
}

/*
 * What the files of ref_peer share (ref_peer.c says what the program does; README.md#ref_peer):
 *   ref_peer.c            main: options, the event loop, output and DSS helpers, the watchdog
 *   ref_peer_transport.c  the apps' connections: accept, frames in and out, HELLO/BYE, RML messages to the roles
 *   ref_peer_local.c      the local coordinator: signal, FIFO handshake (Passes 2-5), final states, release,
 *                         LOCAL_FINISH and LOCAL_UPDATE
 *   ref_peer_hnp.c        the HNP: REQUEST_OP, the checkpoint queue, a checkpoint's start and end, its replies
 *   ref_peer_sstore.c     sstore/central: the daemon's PULL and PUSH, the global metadata file, handles and seqs
 *   ref_peer_faults.c     the fault settings (--die-at, --hnp, --fifo-fault, --sstore-fault, --no-fifo-open, fault)
 *   ref_peer_control.c    the control commands (stdin lines) and the --on actions
 */
#ifndef NSNAPC_REF_PEER_H
#define NSNAPC_REF_PEER_H

#include "orte_config.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "opal/dss/dss.h"
#include "ref_frame.h"
#include "ref_protocol.h"

#define MAX_APPS 64
#define MAX_QUEUE 16
#define MAX_MIG 64

/* ---- configuration (ref_peer.c: the options) --------------------------------------------------- */

typedef struct {
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
} peer_config_t;

extern peer_config_t cfg;

/* ---- faults (ref_peer_faults.c) ---------------------------------------------------------------- */

enum die_point { DIE_NONE, DIE_SIGNAL, DIE_OPEN, DIE_OPTIONS, DIE_RESPONSE, DIE_RELEASE };
enum fifo_stage { STAGE_NONE, STAGE_OPTIONS, STAGE_SENTINEL, STAGE_RELEASE };
extern const char *const fifo_stage_names[];
/* Faults that send something else first and then the right reply: wrong = a well-formed reply for another event
 * (a MIGRATE completion for a CHECKPOINT one and the reverse, a CHECKPOINT completion for FIN_ACK);
 * ack-then-reply = a FIN_ACK-shaped reply (no op_state); garbage-then-reply = 16 bytes of garbage. */
enum hnp_mode {
    HNP_NORMAL, HNP_SILENT, HNP_GARBAGE, HNP_TRUNCATED, HNP_LATE, HNP_WRONG, HNP_ACK_THEN_REPLY, HNP_GARBAGE_THEN_REPLY
};
extern const char *const hnp_mode_names[];
/* The HNP's replies, as a set (which replies an --hnp fault applies to). */
enum { REPLY_FIN = 1, REPLY_CKPT = 2, REPLY_MIGRATE = 4, REPLY_ALL = 7 };

typedef struct {
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
} fault_config_t;

extern fault_config_t fault;

/* Dies here (SIGKILL or exit 3) when --die-at names this point for the running checkpoint. */
void die_now(enum die_point point);

/* Whether a --fifo-fault applies at this stage of the running checkpoint. */
bool fifo_fault_here(enum fifo_stage stage);

/* Sets a fault from an option or a "fault" command (kind as the command names it); false for bad syntax. */
bool set_fault(const char *kind, const char *arg);

/* ---- the application processes (ref_peer_transport.c) ------------------------------------------ */

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

extern app_t apps[MAX_APPS];

/* Takes a new connection from the listening socket into a free slot. */
void accept_app(int listen_fd);

/* Reads what the socket has (non-blocking) and handles every complete frame. */
void handle_app_input(int a);

/* Closes the connection and lets the roles forget the app. */
void drop_app(int a, const char *why);

/* An RML frame to app a, from the HNP or the daemon (role); 0 or -errno. */
int send_frame(int a, uint32_t role, uint32_t tag, const void *payload, size_t len);

/* send_frame with a buffer's bytes; the buffer is released. */
int send_buffer(int a, uint32_t role, uint32_t tag, opal_buffer_t *b);

/* ---- the running checkpoint -------------------------------------------------------------------- */

/* ck is started and finished by the HNP (ref_peer_hnp.c); the local coordinator (ref_peer_local.c) runs the
 * handshake of each process's part. */

typedef enum { PS_SIGNALLED, PS_OPENED, PS_WAIT_RESPONSE, PS_RUNNING, PS_PREPARED, PS_FINAL, PS_RELEASED,
               PS_FINISHED, PS_RESTARTED, PS_MIGRATED, PS_FAILED } part_state_t;
extern const char *const part_state_names[];

/* One process's part in the running checkpoint. */
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

typedef struct {
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
} checkpoint_t;

extern checkpoint_t ck; /* phase PH_IDLE when none runs */

/* ---- the local coordinator (ref_peer_local.c) -------------------------------------------------- */

/* Pass 2 of a checkpoint just started: every part's FIFO names, then the signal. */
void signal_parts(void);

/* Moves the running checkpoint on as far as it can go now (timeouts included). */
void advance_checkpoint(void);

/* FIFO B of a part the event loop saw readable. */
void fifo_readable(part_t *p);

/* The index of app a's part in the running checkpoint, or -1. */
int find_part(int a);

void close_part(part_t *p);

/* LOCAL_FINISH and LOCAL_UPDATE on tag 24 (the command already read): decoded, printed, acted on. */
void receive_local_finish(int a, opal_buffer_t *b, const char *where);
void receive_local_update(int a, opal_buffer_t *b, const char *where);

/* App a disconnected: its part fails (and the ones after it, in Pass 5) and forgets the slot. */
void local_app_gone(int a);

/* ---- the HNP (ref_peer_hnp.c) ------------------------------------------------------------------ */

/* REQUEST_OP on tag 25 (the command already read): decoded, printed, acted on. */
void receive_request_op(int a, opal_buffer_t *b, const char *where);

/* Queues a checkpoint request and starts it when no checkpoint runs. */
void enqueue(const request_t *req);

/* How many requests wait for the running checkpoint. */
int queued_requests(void);

/* Every part is over: the result, the replies, the next request. */
void finish_checkpoint(void);

/* Signals app a (when known), with a TERMINATE line. */
void terminate_app(int a, int signo, const char *why);

/* Sends the replies --hnp late held back that are now due. */
void send_late_replies(void);

/* App a disconnected: no FIN_ACK for it, no reply to it as a leader. */
void hnp_app_gone(int a);

/* ---- sstore/central (ref_peer_sstore.c) -------------------------------------------------------- */

/* The global snapshot reference (malloc'ed): ompi_global_snapshot_<peer pid>.ckpt. */
char *global_ref(void);

/* A new checkpoint's handle and sequence number (number: the checkpoint's, for --sstore-fault @N). */
void sstore_request_checkpoint_handle(int number, uint32_t *handle, int *seq);

/* The global metadata when a checkpoint starts (the register) and when it ends (the sync). */
void global_metadata_register(int seq);
void global_metadata_sync(int seq, bool ok);

/* PULL and PUSH on tag 44 (the command already read): decoded, printed, acted on. */
void receive_sstore_pull(int a, opal_buffer_t *b, const char *where);
void receive_sstore_push(int a, opal_buffer_t *b, const char *where);

/* ---- control (ref_peer_control.c) -------------------------------------------------------------- */

/* The "quit" command was given. */
extern bool quit_requested;

/* --on EVENT[#N][+MS]=COMMAND; false for bad syntax or too many. */
bool add_on_action(const char *spec);

/* Counts an event and schedules the --on actions it triggers. */
void fire(const char *event);

/* Runs the scheduled actions that are due. */
void run_due_actions(void);

/* Reads stdin and runs every whole line as a command; false once stdin is closed. */
bool handle_stdin(void);

/* ---- output, DSS helpers, counters (ref_peer.c) ------------------------------------------------ */

typedef struct {
    unsigned apps, messages, undecodable, requests, checkpoints, ok, failed, local_finish, local_update, pulls,
        pushes, replies;
} peer_stats_t;

extern peer_stats_t stats;

/* One line on stdout, flushed. */
void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Removes the listening socket's name. */
void cleanup_socket(void);

static inline uint64_t now_ms(void)
{
    return ref_now_ms();
}

/* A buffer of the peer's type (fully described with --described). */
opal_buffer_t *new_buffer(void);

/* One value of a type; a count other than 1 is an error too. */
int unpack_one(opal_buffer_t *b, void *dest, opal_data_type_t type);

size_t unread_bytes(const opal_buffer_t *b);

#endif

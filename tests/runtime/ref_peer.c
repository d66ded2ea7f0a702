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
 * One file per role (ref_peer.h lists them and declares what they share); this one holds main: the options,
 * the listening socket, the event loop, the output and DSS helpers and the watchdog.
 *
 * It is single-threaded around poll(). Where the real local coordinator blocks inside an RML callback
 * (Pass 3 polling for the FIFO files, Pass 5 reading each response) this one keeps the same order -
 * files of process 1 before process 2, options to all before any response is read, responses in
 * process order - but waits in its event loop, so it keeps answering sstore PULLs meanwhile.
 */
#define _GNU_SOURCE
#include "ref_peer.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "opal/class/opal_object.h"
#include "opal/constants.h"
#include "opal/runtime/opal.h"
#include "opal/util/opal_environ.h"
#include "ref_text.h"

peer_config_t cfg = {.wait_ms = 20000, .quiesce_ms = 60000, .timeout_s = 300, .late_ms = 3000, .term_kill = true,
                     .migrate_kill = true};

peer_stats_t stats;

/* ---- output ------------------------------------------------------------------------------------ */

void out(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
    fflush(stdout);
}

static void summary(void)
{
    out("SUMMARY apps=%u checkpoints=%u ok=%u failed=%u messages=%u undecodable=%u requests=%u local_finish=%u "
        "local_update=%u pulls=%u pushes=%u replies=%u",
        stats.apps, stats.checkpoints, stats.ok, stats.failed, stats.messages, stats.undecodable, stats.requests,
        stats.local_finish, stats.local_update, stats.pulls, stats.pushes, stats.replies);
}

void cleanup_socket(void)
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

/* ---- DSS helpers (the real opal_dss) ----------------------------------------------------------- */

opal_buffer_t *new_buffer(void)
{
    opal_buffer_t *b = OBJ_NEW(opal_buffer_t);
    if (NULL != b && cfg.described) {
        b->type = OPAL_DSS_BUFFER_FULLY_DESC;
    }
    return b;
}

int unpack_one(opal_buffer_t *b, void *dest, opal_data_type_t type)
{
    int32_t n = 1;
    int rc = opal_dss.unpack(b, dest, &n, type);
    if (OPAL_SUCCESS == rc && 1 != n) {
        rc = OPAL_ERR_UNPACK_FAILURE;
    }
    return rc;
}

size_t unread_bytes(const opal_buffer_t *b)
{
    return b->bytes_used - (size_t)(b->unpack_ptr - b->base_ptr);
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

int main(int argc, char **argv)
{
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
    int listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (listen_fd < 0 || 0 != bind(listen_fd, (struct sockaddr *)&addr, sizeof(addr)) || 0 != listen(listen_fd, 64)) {
        fprintf(stderr, "ref_peer: cannot listen on %s: %s\n", cfg.socket_path, strerror(errno));
        return 2;
    }
    int stdin_flags = fcntl(STDIN_FILENO, F_GETFL); /* shared with the shell when it is a terminal */
    if (stdin_flags >= 0) {
        fcntl(STDIN_FILENO, F_SETFL, stdin_flags | O_NONBLOCK);
    }

    char *ref = global_ref();
    out("PEER ready pid=%d socket=%s base=%s pipe_dir=%s signal=%d wait_ms=%d buffer=%s ref=%s", (int)getpid(),
        cfg.socket_path, cfg.base_dir, cfg.pipe_dir, cfg.signo, cfg.wait_ms,
        cfg.described ? "described" : "non-described", ref);
    free(ref);
    fire("start");

    bool stdin_open = true;
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
                accept_app(listen_fd);
            } else if (-2 == kinds[k]) {
                stdin_open = handle_stdin();
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

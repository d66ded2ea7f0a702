/*
 * ref_peer as the local coordinator inside the orted (snapc_full_local.c; docs/protocol.md#handshake): for
 * each process of a checkpoint the signal and the FIFO handshake (Pass 2: names and signal; Pass 3: one
 * process at a time, the rendezvous on both FIFOs; Pass 4: the options to all; Pass 5: the responses in
 * process order), the final states, the release, then LOCAL_FINISH (and LOCAL_UPDATE after a restart) on
 * tag 24. The HNP (ref_peer_hnp.c) starts the checkpoint and finishes it when every part is over.
 */
#define _GNU_SOURCE
#include "ref_peer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "opal/constants.h"

const char *const part_state_names[] = {"signalled", "opened",   "wait_response", "running",
                                        "prepared",  "final",    "released",      "finished",
                                        "restarted", "migrated", "failed"};

void close_part(part_t *p)
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

/* Writes ints to FIFO A; with a short-write fault, writes 2 bytes and closes both ends instead. */
static bool write_ints(part_t *p, const int *values, int count, enum fifo_stage stage)
{
    if (fifo_fault_here(stage) && fault.fifo_short) {
        ssize_t w = write(p->fd_a, values, 2);
        out("FAULT fifo stage=%s kind=short vpid=%u id=%d wrote=%zd", fifo_stage_names[stage], p->vpid, p->id, w);
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

int find_part(int a)
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

/* ---- the handshake ----------------------------------------------------------------------------- */

/* Pass 2: name the FIFOs with the current id (then increment it) and signal, process by process */
void signal_parts(void)
{
    for (int i = 0; i < ck.nparts; ++i) {
        part_t *p = &ck.parts[i];
        app_t *app = &apps[p->app];
        p->pid = app->pid;
        p->id = app->next_id++;
        snprintf(p->path_a, sizeof(p->path_a), "%s/%s.%d_%d", cfg.pipe_dir, OPAL_CR_NAMED_PROG_R, (int)p->pid, p->id);
        snprintf(p->path_b, sizeof(p->path_b), "%s/%s.%d_%d", cfg.pipe_dir, OPAL_CR_NAMED_PROG_W, (int)p->pid, p->id);
        p->st = PS_SIGNALLED;
        int sent = 0;
        for (int s = 0; s < ck.req.signals; ++s) {
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

void fifo_readable(part_t *p)
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

void advance_checkpoint(void)
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

/* ---- messages on tag 24 and disconnections ----------------------------------------------------- */

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

void receive_local_finish(int a, opal_buffer_t *b, const char *where)
{
    int cr_state = 0;
    int rc = unpack_one(b, &cr_state, OPAL_INT);
    if (OPAL_SUCCESS != rc) {
        ++stats.undecodable;
        out("RECV from=%u tag=24 UNDECODABLE rc=%d field=cr_state %s", apps[a].vpid, rc, where);
    } else {
        out("RECV from=%u tag=24 LOCAL_FINISH cr_state=%d %s extra=%zu", apps[a].vpid, cr_state, where,
            unread_bytes(b));
        handle_local_finish(a, cr_state);
    }
}

void receive_local_update(int a, opal_buffer_t *b, const char *where)
{
    opal_process_name_t name = {0, 0};
    pid_t pid = 0;
    bool crdebug = false;
    const char *field = "name";
    int rc = unpack_one(b, &name, OPAL_NAME);
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
}

void local_app_gone(int a)
{
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
}

/*
 * ref_peer as the HNP (snapc_full_global.c; docs/protocol.md#replies-from-the-hnp): REQUEST_OP on tag 25 -
 * INIT, FIN -> FIN_ACK (deferred while a checkpoint runs), CHECKPOINT and QUIESCE_START -> a checkpoint and its
 * completion, MIGRATE -> a checkpoint of the migrating processes and its completion, RESTART and QUIESCE_END
 * without reply. Requests queue up; one checkpoint runs at a time. The replies carry the --hnp faults.
 */
#define _GNU_SOURCE
#include "ref_peer.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opal/class/opal_object.h"
#include "opal/constants.h"
#include "ref_text.h"

checkpoint_t ck;

/* the requests waiting for the running checkpoint */
static request_t queue[MAX_QUEUE];
static int queue_len;
/* the apps whose FIN is answered when the running checkpoint ends */
static int pending_fin_ack[MAX_APPS];
static int pending_fin_count;

/* the names of ORTE_SNAPC_OP_NONE .. ORTE_SNAPC_OP_QUIESCE_END */
static const char *const op_names[] = {"none", "init", "fin", "fin_ack", "checkpoint", "restart", "migrate",
                                       "quiesce_start", "quiesce_checkpoint", "quiesce_end"};

static const char *op_name(int op)
{
    return op >= 0 && op < (int)(sizeof(op_names) / sizeof(op_names[0])) ? op_names[op] : "unknown";
}

/* ---- the replies on tag 25 --------------------------------------------------------------------- */

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
        out("FAULT hnp %s kind=%s to=%u conn=%d", hnp_mode_names[fault.hnp], kind, apps[a].vpid, apps[a].conn);
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

void send_late_replies(void)
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

/* ---- checkpoints ------------------------------------------------------------------------------- */

void terminate_app(int a, int signo, const char *why)
{
    if (apps[a].used && apps[a].pid > 0) {
        out("TERMINATE vpid=%u pid=%d signo=%d reason=%s", apps[a].vpid, (int)apps[a].pid, signo, why);
        kill(apps[a].pid, signo);
    }
}

static void start_checkpoint(const request_t *req)
{
    memset(&ck, 0, sizeof(ck));
    ck.req = *req;
    ck.number = (int)++stats.checkpoints;
    sstore_request_checkpoint_handle(ck.number, &ck.handle, &ck.seq);
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
    global_metadata_register(ck.seq);
    signal_parts();
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

void enqueue(const request_t *req)
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

int queued_requests(void)
{
    return queue_len;
}

void finish_checkpoint(void)
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
    global_metadata_sync(ck.seq, ok);

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

/* ---- requests ---------------------------------------------------------------------------------- */

void receive_request_op(int a, opal_buffer_t *b, const char *where)
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

void hnp_app_gone(int a)
{
    for (int f = 0; f < pending_fin_count; ++f) {
        if (pending_fin_ack[f] == a) {
            pending_fin_ack[f--] = pending_fin_ack[--pending_fin_count];
        }
    }
    if (ck.req.leader_app == a) {
        ck.req.leader_app = -2; /* gone: no reply; not -1, which means "control command" */
    }
}

/*
 * ref_peer as sstore/central (README.md#ref_peer): the daemon side (sstore_central_local.c;
 * docs/protocol.md#central-store-daemon-side) answers an app's PULL on tag 44 with where its snapshot goes and
 * records its PUSH; the HNP side (sstore_central_global.c) hands out each checkpoint's handle and sequence
 * number and keeps the global metadata file a restart reads.
 */
#define _GNU_SOURCE
#include "ref_peer.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "opal/class/opal_object.h"
#include "opal/constants.h"
#include "ref_text.h"

#define MAX_HANDLES 256

static uint32_t next_handle = 1;
static int next_seq;

static struct {
    uint32_t handle;
    int seq;
    int number; /* the checkpoint it was made for */
} handle_seq[MAX_HANDLES];
static int handle_count;

/* What orte_sstore.request_checkpoint_handle gives the HNP: handles 1, 2, 3..., sequence numbers 0, 1, 2... */
void sstore_request_checkpoint_handle(int number, uint32_t *handle, int *seq)
{
    *handle = next_handle++;
    *seq = next_seq++;
    if (handle_count < MAX_HANDLES) {
        handle_seq[handle_count].handle = *handle;
        handle_seq[handle_count].seq = *seq;
        handle_seq[handle_count].number = number;
        ++handle_count;
    }
}

/* ---- the global metadata (sstore_central_global.c) --------------------------------------------- */

/* <base>/<ref>/global_snapshot_meta.data: what ompi-restart reads to find the last finished sequence. */

char *global_ref(void)
{
    char *ref = NULL;
    if (asprintf(&ref, REF_GLOBAL_SNAPSHOT_REF_FORMAT, (int)getpid()) < 0) {
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

void global_metadata_register(int seq)
{
    /* the global register: the sequence and the local snapshots' name format */
    global_metadata_append("%s%d\n%s%s\n", SSTORE_METADATA_GLOBAL_SNAP_SEQ_STR, seq,
                           SSTORE_METADATA_LOCAL_SNAP_REF_FMT_STR, REF_LOCAL_SNAPSHOT_FORMAT);
    global_metadata_timestamp();
}

void global_metadata_sync(int seq, bool ok)
{
    /* the global sync: only a checkpoint every process finished counts as a finished sequence */
    global_metadata_timestamp();
    if (ok) {
        global_metadata_append("%s%d\n", SSTORE_METADATA_INTERNAL_DONE_SEQ_STR, seq);
    }
}

/* ---- the daemon side (sstore_central_local.c) -------------------------------------------------- */

/* The reply to a PULL: [PUSH][handle][seq][global ref][local snapshot location][its metadata file]; seq -1 and
 * NULL strings for a handle this store never gave out. */
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

void receive_sstore_pull(int a, opal_buffer_t *b, const char *where)
{
    uint32_t handle = 0;
    int rc = unpack_one(b, &handle, OPAL_UINT32);
    if (OPAL_SUCCESS != rc) {
        ++stats.undecodable;
        out("RECV from=%u tag=44 UNDECODABLE rc=%d field=handle %s", apps[a].vpid, rc, where);
    } else {
        ++stats.pulls;
        out("RECV from=%u tag=44 SSTORE_PULL handle=%u %s extra=%zu", apps[a].vpid, handle, where,
            unread_bytes(b));
        pull_reply(a, handle);
    }
}

void receive_sstore_push(int a, opal_buffer_t *b, const char *where)
{
    uint32_t handle = 0;
    bool skipped = false;
    char *crs_comp = NULL;
    const char *field = "handle";
    int rc = unpack_one(b, &handle, OPAL_UINT32);
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
            global_metadata_append("%s%u.%u\n%s%s\n", SSTORE_METADATA_INTERNAL_PROCESS_STR, apps[a].jobid, apps[a].vpid,
                                   SSTORE_METADATA_LOCAL_CRS_COMP_STR, NULL == crs_comp ? "(null)" : crs_comp);
        }
    }
    free(crs_comp);
}

/*
 * A double of sstore/central's APPLICATION side (orte/mca/sstore/central/sstore_central_app.c;
 * docs/protocol.md#sstore) in the orte_sstore slots, talking to ref_peer (the daemon side) over the
 * transport on ORTE_RML_TAG_SSTORE_INTERNAL (44), with messages packed by the real opal_dss.
 *
 * Deliberate differences from central, all toward "fail, don't hang or crash": the PULL reply wait is
 * bounded (ORTE_ERR_TIMEOUT), an unknown handle is an error instead of a NULL dereference, and the
 * metadata file is opened and closed around every write (central keeps a FILE open until sync).
 */
#define _GNU_SOURCE
#include "ref_app.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "opal/class/opal_object.h"
#include "opal/mca/crs/base/base.h"
#include "orte/constants.h"
#include "orte/mca/sstore/base/base.h"
#include "orte/mca/sstore/sstore.h"

#define MAX_HANDLES 64

typedef struct {
    bool used;
    orte_sstore_base_handle_t id;
    int seq;
    char *global_ref;
    char *local_location;
    char *metadata_filename;
    char *crs_comp;
    bool ckpt_skipped;
    unsigned long synced; /* order of the handle's sync, 0 = not synced yet */
} handle_info_t;

static handle_info_t handles[MAX_HANDLES];
static unsigned long syncs;
static pthread_mutex_t handles_lock = PTHREAD_MUTEX_INITIALIZER;
static int pull_timeout;

static handle_info_t *find_handle(orte_sstore_base_handle_t id)
{
    for (int i = 0; i < MAX_HANDLES; ++i) {
        if (handles[i].used && handles[i].id == id) {
            return &handles[i];
        }
    }
    return NULL;
}

static void clear_handle(handle_info_t *h)
{
    free(h->global_ref);
    free(h->local_location);
    free(h->metadata_filename);
    free(h->crs_comp);
    memset(h, 0, sizeof(*h));
}

static int mkdir_p(const char *path, mode_t mode)
{
    char *copy = strdup(path);
    if (NULL == copy) {
        return -1;
    }
    for (char *p = copy + 1; *p; ++p) {
        if ('/' == *p) {
            *p = '\0';
            if (0 != mkdir(copy, mode) && EEXIST != errno) {
                free(copy);
                return -1;
            }
            *p = '/';
        }
    }
    int rc = mkdir(copy, mode);
    free(copy);
    return (0 == rc || EEXIST == errno) ? 0 : -1;
}

/* Appends "<key><value>" to the handle's metadata file (value carries its own newline or not). */
static int metadata_append(const handle_info_t *h, const char *key, const char *value, bool add_newline)
{
    if (NULL == h->metadata_filename) {
        return ORTE_ERROR;
    }
    FILE *f = fopen(h->metadata_filename, "a");
    if (NULL == f) {
        ref_out("SSTORE metadata vpid=%u error=%s file=%s", orte_process_info.my_name.vpid, strerror(errno),
                h->metadata_filename);
        return ORTE_ERROR;
    }
    fprintf(f, "%s%s%s", key, value, add_newline ? "\n" : "");
    return 0 == fclose(f) ? ORTE_SUCCESS : ORTE_ERROR;
}

static int metadata_timestamp(const handle_info_t *h)
{
    time_t now = time(NULL);
    char text[64];
    ctime_r(&now, text); /* ends with '\n', as central's ctime() does */
    return metadata_append(h, SSTORE_METADATA_INTERNAL_TIME_STR, text, false);
}

static opal_buffer_t *new_buffer(void)
{
    return OBJ_NEW(opal_buffer_t);
}

/* PULL [uint8 1][uint32 h] to the daemon, then a bounded wait for the reply. */
static int pull_handle_info(handle_info_t *h)
{
    opal_buffer_t *buffer = new_buffer();
    uint8_t command = REF_SSTORE_CENTRAL_PULL;
    int rc = opal_dss.pack(buffer, &command, 1, OPAL_UINT8);
    if (OPAL_SUCCESS == rc) {
        rc = opal_dss.pack(buffer, &h->id, 1, OPAL_UINT32);
    }
    if (OPAL_SUCCESS == rc) {
        rc = ref_rml_send(ORTE_PROC_MY_DAEMON, buffer, ORTE_RML_TAG_SSTORE_INTERNAL, orte_rml_send_callback, NULL);
    }
    if (OPAL_SUCCESS != rc) {
        OBJ_RELEASE(buffer);
        return rc;
    }

    orte_rml_recv_cb_t *rb = OBJ_NEW(orte_rml_recv_cb_t);
    rb->active = true;
    ref_rml_recv(ORTE_PROC_MY_DAEMON, ORTE_RML_TAG_SSTORE_INTERNAL, false, orte_rml_recv_callback, rb);
    uint64_t deadline = ref_elapsed_ms() + (uint64_t)pull_timeout;
    struct timespec tick = {0, 100000};
    while (rb->active && ref_elapsed_ms() < deadline) {
        nanosleep(&tick, NULL);
    }
    if (rb->active) {
        ref_rml_cancel(ORTE_PROC_MY_DAEMON, ORTE_RML_TAG_SSTORE_INTERNAL);
        OBJ_RELEASE(rb);
        return ORTE_ERR_TIMEOUT;
    }
    __atomic_thread_fence(__ATOMIC_ACQUIRE);

    uint8_t reply_cmd = 0;
    orte_sstore_base_handle_t reply_id = 0;
    int32_t n = 1;
    rc = opal_dss.unpack(&rb->data, &reply_cmd, &n, OPAL_UINT8);
    if (OPAL_SUCCESS == rc) {
        n = 1;
        rc = opal_dss.unpack(&rb->data, &reply_id, &n, OPAL_UINT32);
    }
    if (OPAL_SUCCESS == rc) {
        n = 1;
        rc = opal_dss.unpack(&rb->data, &h->seq, &n, OPAL_INT);
    }
    if (OPAL_SUCCESS == rc) {
        n = 1;
        rc = opal_dss.unpack(&rb->data, &h->global_ref, &n, OPAL_STRING);
    }
    if (OPAL_SUCCESS == rc) {
        n = 1;
        rc = opal_dss.unpack(&rb->data, &h->local_location, &n, OPAL_STRING);
    }
    if (OPAL_SUCCESS == rc) {
        n = 1;
        rc = opal_dss.unpack(&rb->data, &h->metadata_filename, &n, OPAL_STRING);
    }
    OBJ_RELEASE(rb);
    if (OPAL_SUCCESS == rc && reply_id != h->id) {
        /* central ignores this ("JJH Big problem"); say it, keep going like central */
        ref_out("SSTORE warning vpid=%u reply-handle=%u expected=%u", orte_process_info.my_name.vpid,
                (unsigned)reply_id, (unsigned)h->id);
    }
    return rc;
}

static int slot_register_handle(orte_sstore_base_handle_t id)
{
    char b1[512], b2[512], b3[512];
    orte_sstore_handle_current = id;
    pthread_mutex_lock(&handles_lock);
    handle_info_t *h = find_handle(id);
    if (NULL != h) {
        clear_handle(h); /* central drops a stale record for the same handle */
    }
    /* A handle is done with once synced; only the last synced one is still read (the leader's checkpoint
     * completion reads its seq and ref after the sync), so every older synced record is dropped here. */
    for (int i = 0; i < MAX_HANDLES; ++i) {
        if (handles[i].used && 0 != handles[i].synced && handles[i].synced < syncs) {
            clear_handle(&handles[i]);
        }
    }
    for (int i = 0; i < MAX_HANDLES && NULL == h; ++i) {
        if (!handles[i].used) {
            h = &handles[i];
        }
    }
    if (NULL == h) {
        pthread_mutex_unlock(&handles_lock);
        ref_out("SSTORE register vpid=%u handle=%u rc=%d reason=table-full", orte_process_info.my_name.vpid,
                (unsigned)id, ORTE_ERR_OUT_OF_RESOURCE);
        return ORTE_ERR_OUT_OF_RESOURCE;
    }
    h->used = true;
    h->id = id;
    h->seq = -1;
    pthread_mutex_unlock(&handles_lock);

    int rc = pull_handle_info(h);
    if (OPAL_SUCCESS == rc && NULL == h->local_location) {
        /* the daemon had no record for this handle yet (seq -1, NULL strings); central would crash */
        rc = ORTE_ERROR;
    }
    if (OPAL_SUCCESS == rc && 0 != mkdir_p(h->local_location, 0700)) {
        ref_out("SSTORE mkdir vpid=%u error=%s dir=%s", orte_process_info.my_name.vpid, strerror(errno),
                h->local_location);
        rc = ORTE_ERROR;
    }
    if (OPAL_SUCCESS == rc) {
        char pid_text[32];
        snprintf(pid_text, sizeof(pid_text), "%d", (int)getpid());
        rc = metadata_timestamp(h);
        if (OPAL_SUCCESS == rc) {
            rc = metadata_append(h, CRS_METADATA_PID, pid_text, true);
        }
    }
    ref_out("SSTORE register vpid=%u handle=%u rc=%d seq=%d ref=%s loc=%s meta=%s", orte_process_info.my_name.vpid,
            (unsigned)id, rc, h->seq, ref_token(h->global_ref, b1, sizeof(b1)),
            ref_token(h->local_location, b2, sizeof(b2)), ref_token(h->metadata_filename, b3, sizeof(b3)));
    return rc;
}

static int slot_get_attr(orte_sstore_base_handle_t id, orte_sstore_base_key_t key, char **value)
{
    char b1[512];
    int rc = ORTE_SUCCESS;
    char *result = NULL;
    pthread_mutex_lock(&handles_lock);
    handle_info_t *h = find_handle(id);
    if (NULL == value) {
        rc = ORTE_ERR_BAD_PARAM;
    } else if (NULL == h) {
        rc = ORTE_ERR_NOT_FOUND;
    } else if (SSTORE_METADATA_GLOBAL_SNAP_SEQ == key) {
        if (asprintf(&result, "%d", h->seq) < 0) {
            result = NULL;
            rc = ORTE_ERR_OUT_OF_RESOURCE;
        }
    } else if (SSTORE_METADATA_LOCAL_SNAP_LOC == key) {
        result = NULL == h->local_location ? NULL : strdup(h->local_location);
    } else if (SSTORE_METADATA_LOCAL_SNAP_META == key) {
        result = NULL == h->metadata_filename ? NULL : strdup(h->metadata_filename);
    } else if (SSTORE_METADATA_GLOBAL_SNAP_REF == key) {
        result = NULL == h->global_ref ? NULL : strdup(h->global_ref);
    } else {
        rc = ORTE_ERR_NOT_SUPPORTED; /* output left untouched, as central does */
    }
    pthread_mutex_unlock(&handles_lock);
    if (ORTE_SUCCESS == rc) {
        *value = result;
    }
    ref_out("SSTORE get_attr vpid=%u handle=%u key=%u rc=%d value=%s", orte_process_info.my_name.vpid, (unsigned)id,
            (unsigned)key, rc, ref_token(ORTE_SUCCESS == rc ? result : NULL, b1, sizeof(b1)));
    return rc;
}

static int slot_set_attr(orte_sstore_base_handle_t id, orte_sstore_base_key_t key, char *value)
{
    char b1[512];
    int rc = ORTE_SUCCESS;
    pthread_mutex_lock(&handles_lock);
    handle_info_t *h = find_handle(id);
    if (NULL == value || key >= SSTORE_METADATA_MAX) {
        rc = ORTE_ERROR;
    } else if (NULL == h) {
        rc = ORTE_ERR_NOT_FOUND;
    } else if (SSTORE_METADATA_LOCAL_CRS_COMP == key) {
        free(h->crs_comp);
        h->crs_comp = strdup(value);
    } else if (SSTORE_METADATA_LOCAL_SKIP_CKPT == key) {
        h->ckpt_skipped = true;
    } else if (SSTORE_METADATA_LOCAL_MKDIR == key) {
        rc = metadata_append(h, CRS_METADATA_MKDIR, value, true);
    } else if (SSTORE_METADATA_LOCAL_TOUCH == key) {
        rc = metadata_append(h, CRS_METADATA_TOUCH, value, true);
    } else {
        rc = ORTE_ERROR;
    }
    pthread_mutex_unlock(&handles_lock);
    ref_out("SSTORE set_attr vpid=%u handle=%u key=%u rc=%d value=%s", orte_process_info.my_name.vpid, (unsigned)id,
            (unsigned)key, rc, ref_token(value, b1, sizeof(b1)));
    return rc;
}

/* Timestamp, then PUSH [uint8 2][uint32 h][bool skipped][string crs_comp unless skipped] on tag 44. */
static int slot_sync(orte_sstore_base_handle_t id)
{
    char b1[512];
    int rc = ORTE_SUCCESS;
    bool skipped = false;
    char *crs_comp = NULL;
    pthread_mutex_lock(&handles_lock);
    handle_info_t *h = find_handle(id);
    if (NULL == h) {
        rc = ORTE_ERR_NOT_FOUND;
    } else {
        rc = metadata_timestamp(h);
        h->synced = ++syncs;
        skipped = h->ckpt_skipped;
        crs_comp = NULL == h->crs_comp ? NULL : strdup(h->crs_comp);
    }
    pthread_mutex_unlock(&handles_lock);

    if (ORTE_SUCCESS == rc) {
        opal_buffer_t *buffer = new_buffer();
        uint8_t command = REF_SSTORE_CENTRAL_PUSH;
        rc = opal_dss.pack(buffer, &command, 1, OPAL_UINT8);
        if (OPAL_SUCCESS == rc) {
            rc = opal_dss.pack(buffer, &id, 1, OPAL_UINT32);
        }
        if (OPAL_SUCCESS == rc) {
            rc = opal_dss.pack(buffer, &skipped, 1, OPAL_BOOL);
        }
        if (OPAL_SUCCESS == rc && !skipped) {
            rc = opal_dss.pack(buffer, &crs_comp, 1, OPAL_STRING);
        }
        if (OPAL_SUCCESS == rc) {
            rc = ref_rml_send(ORTE_PROC_MY_DAEMON, buffer, ORTE_RML_TAG_SSTORE_INTERNAL, orte_rml_send_callback, NULL);
        }
        if (OPAL_SUCCESS != rc) {
            OBJ_RELEASE(buffer);
        }
    }
    /* central clears the current handle whatever happened */
    orte_sstore_handle_current = 0;
    ref_out("SSTORE sync vpid=%u handle=%u rc=%d skipped=%d crs_comp=%s", orte_process_info.my_name.vpid,
            (unsigned)id, rc, skipped ? 1 : 0, ref_token(crs_comp, b1, sizeof(b1)));
    free(crs_comp);
    return rc;
}

/* The slots the application side of central does not implement either. */
static int slot_ok(void)
{
    return ORTE_SUCCESS;
}

static int slot_request_checkpoint_handle(orte_sstore_base_handle_t *handle, int seq, orte_jobid_t jobid)
{
    (void)handle, (void)seq, (void)jobid;
    return ORTE_ERR_NOT_IMPLEMENTED;
}

static int slot_request_restart_handle(orte_sstore_base_handle_t *handle, char *basedir, char *ref, int seq,
                                       orte_sstore_base_global_snapshot_info_t *snapshot)
{
    (void)handle, (void)basedir, (void)ref, (void)seq, (void)snapshot;
    return ORTE_ERR_NOT_IMPLEMENTED;
}

static int slot_request_global_snapshot_data(orte_sstore_base_handle_t *handle,
                                             orte_sstore_base_global_snapshot_info_t *snapshot)
{
    (void)handle, (void)snapshot;
    return ORTE_ERR_NOT_IMPLEMENTED;
}

static int slot_remove(orte_sstore_base_handle_t handle)
{
    (void)handle;
    return ORTE_ERR_NOT_IMPLEMENTED;
}

static int slot_pack(orte_process_name_t *peer, opal_buffer_t *buffer, orte_sstore_base_handle_t handle)
{
    (void)peer, (void)buffer, (void)handle;
    return ORTE_ERR_NOT_IMPLEMENTED;
}

static int slot_unpack(orte_process_name_t *peer, opal_buffer_t *buffer, orte_sstore_base_handle_t *handle)
{
    (void)peer, (void)buffer, (void)handle;
    return ORTE_ERR_NOT_IMPLEMENTED;
}

static int slot_fetch_app_deps(orte_app_context_t *app)
{
    (void)app;
    return ORTE_ERR_NOT_IMPLEMENTED;
}

void ref_sstore_install(int pull_timeout_ms)
{
    pull_timeout = pull_timeout_ms;
    orte_sstore.sstore_init = slot_ok;
    orte_sstore.sstore_finalize = slot_ok;
    orte_sstore.request_checkpoint_handle = slot_request_checkpoint_handle;
    orte_sstore.request_restart_handle = slot_request_restart_handle;
    orte_sstore.request_global_snapshot_data = slot_request_global_snapshot_data;
    orte_sstore.register_handle = slot_register_handle;
    orte_sstore.get_attr = slot_get_attr;
    orte_sstore.set_attr = slot_set_attr;
    orte_sstore.sync = slot_sync;
    orte_sstore.remove = slot_remove;
    orte_sstore.pack_handle = slot_pack;
    orte_sstore.unpack_handle = slot_unpack;
    orte_sstore.fetch_app_deps = slot_fetch_app_deps;
    orte_sstore.wait_all_deps = slot_ok;
}

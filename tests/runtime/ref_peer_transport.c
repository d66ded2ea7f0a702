/*
 * ref_peer's side of the transport (ref_frame.h): one Unix stream socket per application process, taken
 * by accept_app; HELLO names the process, BYE announces its end, and each RML frame is decoded with the real
 * opal_dss as far as its command, then handed to the role it is for - the HNP (tag 25), the local
 * coordinator (tag 24) or sstore/central (tag 44). The roles' replies go out with send_frame.
 */
#define _GNU_SOURCE
#include "ref_peer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "opal/class/opal_object.h"
#include "opal/constants.h"

app_t apps[MAX_APPS];
static int next_conn = 1;

/* The first bytes of an undecodable message ("-" for none). */
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

/* ---- sending to an app ------------------------------------------------------------------------- */

int send_frame(int a, uint32_t role, uint32_t tag, const void *payload, size_t len)
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

int send_buffer(int a, uint32_t role, uint32_t tag, opal_buffer_t *b)
{
    int rc = send_frame(a, role, tag, b->base_ptr, b->bytes_used);
    OBJ_RELEASE(b);
    return rc;
}

/* ---- messages from the apps -------------------------------------------------------------------- */

/* Decodes one RML message's command with the real opal_dss and hands the message to the role it is for. */
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
        receive_request_op(a, b, where);
    } else if (ORTE_RML_TAG_SNAPC == h->tag && ORTE_SNAPC_LOCAL_FINISH_CMD == cmd) {
        receive_local_finish(a, b, where);
    } else if (ORTE_RML_TAG_SNAPC == h->tag && ORTE_SNAPC_LOCAL_UPDATE_CMD == cmd) {
        receive_local_update(a, b, where);
    } else if (ORTE_RML_TAG_SSTORE_INTERNAL == h->tag && REF_SSTORE_CENTRAL_PULL == cmd) {
        receive_sstore_pull(a, b, where);
    } else if (ORTE_RML_TAG_SSTORE_INTERNAL == h->tag && REF_SSTORE_CENTRAL_PUSH == cmd) {
        receive_sstore_push(a, b, where);
    } else {
        out("RECV from=%u tag=%u UNEXPECTED cmd=%u %s", apps[a].vpid, h->tag, cmd, where);
    }
    OBJ_RELEASE(b);
}

void drop_app(int a, const char *why)
{
    app_t *app = &apps[a];
    out("DISCONNECT conn=%d vpid=%u pid=%d reason=%s", app->conn, app->vpid, (int)app->pid, why);
    local_app_gone(a);
    hnp_app_gone(a);
    close(app->fd);
    free(app->rx);
    app->used = false;
    app->fd = -1;
    app->rx = NULL;
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
void handle_app_input(int a)
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

void accept_app(int listen_fd)
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

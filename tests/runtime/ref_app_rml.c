/*
 * The RML transport of ref_app: orte_rml.send_buffer_nb / recv_buffer_nb / recv_cancel replaced by
 * frames over a Unix socket to ref_peer (ref_frame.h).
 *
 * It behaves like ORTE 4.1's RML where the coordinator can tell the difference:
 *  - send_buffer_nb takes the leading conduit argument and refuses any conduit but orte_mgmt_conduit
 *    (ORTE_ERR_UNREACH, buffer left with the caller, as the real stub does for an unknown conduit);
 *    on success the bytes base_ptr..bytes_used are framed and sent, and the callback runs later on
 *    the "progress thread" (orte_rml_send_callback releases the buffer there);
 *  - receives are matched by sender (with wildcards) and tag in posting order; messages that match no
 *    posted receive are queued until one is posted; delivery runs on the progress thread, builds a
 *    temporary buffer around a malloc'ed copy (opal_dss.load), calls the callback and destroys the
 *    buffer afterwards, as orte_rml_base_process_msg does;
 *  - recv_cancel removes matching posts. Unlike ORTE (which thread-shifts the cancel), it is
 *    synchronous: once it returns, no callback for those posts runs any more.
 * Differences that remain: a send to a dead peer fails at once (ORTE_ERR_UNREACH, caller keeps the
 * buffer) instead of calling the callback with an error status.
 */
#define _GNU_SOURCE
#include "ref_app.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "opal/class/opal_object.h"
#include "orte/constants.h"
#include "ref_frame.h"

typedef struct posted_recv {
    orte_process_name_t peer;
    orte_rml_tag_t tag;
    bool persistent;
    orte_rml_buffer_callback_fn_t cbfunc;
    void *cbdata;
    struct posted_recv *next;
} posted_recv_t;

typedef struct queued_msg {
    orte_process_name_t sender;
    uint32_t sender_role;
    orte_rml_tag_t tag;
    unsigned char *data;
    uint32_t length;
    struct queued_msg *next;
} queued_msg_t;

typedef struct send_done {
    int status;
    orte_process_name_t peer;
    opal_buffer_t *buffer;
    orte_rml_tag_t tag;
    orte_rml_buffer_callback_fn_t cbfunc;
    void *cbdata;
    struct send_done *next;
} send_done_t;

static int sock_fd = -1;
static atomic_bool connected;
static atomic_bool stopping;
static atomic_uint local_finish_sent;
static uint16_t expected_conduit;

/* Serialises frames on the socket. Never held together with rml_lock. */
static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;
/* Guards the three queues; recursive because a callback may post a receive or send. */
static pthread_mutex_t rml_lock;
static pthread_cond_t rml_cond = PTHREAD_COND_INITIALIZER;
static posted_recv_t *posts;
static queued_msg_t *unmatched;
static send_done_t *completions;
static bool work_pending;

static pthread_t reader_thread, progress_thread;
static bool threads_started;

static void append_post(posted_recv_t *p)
{
    posted_recv_t **at = &posts;
    while (NULL != *at) {
        at = &(*at)->next;
    }
    *at = p;
}

static bool name_matches(const orte_process_name_t *want, const orte_process_name_t *got)
{
    bool job = want->jobid == got->jobid || ORTE_JOBID_WILDCARD == want->jobid;
    bool vpid = want->vpid == got->vpid || ORTE_VPID_WILDCARD == want->vpid;
    return job && vpid;
}

/*
 * Which role a destination means. The pointer tells first (ORTE_PROC_MY_HNP / ORTE_PROC_MY_DAEMON are
 * the addresses of orte_process_info's fields), then the value; when the HNP is also the daemon (mpirun,
 * and a singleton's HNP) the value cannot tell and the tag decides (25 = HNP traffic). *how says which.
 */
static const char *role_of(const orte_process_name_t *peer, orte_rml_tag_t tag, uint32_t *role, const char **how)
{
    if (peer == &orte_process_info.my_hnp || peer == &orte_process_info.my_daemon) {
        *role = peer == &orte_process_info.my_hnp ? REF_ROLE_HNP : REF_ROLE_DAEMON;
        *how = "pointer";
        return ref_role_name(*role);
    }
    bool is_hnp = peer->jobid == orte_process_info.my_hnp.jobid && peer->vpid == orte_process_info.my_hnp.vpid;
    bool is_daemon = peer->jobid == orte_process_info.my_daemon.jobid
                     && peer->vpid == orte_process_info.my_daemon.vpid;
    *how = "value";
    if (is_hnp && is_daemon) {
        *role = ORTE_RML_TAG_SNAPC_FULL == tag ? REF_ROLE_HNP : REF_ROLE_DAEMON;
        *how = "tag";
    } else if (is_hnp) {
        *role = REF_ROLE_HNP;
    } else if (is_daemon) {
        *role = REF_ROLE_DAEMON;
    } else {
        return NULL;
    }
    return ref_role_name(*role);
}

/* Delivers one message to one post, as orte_rml_base_process_msg does. Called with rml_lock held. */
static void deliver(posted_recv_t *post, queued_msg_t *msg)
{
    opal_buffer_t buf;
    OBJ_CONSTRUCT(&buf, opal_buffer_t);
    if (msg->length > 0) {
        /* load takes ownership of the malloc'ed bytes */
        opal_dss.load(&buf, msg->data, (int32_t)msg->length);
        msg->data = NULL;
    }
    ref_out("HOST deliver vpid=%u tag=%u from=%s bytes=%u", orte_process_info.my_name.vpid,
            (unsigned)msg->tag, ref_role_name(msg->sender_role), msg->length);
    post->cbfunc(ORTE_SUCCESS, &msg->sender, &buf, msg->tag, post->cbdata);
    OBJ_DESTRUCT(&buf);
    free(msg->data);
    free(msg);
}

/* Matches queued messages to posts; with rml_lock held. */
static void match_all(void)
{
    queued_msg_t **mp = &unmatched;
    while (NULL != *mp) {
        queued_msg_t *msg = *mp;
        posted_recv_t **pp = &posts;
        posted_recv_t *post = NULL;
        while (NULL != *pp) {
            if ((*pp)->tag == msg->tag && name_matches(&(*pp)->peer, &msg->sender)) {
                post = *pp;
                break;
            }
            pp = &(*pp)->next;
        }
        if (NULL == post) {
            mp = &msg->next;
            continue;
        }
        *mp = msg->next;
        if (!post->persistent) {
            *pp = post->next;
        }
        deliver(post, msg);
        if (!post->persistent) {
            free(post);
        }
        /* the callback may have changed the lists: start over */
        mp = &unmatched;
    }
}

static void *progress_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&rml_lock);
    for (;;) {
        while (NULL != completions) {
            send_done_t *done = completions;
            completions = done->next;
            done->cbfunc(done->status, &done->peer, done->buffer, done->tag, done->cbdata);
            free(done);
        }
        match_all();
        work_pending = false;
        if (atomic_load(&stopping) && NULL == completions) {
            break;
        }
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 100 * 1000 * 1000;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec += 1;
            until.tv_nsec -= 1000000000L;
        }
        if (!work_pending) {
            pthread_cond_timedwait(&rml_cond, &rml_lock, &until);
        }
    }
    pthread_mutex_unlock(&rml_lock);
    return NULL;
}

static void kick_locked(void)
{
    work_pending = true;
    pthread_cond_signal(&rml_cond);
}

static void *reader_main(void *arg)
{
    (void)arg;
    for (;;) {
        ref_frame_header_t h;
        unsigned char *payload = NULL;
        int rc = ref_frame_read(sock_fd, &h, &payload);
        if (1 != rc) {
            if (!atomic_load(&stopping)) {
                ref_out("HOST peer %s vpid=%u", 0 == rc ? "closed" : "broken", orte_process_info.my_name.vpid);
            }
            break;
        }
        if (REF_FRAME_RML != h.kind) {
            free(payload);
            continue;
        }
        queued_msg_t *msg = calloc(1, sizeof(*msg));
        if (NULL == msg) {
            free(payload);
            continue;
        }
        msg->sender.jobid = h.src_jobid;
        msg->sender.vpid = h.src_vpid;
        msg->sender_role = h.src_role;
        msg->tag = h.tag;
        msg->data = payload;
        msg->length = h.length;
        pthread_mutex_lock(&rml_lock);
        queued_msg_t **at = &unmatched;
        while (NULL != *at) {
            at = &(*at)->next;
        }
        *at = msg;
        kick_locked();
        pthread_mutex_unlock(&rml_lock);
    }
    atomic_store(&connected, false);
    return NULL;
}

/* Counts LOCAL_FINISH messages by decoding the command with the real DSS (a copy of the bytes). */
static void note_daemon_message(const opal_buffer_t *buffer, orte_rml_tag_t tag)
{
    if (ORTE_RML_TAG_SNAPC != tag || 0 == buffer->bytes_used) {
        return;
    }
    opal_buffer_t *copy = OBJ_NEW(opal_buffer_t);
    void *bytes = malloc(buffer->bytes_used);
    if (NULL == copy || NULL == bytes) {
        free(bytes);
        if (NULL != copy) {
            OBJ_RELEASE(copy);
        }
        return;
    }
    memcpy(bytes, buffer->base_ptr, buffer->bytes_used);
    copy->type = buffer->type;
    opal_dss.load(copy, bytes, (int32_t)buffer->bytes_used);
    uint8_t cmd = 0;
    int32_t n = 1;
    if (OPAL_SUCCESS == opal_dss.unpack(copy, &cmd, &n, OPAL_UINT8) && ORTE_SNAPC_LOCAL_FINISH_CMD == cmd) {
        int cr_state = -1;
        n = 1;
        opal_dss.unpack(copy, &cr_state, &n, OPAL_INT);
        atomic_fetch_add(&local_finish_sent, 1);
        ref_out("HOST local_finish vpid=%u cr_state=%d count=%u", orte_process_info.my_name.vpid, cr_state,
                atomic_load(&local_finish_sent));
    }
    OBJ_RELEASE(copy);
}

int ref_rml_send(orte_process_name_t *peer, opal_buffer_t *buffer, orte_rml_tag_t tag,
                 orte_rml_buffer_callback_fn_t cbfunc, void *cbdata)
{
    if (NULL == peer || NULL == buffer) {
        ref_out("HOST send vpid=%u tag=%u rc=%d reason=null-argument", orte_process_info.my_name.vpid,
                (unsigned)tag, ORTE_ERR_BAD_PARAM);
        return ORTE_ERR_BAD_PARAM;
    }
    uint32_t role = 0;
    const char *how = NULL;
    const char *role_name = role_of(peer, tag, &role, &how);
    if (NULL == role_name) {
        ref_out("HOST send vpid=%u tag=%u rc=%d reason=unknown-peer peer=%u.%u", orte_process_info.my_name.vpid,
                (unsigned)tag, ORTE_ERR_ADDRESSEE_UNKNOWN, peer->jobid, peer->vpid);
        return ORTE_ERR_ADDRESSEE_UNKNOWN;
    }
    if (buffer->bytes_used > REF_FRAME_MAX_PAYLOAD) {
        return ORTE_ERR_BAD_PARAM;
    }
    ref_frame_header_t h = {
        .kind = REF_FRAME_RML,
        .tag = tag,
        .src_jobid = orte_process_info.my_name.jobid,
        .src_vpid = orte_process_info.my_name.vpid,
        .src_role = REF_ROLE_APP,
        .dst_jobid = peer->jobid,
        .dst_vpid = peer->vpid,
        .dst_role = role,
        .length = (uint32_t)buffer->bytes_used,
    };
    int rc = -ENOTCONN;
    pthread_mutex_lock(&write_lock);
    if (atomic_load(&connected)) {
        rc = ref_frame_write(sock_fd, &h, buffer->base_ptr);
    }
    pthread_mutex_unlock(&write_lock);
    if (0 != rc) {
        ref_out("HOST send vpid=%u tag=%u to=%s rc=%d reason=%s", orte_process_info.my_name.vpid, (unsigned)tag,
                role_name, ORTE_ERR_UNREACH, strerror(-rc));
        return ORTE_ERR_UNREACH;
    }
    ref_out("HOST send vpid=%u tag=%u to=%s bytes=%zu rc=0 by=%s", orte_process_info.my_name.vpid, (unsigned)tag,
            role_name, buffer->bytes_used, how);
    note_daemon_message(buffer, tag);

    send_done_t *done = calloc(1, sizeof(*done));
    if (NULL == done) {
        abort(); /* cannot honour the ownership contract any more */
    }
    done->status = ORTE_SUCCESS;
    done->peer = *peer;
    done->buffer = buffer;
    done->tag = tag;
    done->cbfunc = cbfunc;
    done->cbdata = cbdata;
    pthread_mutex_lock(&rml_lock);
    if (NULL == cbfunc) {
        /* nobody to hand the buffer back to: release it as ORTE's callback would */
        free(done);
        OBJ_RELEASE(buffer);
    } else {
        send_done_t **at = &completions;
        while (NULL != *at) {
            at = &(*at)->next;
        }
        *at = done;
        kick_locked();
    }
    pthread_mutex_unlock(&rml_lock);
    return ORTE_SUCCESS;
}

/* rml-delay:<tag>:<ms> - the slot holds sends on that tag back for a while (a slow network or a
 * descheduled sender), so that the peer sees what the process wrote to its FIFOs first. */
static atomic_uint delayed_tag;
static atomic_int delay_ms;

void ref_rml_delay(unsigned tag, int ms)
{
    atomic_store(&delayed_tag, tag);
    atomic_store(&delay_ms, ms);
}

/* The orte_rml.send_buffer_nb slot (4.1 form: leading conduit). */
static int slot_send_buffer_nb(orte_rml_conduit_t conduit_id, orte_process_name_t *peer, opal_buffer_t *buffer,
                               orte_rml_tag_t tag, orte_rml_buffer_callback_fn_t cbfunc, void *cbdata)
{
    int delay = atomic_load(&delay_ms);
    if (delay > 0 && tag == atomic_load(&delayed_tag)) {
        struct timespec ts = {delay / 1000, (long)(delay % 1000) * 1000000L};
        while (0 != nanosleep(&ts, &ts) && EINTR == errno) {
        }
    }
    if (conduit_id != expected_conduit) {
        ref_out("HOST send vpid=%u tag=%u rc=%d reason=bad-conduit conduit=%u expected=%u",
                orte_process_info.my_name.vpid, (unsigned)tag, ORTE_ERR_UNREACH, (unsigned)conduit_id,
                (unsigned)expected_conduit);
        return ORTE_ERR_UNREACH;
    }
    return ref_rml_send(peer, buffer, tag, cbfunc, cbdata);
}

void ref_rml_recv(orte_process_name_t *peer, orte_rml_tag_t tag, bool persistent,
                  orte_rml_buffer_callback_fn_t cbfunc, void *cbdata)
{
    if (NULL == peer || NULL == cbfunc) {
        ref_out("HOST post vpid=%u tag=%u ignored=null-argument", orte_process_info.my_name.vpid, (unsigned)tag);
        return;
    }
    posted_recv_t *p = calloc(1, sizeof(*p));
    if (NULL == p) {
        return;
    }
    p->peer = *peer;
    p->tag = tag;
    p->persistent = persistent;
    p->cbfunc = cbfunc;
    p->cbdata = cbdata;
    pthread_mutex_lock(&rml_lock);
    append_post(p);
    kick_locked();
    pthread_mutex_unlock(&rml_lock);
}

void ref_rml_cancel(orte_process_name_t *peer, orte_rml_tag_t tag)
{
    if (NULL == peer) {
        return;
    }
    int removed = 0;
    pthread_mutex_lock(&rml_lock);
    posted_recv_t **pp = &posts;
    while (NULL != *pp) {
        posted_recv_t *p = *pp;
        /* ORTE compares the cancel's peer with wildcards against the post's peer */
        if (p->tag == tag && name_matches(peer, &p->peer)) {
            *pp = p->next;
            free(p);
            ++removed;
        } else {
            pp = &p->next;
        }
    }
    pthread_mutex_unlock(&rml_lock);
    ref_out("HOST cancel vpid=%u tag=%u removed=%d", orte_process_info.my_name.vpid, (unsigned)tag, removed);
}

unsigned ref_rml_local_finish_count(void)
{
    return atomic_load(&local_finish_sent);
}

bool ref_rml_connected(void)
{
    return atomic_load(&connected);
}

static void init_lock_once(void)
{
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&rml_lock, &attr);
    pthread_mutexattr_destroy(&attr);
}

static pthread_once_t lock_once = PTHREAD_ONCE_INIT;

int ref_rml_connect(const char *path, int timeout_ms)
{
    pthread_once(&lock_once, init_lock_once);
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(addr.sun_path)) {
        fprintf(stderr, "ref_app: peer socket path too long: %s\n", path);
        return ORTE_ERR_BAD_PARAM;
    }
    strcpy(addr.sun_path, path);
    uint64_t deadline = ref_now_ms() + (uint64_t)timeout_ms;
    int fd = -1;
    for (;;) {
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            perror("ref_app: socket");
            return ORTE_ERROR;
        }
        if (0 == connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
            break;
        }
        int err = errno;
        close(fd);
        fd = -1;
        if (ref_now_ms() >= deadline) {
            fprintf(stderr, "ref_app: cannot connect to the peer at %s within %d ms: %s\n", path, timeout_ms,
                    strerror(err));
            return ORTE_ERR_UNREACH;
        }
        usleep(20 * 1000);
    }
    /* A stalled peer must not block a send forever. */
    struct timeval tv = {.tv_sec = 10, .tv_usec = 0};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    sock_fd = fd;
    atomic_store(&connected, true);

    unsigned char hello[REF_HELLO_PAYLOAD_BYTES];
    ref_put_u32(hello, (uint32_t)getpid());
    ref_put_u32(hello + 4, orte_process_info.num_procs);
    ref_put_u32(hello + 8, orte_process_info.my_daemon.jobid);
    ref_put_u32(hello + 12, orte_process_info.my_daemon.vpid);
    ref_put_u32(hello + 16, orte_process_info.my_hnp.jobid);
    ref_put_u32(hello + 20, orte_process_info.my_hnp.vpid);
    ref_frame_header_t h = {
        .kind = REF_FRAME_HELLO,
        .src_jobid = orte_process_info.my_name.jobid,
        .src_vpid = orte_process_info.my_name.vpid,
        .src_role = REF_ROLE_APP,
        .dst_role = REF_ROLE_DAEMON,
        .length = sizeof(hello),
    };
    if (0 != ref_frame_write(sock_fd, &h, hello)) {
        fprintf(stderr, "ref_app: cannot say hello to the peer: %s\n", strerror(errno));
        return ORTE_ERR_UNREACH;
    }

    if (0 != pthread_create(&progress_thread, NULL, progress_main, NULL)
        || 0 != pthread_create(&reader_thread, NULL, reader_main, NULL)) {
        fprintf(stderr, "ref_app: cannot start the transport threads\n");
        return ORTE_ERROR;
    }
    threads_started = true;
    return ORTE_SUCCESS;
}

void ref_rml_install(uint16_t conduit)
{
    pthread_once(&lock_once, init_lock_once);
    expected_conduit = conduit;
    orte_mgmt_conduit = conduit;
    orte_rml.send_buffer_nb = slot_send_buffer_nb;
    orte_rml.recv_buffer_nb = ref_rml_recv;
    orte_rml.recv_cancel = ref_rml_cancel;
}

void ref_rml_shutdown(void)
{
    if (!threads_started) {
        return;
    }
    atomic_store(&stopping, true);
    pthread_mutex_lock(&write_lock);
    if (atomic_load(&connected)) {
        ref_frame_header_t h = {
            .kind = REF_FRAME_BYE,
            .src_jobid = orte_process_info.my_name.jobid,
            .src_vpid = orte_process_info.my_name.vpid,
            .src_role = REF_ROLE_APP,
            .dst_role = REF_ROLE_DAEMON,
        };
        (void)ref_frame_write(sock_fd, &h, NULL);
    }
    shutdown(sock_fd, SHUT_RDWR);
    pthread_mutex_unlock(&write_lock);
    pthread_join(reader_thread, NULL);
    pthread_mutex_lock(&rml_lock);
    kick_locked();
    pthread_mutex_unlock(&rml_lock);
    pthread_join(progress_thread, NULL);
    close(sock_fd);
    sock_fd = -1;
    threads_started = false;
    /* Leave the slots pointing at us: with the socket gone, sends fail cleanly (ORTE_ERR_UNREACH). */
}

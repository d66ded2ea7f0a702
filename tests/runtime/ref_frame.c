/* The frame format shared by ref_app and ref_peer; see ref_frame.h. */
#define _GNU_SOURCE
#include "ref_frame.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

const char *ref_role_name(uint32_t role)
{
    switch (role) {
    case REF_ROLE_HNP: return "hnp";
    case REF_ROLE_DAEMON: return "daemon";
    case REF_ROLE_APP: return "app";
    default: return "unknown";
    }
}

void ref_put_u32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

uint32_t ref_get_u32(const unsigned char *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

void ref_frame_encode_header(const ref_frame_header_t *h, unsigned char out[REF_FRAME_HEADER_BYTES])
{
    const uint32_t fields[10] = {REF_FRAME_MAGIC, h->kind,      h->tag,      h->src_jobid,
                                 h->src_vpid,     h->src_role,  h->dst_jobid, h->dst_vpid,
                                 h->dst_role,     h->length};
    for (int i = 0; i < 10; ++i) {
        ref_put_u32(out + 4 * i, fields[i]);
    }
}

int ref_frame_decode_header(const unsigned char in[REF_FRAME_HEADER_BYTES], ref_frame_header_t *h)
{
    if (REF_FRAME_MAGIC != ref_get_u32(in)) {
        return -1;
    }
    h->kind = ref_get_u32(in + 4);
    h->tag = ref_get_u32(in + 8);
    h->src_jobid = ref_get_u32(in + 12);
    h->src_vpid = ref_get_u32(in + 16);
    h->src_role = ref_get_u32(in + 20);
    h->dst_jobid = ref_get_u32(in + 24);
    h->dst_vpid = ref_get_u32(in + 28);
    h->dst_role = ref_get_u32(in + 32);
    h->length = ref_get_u32(in + 36);
    if (h->kind < REF_FRAME_HELLO || h->kind > REF_FRAME_BYE || h->length > REF_FRAME_MAX_PAYLOAD) {
        return -1;
    }
    return 0;
}

static int send_all(int fd, const void *data, size_t len)
{
    const unsigned char *p = data;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0) {
            if (EINTR == errno) {
                continue;
            }
            return -errno;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int ref_frame_write(int fd, const ref_frame_header_t *h, const void *payload)
{
    unsigned char header[REF_FRAME_HEADER_BYTES];
    ref_frame_encode_header(h, header);
    int rc = send_all(fd, header, sizeof(header));
    if (0 == rc && h->length > 0) {
        rc = send_all(fd, payload, h->length);
    }
    return rc;
}

/* 1 = all read, 0 = EOF before the first byte, -1 = error or EOF in the middle. */
static int read_exact(int fd, void *data, size_t len)
{
    unsigned char *p = data;
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, p + got, len - got);
        if (n < 0) {
            if (EINTR == errno) {
                continue;
            }
            return -1;
        }
        if (0 == n) {
            return 0 == got ? 0 : -1;
        }
        got += (size_t)n;
    }
    return 1;
}

int ref_frame_read(int fd, ref_frame_header_t *h, unsigned char **payload)
{
    unsigned char header[REF_FRAME_HEADER_BYTES];
    *payload = NULL;
    int rc = read_exact(fd, header, sizeof(header));
    if (rc <= 0) {
        return rc;
    }
    if (0 != ref_frame_decode_header(header, h)) {
        return -1;
    }
    if (0 == h->length) {
        return 1;
    }
    unsigned char *data = malloc(h->length);
    if (NULL == data) {
        return -1;
    }
    if (1 != read_exact(fd, data, h->length)) {
        free(data);
        return -1;
    }
    *payload = data;
    return 1;
}

uint64_t ref_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/*
 * The transport between ref_app (an MPI process hosting the library) and ref_peer (its local
 * coordinator, HNP and sstore daemon): one Unix-domain stream socket per application process,
 * carrying frames. A frame stands for one RML message (or a hello/bye); its payload is exactly the
 * bytes of the opal_buffer_t that was sent (base_ptr .. bytes_used), as ORTE's OOB would carry them.
 *
 * Frame = 40-byte header of ten big-endian uint32, then `length` payload bytes:
 *   magic 'NSRF' | kind | tag | src jobid | src vpid | src role | dst jobid | dst vpid | dst role | length
 * kind: 1 HELLO (app -> peer; payload = six uint32 BE: pid, num_procs, daemon jobid, daemon vpid,
 *       hnp jobid, hnp vpid), 2 RML (tag and payload meaningful), 3 BYE (app -> peer, empty).
 * role: 0 HNP, 1 daemon, 2 application process.
 */
#ifndef NSNAPC_REF_FRAME_H
#define NSNAPC_REF_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define REF_FRAME_MAGIC 0x4e535246u /* "NSRF" */
#define REF_FRAME_HEADER_BYTES 40u
#define REF_FRAME_MAX_PAYLOAD (1u << 20) /* far above any snapc/sstore message; bounds garbage */
#define REF_HELLO_PAYLOAD_BYTES 24u

enum ref_frame_kind { REF_FRAME_HELLO = 1, REF_FRAME_RML = 2, REF_FRAME_BYE = 3 };
enum ref_role { REF_ROLE_HNP = 0, REF_ROLE_DAEMON = 1, REF_ROLE_APP = 2 };

typedef struct {
    uint32_t kind;
    uint32_t tag;
    uint32_t src_jobid, src_vpid, src_role;
    uint32_t dst_jobid, dst_vpid, dst_role;
    uint32_t length;
} ref_frame_header_t;

const char *ref_role_name(uint32_t role);

void ref_put_u32(unsigned char *p, uint32_t v);
uint32_t ref_get_u32(const unsigned char *p);

/* Encodes a header into 40 bytes. */
void ref_frame_encode_header(const ref_frame_header_t *h, unsigned char out[REF_FRAME_HEADER_BYTES]);

/* Decodes 40 bytes; 0 on success, -1 on a bad magic, kind or length (the stream is then unusable). */
int ref_frame_decode_header(const unsigned char in[REF_FRAME_HEADER_BYTES], ref_frame_header_t *h);

/*
 * Writes one whole frame (header + payload) to a stream socket with send(MSG_NOSIGNAL), retrying on
 * EINTR and short writes. The socket should carry SO_SNDTIMEO so a stalled reader cannot block us
 * forever. Returns 0 or -errno.
 */
int ref_frame_write(int fd, const ref_frame_header_t *h, const void *payload);

/*
 * Blocking read of one frame (for a dedicated reader thread). *payload is malloc'ed (NULL when the
 * length is 0) and belongs to the caller. Returns 1 on success, 0 on orderly EOF at a frame boundary,
 * -1 on an error, a truncated frame or a malformed header.
 */
int ref_frame_read(int fd, ref_frame_header_t *h, unsigned char **payload);

/* Monotonic milliseconds. */
uint64_t ref_now_ms(void);

#endif

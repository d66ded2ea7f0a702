/*
 * dss_oracle: the REAL Open MPI 4.1 opal_dss (libopen-pal.so.40) behind a line protocol, so the
 * C# codec's tests can ask it what it packs and how it unpacks, thousands of times per process.
 *
 * One request per line on stdin, exactly one response line per request on stdout:
 *
 *   P <mode> <item> ...            pack each item with opal_dss.pack into one new buffer
 *     -> "<hex|-> <rc> ..."        the buffer's bytes (base_ptr .. bytes_used) and each pack's status
 *   U <mode> <hex|-> <type>:<capacity> ...
 *                                  opal_dss.load a malloc'ed copy of the bytes, then one opal_dss.unpack
 *                                  per declared type, with *num_vals = capacity; continues after errors
 *     -> "R <rc>/<n>/<pos>/<values> ..."  status, *num_vals afterwards, unpack offset afterwards, and
 *                                  the delivered values (only when rc is 0 or -25 and n > 0)
 *   Q                              quit
 *   anything malformed -> "E <reason>"
 *
 * <mode>: 0 = OPAL_DSS_BUFFER_NON_DESC, 1 = OPAL_DSS_BUFFER_FULLY_DESC (written into buffer->type).
 * <item>: <type>:<values>, values comma-separated, none at all means a count of 0.
 * <type>: byte int8 int16 int32 int64 uint8 uint16 uint32 uint64 int bool pid size string name jobid vpid.
 * Values: integers in decimal; name as <jobid>.<vpid>; bool as 0/1 (unpack prints the raw byte);
 * string as "~" (NULL) or "x" + hex of its bytes (pack stops at the first 00, as strlen does; unpack
 * prints every byte the unpack copied, terminator included, since the library never checks it).
 *
 * Robustness against garbage input: capacities are bounded, every string the library allocated is
 * freed whatever the status, values are printed only when the library says they were delivered, and
 * the library's own chatter (opal_output) cannot reach the protocol stream (stdout is moved to stderr).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "opal_config.h"
#include "opal/constants.h"
#include "opal/class/opal_object.h"
#include "opal/dss/dss.h"
#include "opal/runtime/opal.h"

#define MAX_CAPACITY 4096

static FILE *proto;

typedef struct {
    const char *name;
    opal_data_type_t type;
    size_t element_size; /* C storage per value */
    bool is_signed;      /* for integer types: how to parse and print */
} type_desc_t;

static const type_desc_t types[] = {
    {"byte", OPAL_BYTE, 1, false},      {"int8", OPAL_INT8, 1, true},
    {"int16", OPAL_INT16, 2, true},     {"int32", OPAL_INT32, 4, true},
    {"int64", OPAL_INT64, 8, true},     {"uint8", OPAL_UINT8, 1, false},
    {"uint16", OPAL_UINT16, 2, false},  {"uint32", OPAL_UINT32, 4, false},
    {"uint64", OPAL_UINT64, 8, false},  {"int", OPAL_INT, sizeof(int), true},
    {"bool", OPAL_BOOL, sizeof(bool), false}, {"pid", OPAL_PID, sizeof(pid_t), true},
    {"size", OPAL_SIZE, sizeof(size_t), false}, {"string", OPAL_STRING, sizeof(char *), false},
    {"name", OPAL_NAME, sizeof(opal_process_name_t), false},
    {"jobid", OPAL_JOBID, sizeof(opal_jobid_t), false},
    {"vpid", OPAL_VPID, sizeof(opal_vpid_t), false},
};

static const type_desc_t *find_type(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); ++i) {
        if (strlen(types[i].name) == len && 0 == memcmp(types[i].name, name, len)) {
            return &types[i];
        }
    }
    return NULL;
}

/* ---- small text helpers ------------------------------------------------------------------- */

typedef struct {
    char *data;
    size_t len, cap;
} text_t;

static void text_reserve(text_t *t, size_t extra)
{
    if (t->len + extra + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 256;
        while (cap < t->len + extra + 1) {
            cap *= 2;
        }
        char *p = realloc(t->data, cap);
        if (NULL == p) {
            fprintf(stderr, "dss_oracle: out of memory\n");
            exit(3);
        }
        t->data = p;
        t->cap = cap;
    }
}

static void text_add(text_t *t, const char *s)
{
    size_t n = strlen(s);
    text_reserve(t, n);
    memcpy(t->data + t->len, s, n + 1);
    t->len += n;
}

static void text_printf(text_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void text_printf(text_t *t, const char *fmt, ...)
{
    char tmp[96];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    text_add(t, tmp);
}

static void text_hex(text_t *t, const unsigned char *bytes, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    text_reserve(t, 2 * n);
    for (size_t i = 0; i < n; ++i) {
        t->data[t->len++] = digits[bytes[i] >> 4];
        t->data[t->len++] = digits[bytes[i] & 15];
    }
    t->data[t->len] = '\0';
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes [s, s+len) as hex into a fresh malloc'ed block (at least 1 byte, NUL-terminated). */
static unsigned char *decode_hex(const char *s, size_t len, size_t *out_len)
{
    if (len % 2 != 0) {
        return NULL;
    }
    unsigned char *out = malloc(len / 2 + 1);
    if (NULL == out) {
        return NULL;
    }
    for (size_t i = 0; i < len / 2; ++i) {
        int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(out);
            return NULL;
        }
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    out[len / 2] = 0;
    *out_len = len / 2;
    return out;
}

static void reply(const char *line)
{
    fputs(line, proto);
    fputc('\n', proto);
    fflush(proto);
}

static void reply_error(const char *reason, const char *token)
{
    text_t t = {0};
    text_add(&t, "E ");
    text_add(&t, reason);
    if (NULL != token) {
        text_add(&t, ": ");
        text_add(&t, token);
    }
    reply(t.data);
    free(t.data);
}

static bool parse_mode(const char *token, opal_dss_buffer_type_t *mode)
{
    if (0 == strcmp(token, "0")) { *mode = OPAL_DSS_BUFFER_NON_DESC; return true; }
    if (0 == strcmp(token, "1")) { *mode = OPAL_DSS_BUFFER_FULLY_DESC; return true; }
    return false;
}

static opal_buffer_t *new_buffer(opal_dss_buffer_type_t mode)
{
    opal_buffer_t *buffer = OBJ_NEW(opal_buffer_t);
    if (NULL == buffer) {
        fprintf(stderr, "dss_oracle: OBJ_NEW(opal_buffer_t) failed\n");
        exit(3);
    }
    buffer->type = mode;
    return buffer;
}

/* ---- pack ---------------------------------------------------------------------------------- */

static bool parse_integer(const type_desc_t *td, const char *s, void *dst)
{
    char *end;
    errno = 0;
    if (td->is_signed) {
        long long v = strtoll(s, &end, 10);
        if (errno || end == s || *end) return false;
        switch (td->element_size) {
        case 1: { int8_t x = (int8_t)v; memcpy(dst, &x, 1); break; }
        case 2: { int16_t x = (int16_t)v; memcpy(dst, &x, 2); break; }
        case 4: { int32_t x = (int32_t)v; memcpy(dst, &x, 4); break; }
        default: { int64_t x = (int64_t)v; memcpy(dst, &x, 8); break; }
        }
    } else {
        if ('-' == *s) return false;
        unsigned long long v = strtoull(s, &end, 10);
        if (errno || end == s || *end) return false;
        switch (td->element_size) {
        case 1: { uint8_t x = (uint8_t)v; memcpy(dst, &x, 1); break; }
        case 2: { uint16_t x = (uint16_t)v; memcpy(dst, &x, 2); break; }
        case 4: { uint32_t x = (uint32_t)v; memcpy(dst, &x, 4); break; }
        default: { uint64_t x = (uint64_t)v; memcpy(dst, &x, 8); break; }
        }
    }
    return true;
}

/* Packs one "<type>:<values>" item; returns false (after replying) on a malformed item. */
static bool pack_item(opal_buffer_t *buffer, char *item, text_t *statuses)
{
    char *colon = strchr(item, ':');
    const type_desc_t *td = colon ? find_type(item, (size_t)(colon - item)) : NULL;
    if (NULL == td) {
        reply_error("unknown item type", item);
        return false;
    }
    char *values = colon + 1;

    size_t count = 0;
    if (*values) {
        count = 1;
        for (char *p = values; *p; ++p) count += (',' == *p);
    }
    if (count > MAX_CAPACITY) {
        reply_error("too many values", item);
        return false;
    }
    void *array = calloc(count ? count : 1, td->element_size);
    char **strings = (char **)array;
    bool ok = true;
    size_t i = 0;
    for (char *save = NULL, *tok = count ? strtok_r(values, ",", &save) : NULL; ok && tok;
         tok = strtok_r(NULL, ",", &save), ++i) {
        char *slot = (char *)array + i * td->element_size;
        if (OPAL_STRING == td->type) {
            if (0 == strcmp(tok, "~")) {
                strings[i] = NULL;
            } else if ('x' == tok[0]) {
                size_t n;
                strings[i] = (char *)decode_hex(tok + 1, strlen(tok + 1), &n);
                ok = NULL != strings[i];
            } else {
                ok = false;
            }
        } else if (OPAL_NAME == td->type) {
            opal_process_name_t name;
            char *dot = strchr(tok, '.');
            char *end1, *end2;
            ok = NULL != dot;
            if (ok) {
                *dot = '\0';
                name.jobid = (opal_jobid_t)strtoul(tok, &end1, 10);
                name.vpid = (opal_vpid_t)strtoul(dot + 1, &end2, 10);
                ok = !*end1 && !*end2;
                memcpy(slot, &name, sizeof(name));
            }
        } else if (OPAL_BOOL == td->type) {
            ok = 0 == strcmp(tok, "0") || 0 == strcmp(tok, "1");
            bool b = '1' == tok[0];
            memcpy(slot, &b, sizeof(b));
        } else {
            /* integer-like: jobid/vpid are uint32, pid/int are int, size is size_t */
            type_desc_t as = *td;
            if (OPAL_JOBID == td->type || OPAL_VPID == td->type) as.is_signed = false;
            ok = parse_integer(&as, tok, slot);
        }
    }
    if (ok && i != count) {
        ok = false; /* empty element such as "1,,2" */
    }
    if (ok) {
        int rc = opal_dss.pack(buffer, array, (int32_t)count, td->type);
        text_printf(statuses, " %d", rc);
    } else {
        reply_error("bad value in item", item);
    }
    if (OPAL_STRING == td->type) {
        for (size_t k = 0; k < count; ++k) free(strings[k]);
    }
    free(array);
    return ok;
}

static void do_pack(char **tokens, int ntokens)
{
    opal_dss_buffer_type_t mode;
    if (ntokens < 2 || !parse_mode(tokens[1], &mode)) {
        reply_error("usage: P <mode> <item>...", NULL);
        return;
    }
    opal_buffer_t *buffer = new_buffer(mode);
    text_t statuses = {0};
    text_add(&statuses, "");
    bool ok = true;
    for (int k = 2; ok && k < ntokens; ++k) {
        ok = pack_item(buffer, tokens[k], &statuses);
    }
    if (ok) {
        text_t out = {0};
        if (0 == buffer->bytes_used) {
            text_add(&out, "-");
        } else {
            text_add(&out, "");
            text_hex(&out, (const unsigned char *)buffer->base_ptr, buffer->bytes_used);
        }
        text_add(&out, statuses.data);
        reply(out.data);
        free(out.data);
    }
    free(statuses.data);
    OBJ_RELEASE(buffer);
}

/* ---- unpack -------------------------------------------------------------------------------- */

static int32_t read_be32(const unsigned char *p)
{
    return (int32_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]);
}

static void print_integer(text_t *t, const type_desc_t *td, const void *slot)
{
    switch (td->element_size) {
    case 1:
        if (td->is_signed) { int8_t v; memcpy(&v, slot, 1); text_printf(t, "%d", v); }
        else { uint8_t v; memcpy(&v, slot, 1); text_printf(t, "%u", v); }
        break;
    case 2:
        if (td->is_signed) { int16_t v; memcpy(&v, slot, 2); text_printf(t, "%d", v); }
        else { uint16_t v; memcpy(&v, slot, 2); text_printf(t, "%u", v); }
        break;
    case 4:
        if (td->is_signed) { int32_t v; memcpy(&v, slot, 4); text_printf(t, "%" PRId32, v); }
        else { uint32_t v; memcpy(&v, slot, 4); text_printf(t, "%" PRIu32, v); }
        break;
    default:
        if (td->is_signed) { int64_t v; memcpy(&v, slot, 8); text_printf(t, "%" PRId64, v); }
        else { uint64_t v; memcpy(&v, slot, 8); text_printf(t, "%" PRIu64, v); }
        break;
    }
}

/* Unpacks one "<type>:<capacity>" and appends " rc/n/pos/values". */
static bool unpack_item(opal_buffer_t *buffer, opal_dss_buffer_type_t mode, const char *item, text_t *out)
{
    const char *colon = strchr(item, ':');
    const type_desc_t *td = colon ? find_type(item, (size_t)(colon - item)) : NULL;
    char *end;
    long capacity = colon ? strtol(colon + 1, &end, 10) : -1;
    if (NULL == td || capacity < 0 || capacity > MAX_CAPACITY || end == colon + 1 || *end) {
        reply_error("bad unpack item", item);
        return false;
    }

    /* calloc: string slots start NULL, so whatever the library allocated can be freed afterwards */
    void *array = calloc((size_t)capacity + 1, td->element_size);
    size_t start = (size_t)(buffer->unpack_ptr - buffer->base_ptr);
    int32_t n = (int32_t)capacity;
    int rc = opal_dss.unpack(buffer, array, &n, td->type);
    size_t pos = (size_t)(buffer->unpack_ptr - buffer->base_ptr);
    text_printf(out, " %d/%" PRId32 "/%zu/", rc, n, pos);

    if ((OPAL_SUCCESS == rc || OPAL_ERR_UNPACK_INADEQUATE_SPACE == rc) && n > 0) {
        /* where the first value started: after the count (and the tags of a described buffer) */
        size_t p = start + (OPAL_DSS_BUFFER_FULLY_DESC == mode ? 6 : 4);
        for (int32_t i = 0; i < n; ++i) {
            const char *slot = (const char *)array + (size_t)i * td->element_size;
            if (i > 0) text_add(out, ",");
            if (OPAL_STRING == td->type) {
                char *s = ((char **)array)[i];
                /* length as the unpack read it from the wire; the allocation holds exactly that many */
                int32_t len = read_be32((const unsigned char *)buffer->base_ptr + p);
                p += 4 + (len > 0 ? (size_t)len : 0);
                if (NULL == s) {
                    text_add(out, "~");
                } else {
                    text_add(out, "x");
                    text_hex(out, (const unsigned char *)s, (size_t)len);
                }
            } else if (OPAL_NAME == td->type) {
                opal_process_name_t name;
                memcpy(&name, slot, sizeof(name));
                text_printf(out, "%" PRIu32 ".%" PRIu32, name.jobid, name.vpid);
            } else if (OPAL_BOOL == td->type) {
                uint8_t raw; /* the raw byte: a garbled stream can put 2..255 in a bool */
                memcpy(&raw, slot, 1);
                text_printf(out, "%u", raw);
            } else if (OPAL_JOBID == td->type || OPAL_VPID == td->type) {
                uint32_t v;
                memcpy(&v, slot, 4);
                text_printf(out, "%" PRIu32, v);
            } else {
                print_integer(out, td, slot);
            }
        }
        if (OPAL_STRING == td->type && p != pos) {
            text_add(out, "!walk-mismatch");
        }
    }
    if (OPAL_STRING == td->type) {
        for (long i = 0; i < capacity; ++i) free(((char **)array)[i]);
    }
    free(array);
    return true;
}

static void do_unpack(char **tokens, int ntokens)
{
    opal_dss_buffer_type_t mode;
    if (ntokens < 3 || !parse_mode(tokens[1], &mode)) {
        reply_error("usage: U <mode> <hex|-> <type>:<capacity>...", NULL);
        return;
    }
    size_t len = 0;
    unsigned char *payload;
    if (0 == strcmp(tokens[2], "-")) {
        payload = malloc(1);
    } else {
        payload = decode_hex(tokens[2], strlen(tokens[2]), &len);
    }
    if (NULL == payload || len > INT32_MAX) {
        free(payload);
        reply_error("bad hex payload", NULL);
        return;
    }
    opal_buffer_t *buffer = new_buffer(mode);
    int rc = opal_dss.load(buffer, payload, (int32_t)len); /* the buffer owns payload now */
    if (OPAL_SUCCESS != rc) {
        free(payload);
        OBJ_RELEASE(buffer);
        reply_error("opal_dss.load failed", NULL);
        return;
    }
    text_t out = {0};
    text_add(&out, "R");
    bool ok = true;
    for (int k = 3; ok && k < ntokens; ++k) {
        ok = unpack_item(buffer, mode, tokens[k], &out);
    }
    if (ok) {
        reply(out.data);
    }
    free(out.data);
    OBJ_RELEASE(buffer);
}

int main(void)
{
    /* The protocol gets its own copy of stdout; fd 1 then points at stderr, so nothing the library
       prints can interleave with responses. */
    int proto_fd = dup(STDOUT_FILENO);
    if (proto_fd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0 || NULL == (proto = fdopen(proto_fd, "w"))) {
        perror("dss_oracle: setting up the protocol stream");
        return 2;
    }
    int rc = opal_init_util(NULL, NULL);
    if (OPAL_SUCCESS != rc) {
        fprintf(stderr, "dss_oracle: opal_init_util failed: %d\n", rc);
        return 2;
    }
    reply("READY");

    char *line = NULL;
    size_t line_cap = 0;
    ssize_t line_len;
    char **tokens = NULL;
    size_t tokens_cap = 0;
    while ((line_len = getline(&line, &line_cap, stdin)) >= 0) {
        while (line_len > 0 && ('\n' == line[line_len - 1] || '\r' == line[line_len - 1])) {
            line[--line_len] = '\0';
        }
        int ntokens = 0;
        for (char *save = NULL, *tok = strtok_r(line, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
            if ((size_t)ntokens == tokens_cap) {
                tokens_cap = tokens_cap ? 2 * tokens_cap : 64;
                tokens = realloc(tokens, tokens_cap * sizeof(*tokens));
                if (NULL == tokens) {
                    fprintf(stderr, "dss_oracle: out of memory\n");
                    return 3;
                }
            }
            tokens[ntokens++] = tok;
        }
        if (0 == ntokens) {
            reply_error("empty request", NULL);
        } else if (0 == strcmp(tokens[0], "P")) {
            do_pack(tokens, ntokens);
        } else if (0 == strcmp(tokens[0], "U")) {
            do_unpack(tokens, ntokens);
        } else if (0 == strcmp(tokens[0], "Q")) {
            break;
        } else {
            reply_error("unknown request", tokens[0]);
        }
    }
    free(tokens);
    free(line);
    opal_finalize_util();
    return 0;
}

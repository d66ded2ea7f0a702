/* Text helpers of the reference runtime and the demo (ref_text.h). */
#include "ref_text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

const char *ref_token(const char *s, char *buf, size_t len)
{
    if (NULL == s) {
        return "(null)";
    }
    if ('\0' == *s) {
        return "\"\"";
    }
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && o + 5 < len; ++p) {
        if (*p > 0x20 && *p < 0x7f && '\\' != *p && '"' != *p) {
            buf[o++] = (char)*p;
        } else {
            o += (size_t)snprintf(buf + o, len - o, "\\x%02x", *p);
        }
    }
    buf[o] = '\0';
    return buf;
}

bool ref_parse_long(const char *text, long min, long max, long *out)
{
    if (NULL == text || '\0' == *text) {
        return false;
    }
    char *end = NULL;
    errno = 0;
    long v = strtol(text, &end, 0);
    if (0 != errno || '\0' != *end || v < min || v > max) {
        return false;
    }
    *out = v;
    return true;
}

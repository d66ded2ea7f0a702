/* Text helpers of ref_app, ref_peer, ref_restart and the demo: output tokens and argument parsing. */
#ifndef REF_TEXT_H
#define REF_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* s as one blank-free token: "(null)" for NULL, "" (two quotes) when empty, otherwise s with every blank, quote,
 * backslash and non-ASCII byte as \xNN; written into buf (len bytes) unless it is one of the two constants. */
const char *ref_token(const char *s, char *buf, size_t len);

/* text as a whole number (strtol base 0: decimal, 0x hex, leading-0 octal) in [min, max] into *out; false, and *out
 * untouched, for NULL, empty, trailing characters, overflow or out of range. */
bool ref_parse_long(const char *text, long min, long max, long *out);

#endif /* REF_TEXT_H */

/* The reference runtime's output lines (ref_app.h): whole lines under a lock, elapsed time, printable tokens. */
#define _GNU_SOURCE
#include "ref_app.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

#include "ref_frame.h"

static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *out_stream;
static uint64_t start_ms;

void ref_out_start(FILE *stream)
{
    start_ms = ref_now_ms();
    out_stream = stream;
}

void ref_out(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pthread_mutex_lock(&out_lock);
    FILE *stream = NULL == out_stream ? stdout : out_stream;
    vfprintf(stream, fmt, ap);
    fputc('\n', stream);
    fflush(stream);
    pthread_mutex_unlock(&out_lock);
    va_end(ap);
}

uint64_t ref_elapsed_ms(void)
{
    return ref_now_ms() - start_ms;
}

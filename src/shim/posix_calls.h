/* posix_calls.h: thin C wrappers the library's C# calls where a direct import would be wrong. */
#ifndef NATIVE_SNAPC_POSIX_CALLS_H
#define NATIVE_SNAPC_POSIX_CALLS_H

/* open(2) without O_CREAT. open is variadic; calling it through a non-variadic import is not portable. */
int native_snapc_open(const char *path, int flags);

#endif /* NATIVE_SNAPC_POSIX_CALLS_H */

/* posix_calls.h: thin C wrappers the library's C# calls where a direct import would be wrong. */
#ifndef NATIVE_SNAPC_POSIX_CALLS_H
#define NATIVE_SNAPC_POSIX_CALLS_H

#include <sys/types.h>

/* open(2) without O_CREAT. open is variadic; calling it through a non-variadic import is not portable. */
int native_snapc_open(const char *path, int flags);

/* open(2) with a mode (for O_CREAT; the process umask applies). */
int native_snapc_open_mode(const char *path, int flags, unsigned int mode);

/*
 * posix_spawnp(3) of argv[0] (searched in PATH) with argv and the process's current environ (which C#
 * cannot name), the child's signal mask emptied (a .NET thread may block signals, and the mask survives
 * exec). Returns 0 and the child's pid, or an errno value, as posix_spawnp does. fork+exec from a process
 * that runs a .NET runtime is unsafe; posix_spawn is not.
 */
int native_snapc_spawnp(pid_t *pid, char *const argv[]);

/*
 * execvp(3) of argv[0] with argv, after emptying the calling thread's signal mask (it survives exec).
 * Returns only on failure: -1 with errno set, the mask put back.
 */
int native_snapc_execvp(char *const argv[]);

/*
 * posix_spawn(3) of argv[0] (a path) in a new session (POSIX_SPAWN_SETSID), with an empty signal mask and every
 * signal at its default disposition, standard input from /dev/null, standard output and error appended to
 * log_path (created 0600), and no other descriptor of the caller's (an MPI rank holds many). For a daemon the
 * caller starts and must not tie to itself. Returns 0 and the child's pid, or an errno value.
 */
int native_snapc_spawn_detached(pid_t *pid, char *const argv[], const char *log_path);

#endif /* NATIVE_SNAPC_POSIX_CALLS_H */

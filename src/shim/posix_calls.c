#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stddef.h>
#include <unistd.h>

#include "posix_calls.h"

extern char **environ;

int native_snapc_open(const char *path, int flags)
{
    return open(path, flags);
}

int native_snapc_open_mode(const char *path, int flags, unsigned int mode)
{
    return open(path, flags, (mode_t) mode);
}

int native_snapc_spawnp(pid_t *pid, char *const argv[])
{
    if (NULL == pid || NULL == argv || NULL == argv[0]) {
        return EINVAL;
    }
    posix_spawnattr_t attributes;
    int rc = posix_spawnattr_init(&attributes);
    if (0 != rc) {
        return rc;
    }
    sigset_t empty;
    sigemptyset(&empty);
    rc = posix_spawnattr_setsigmask(&attributes, &empty);
    if (0 == rc) {
        rc = posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK);
    }
    if (0 == rc) {
        rc = posix_spawnp(pid, argv[0], NULL, &attributes, argv, environ);
    }
    posix_spawnattr_destroy(&attributes);
    return rc;
}

int native_snapc_execvp(char *const argv[])
{
    if (NULL == argv || NULL == argv[0]) {
        errno = EINVAL;
        return -1;
    }
    sigset_t empty, previous;
    sigemptyset(&empty);
    int masked = pthread_sigmask(SIG_SETMASK, &empty, &previous);
    execvp(argv[0], argv);
    int error = errno;
    if (0 == masked) {
        pthread_sigmask(SIG_SETMASK, &previous, NULL);
    }
    errno = error;
    return -1;
}

int native_snapc_spawn_detached(pid_t *pid, char *const argv[], const char *log_path)
{
    if (NULL == pid || NULL == argv || NULL == argv[0] || NULL == log_path) {
        return EINVAL;
    }
    posix_spawnattr_t attributes;
    posix_spawn_file_actions_t actions;
    int rc = posix_spawnattr_init(&attributes);
    if (0 != rc) {
        return rc;
    }
    rc = posix_spawn_file_actions_init(&actions);
    if (0 != rc) {
        posix_spawnattr_destroy(&attributes);
        return rc;
    }
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    rc = posix_spawnattr_setsigmask(&attributes, &none);
    if (0 == rc) {
        rc = posix_spawnattr_setsigdefault(&attributes, &all);
    }
    if (0 == rc) {
        rc = posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    }
    if (0 == rc) {
        rc = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    }
    if (0 == rc) {
        rc = posix_spawn_file_actions_addopen(&actions, 1, log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
    }
    if (0 == rc) {
        rc = posix_spawn_file_actions_adddup2(&actions, 1, 2);
    }
    if (0 == rc) {
        rc = posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    }
    if (0 == rc) {
        rc = posix_spawn(pid, argv[0], &actions, &attributes, argv, environ);
    }
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    return rc;
}

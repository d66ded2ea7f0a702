/*
 * Shared by the component tests: the "self" callbacks an application defines (found by name in the global
 * scope: the tests link with -rdynamic), their call counters, and small file helpers.
 */
#ifndef NSNAPC_CRS_TEST_SUPPORT_H
#define NSNAPC_CRS_TEST_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "check.h"

/* What the checkpoint callback does next. */
typedef enum {
    CALLBACK_GIVE_COMMAND, /* *restart_cmd = strdup(restart_command), return 0 */
    CALLBACK_GIVE_NULL,    /* leave *restart_cmd NULL, return 0 */
    CALLBACK_FAIL          /* *restart_cmd = strdup(...), return -1 */
} callback_mode_t;

extern callback_mode_t callback_mode;
extern char restart_command[4096];
extern int checkpoint_calls, continue_calls, restart_calls;
/* native_snapc_crs_self_snapshot_directory() as the checkpoint callback saw it ("" for NULL). */
extern char directory_during_callback[4096];

/* Looked up with dlsym(RTLD_DEFAULT) once the library is loaded; NULL before. */
typedef const char *(*snapshot_directory_fn)(void);
extern snapshot_directory_fn snapshot_directory;

int opal_crs_self_user_checkpoint(char **restart_cmd);
int opal_crs_self_user_continue(void);
int opal_crs_self_user_restart(void);

/* Whole file into buf (NUL-terminated); the length, or -1 when it cannot be read. */
long read_file(const char *path, char *buf, size_t size);
/* Writes text (exactly, no newline added); false on failure. */
bool write_file(const char *path, const char *text);
bool file_exists(const char *path);

#endif

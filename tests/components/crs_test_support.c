#define _GNU_SOURCE
#include "crs_test_support.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

callback_mode_t callback_mode = CALLBACK_GIVE_COMMAND;
char restart_command[4096];
int checkpoint_calls, continue_calls, restart_calls;
char directory_during_callback[4096];
snapshot_directory_fn snapshot_directory;

int opal_crs_self_user_checkpoint(char **restart_cmd)
{
    ++checkpoint_calls;
    const char *directory = NULL != snapshot_directory ? snapshot_directory() : NULL;
    snprintf(directory_during_callback, sizeof directory_during_callback, "%s", NULL != directory ? directory : "");
    if (NULL != directory) {
        /* What an application does with the extension: put its state inside the snapshot. */
        char state_file[4200];
        snprintf(state_file, sizeof state_file, "%s/app_state.txt", directory);
        write_file(state_file, "application state\n");
    }
    switch (callback_mode) {
    case CALLBACK_GIVE_COMMAND:
        *restart_cmd = strdup(restart_command);
        return 0;
    case CALLBACK_GIVE_NULL:
        return 0;
    case CALLBACK_FAIL:
        *restart_cmd = strdup(restart_command);
        return -1;
    }
    return -1;
}

int opal_crs_self_user_continue(void)
{
    ++continue_calls;
    return 0;
}

int opal_crs_self_user_restart(void)
{
    ++restart_calls;
    return 0;
}

long read_file(const char *path, char *buf, size_t size)
{
    FILE *file = fopen(path, "r");
    if (NULL == file) {
        return -1;
    }
    size_t length = fread(buf, 1, size - 1, file);
    buf[length] = '\0';
    fclose(file);
    return (long) length;
}

bool write_file(const char *path, const char *text)
{
    FILE *file = fopen(path, "w");
    if (NULL == file) {
        return false;
    }
    bool ok = fputs(text, file) >= 0;
    return 0 == fclose(file) && ok;
}

bool file_exists(const char *path)
{
    return 0 == access(path, F_OK);
}

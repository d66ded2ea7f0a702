/*
 * The REAL Open MPI 4.1 MCA loader (libopen-pal) loads the installed mca_crs_self.so and drives it as Open
 * MPI would: opal_init, the component path extended with the staged component directory, crs=self,
 * opal_cr_is_enabled, mca_base_framework_open + opal_crs_base_select (which calls the component's register,
 * open, query and the module's crs_init). Then, through the table the host copied:
 *   - a checkpoint through the real opal_cr_inc_core_ckpt (callbacks defined in this program, -rdynamic):
 *     state CONTINUE, component_name "self", the metadata file's lines, the snapshot directory extension;
 *   - checkpoint failures: no restart command, a failing callback, a multi-line command, garbled existing
 *     metadata, an unwritable metadata file, checkpoints disabled: state ERROR, the file untouched;
 *   - restart with spawn_child (posix_spawnp of crs_restart_marker) and the environment it passes on;
 *   - restart refusals: missing, empty, truncated, cut, foreign, garbled, incomplete, ambiguous metadata and
 *     an empty command: an error, and nothing run;
 *   - restart in place (execvp) in a child copy of this program ("exec-restart" mode), and its failure;
 *   - the framework closed (the component dlclose'd): the copied table still works.
 *
 * usage: crs_self_loader <staged component dir> <Open MPI component dir> <crs_restart_marker> <scratch dir>
 *        crs_self_loader exec-restart <staged component dir> <Open MPI component dir> <metadata file>
 */
#define _GNU_SOURCE
#include "opal_config.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "opal/class/opal_object.h"
#include "opal/constants.h"
#include "opal/mca/base/base.h"
#include "opal/mca/base/mca_base_var.h"
#include "opal/mca/crs/base/base.h"
#include "opal/mca/crs/crs.h"
#include "opal/runtime/opal.h"
#include "opal/runtime/opal_cr.h"

#include "crs_test_support.h"

extern char **environ;

static const char *marker_program;
static const char *scratch;

/* opal_init, then what an FT-enabled Open MPI does to get a CRS: open the framework and select. */
static void start_crs(int *argc, char ***argv, const char *component_dir, const char *openmpi_component_dir)
{
    char path[8192];
    snprintf(path, sizeof path, "%s:%s", component_dir, openmpi_component_dir);
    setenv("OMPI_MCA_mca_base_component_path", path, 1);
    setenv("OMPI_MCA_crs", "self", 1);
    CHECK(OPAL_SUCCESS == opal_init(argc, argv), "opal_init");
    /* opal_cr_init resets it (no FT in this build); the CRS framework opens and selects only when it is set. */
    opal_cr_is_enabled = true;
    CHECK(OPAL_SUCCESS == mca_base_framework_open(&opal_crs_base_framework, 0), "mca_base_framework_open(crs)");
    CHECK(OPAL_SUCCESS == opal_crs_base_select(), "opal_crs_base_select");
    snapshot_directory = (snapshot_directory_fn) dlsym(RTLD_DEFAULT, "native_snapc_crs_self_snapshot_directory");
}

static opal_crs_base_snapshot_t *new_snapshot(const char *directory, const char *metadata)
{
    opal_crs_base_snapshot_t *snapshot = OBJ_NEW(opal_crs_base_snapshot_t);
    CHECK(NULL != snapshot, "OBJ_NEW(opal_crs_base_snapshot_t)");
    snapshot->snapshot_directory = NULL != directory ? strdup(directory) : NULL;
    snapshot->metadata_filename = NULL != metadata ? strdup(metadata) : NULL;
    return snapshot;
}

static void release_snapshot(opal_crs_base_snapshot_t *snapshot)
{
    free(snapshot->component_name); /* the class destructor does not free it */
    snapshot->component_name = NULL;
    OBJ_RELEASE(snapshot);
}

/* The names in a directory other than . and .., joined with spaces, sorted. */
static void list_directory(const char *directory, char *out, size_t size)
{
    struct dirent **entries = NULL;
    int count = scandir(directory, &entries, NULL, alphasort);
    out[0] = '\0';
    for (int i = 0; i < count; ++i) {
        if (0 != strcmp(entries[i]->d_name, ".") && 0 != strcmp(entries[i]->d_name, "..")) {
            strncat(out, entries[i]->d_name, size - strlen(out) - 2);
            strncat(out, " ", size - strlen(out) - 1);
        }
        free(entries[i]);
    }
    free(entries);
}

static int checkpoint(const opal_crs_base_module_t *crs, opal_crs_base_snapshot_t *snapshot, int *state)
{
    (void) crs; /* the real opal_cr_inc_core_ckpt calls opal_crs.crs_checkpoint */
    opal_crs_base_ckpt_options_t *options = OBJ_NEW(opal_crs_base_ckpt_options_t);
    *state = OPAL_CRS_RUNNING;
    int rc = opal_cr_inc_core_ckpt(getpid(), snapshot, options, state);
    OBJ_RELEASE(options);
    return rc;
}

static const char initial_metadata[] = "# Timestamp: Thu Jan  1 00:00:00 1970\n# PID: 4242\n# MKDIR: /tmp/session\n";

static void test_checkpoint(const opal_crs_base_module_t *crs, char *metadata, size_t metadata_size)
{
    char dir[PATH_MAX], text[8192], expected[8192], listing[1024];
    snprintf(dir, sizeof dir, "%s/ckpt", scratch);
    mkdir(dir, 0700);
    snprintf(metadata, metadata_size, "%s/snapshot_meta.data", dir);
    CHECK(write_file(metadata, initial_metadata), "write %s", metadata);
    snprintf(restart_command, sizeof restart_command, "%s %s/marker-spawn one  two", marker_program, scratch);

    opal_crs_base_snapshot_t *snapshot = new_snapshot(dir, metadata);
    int state = 0;
    int rc = checkpoint(crs, snapshot, &state);
    CHECK(OPAL_SUCCESS == rc && OPAL_CRS_CONTINUE == state, "opal_cr_inc_core_ckpt: rc %d, state %d", rc, state);
    CHECK(NULL != snapshot->component_name && 0 == strcmp("self", snapshot->component_name), "component_name on the caller's snapshot");
    CHECK(1 == checkpoint_calls && 1 == continue_calls, "callbacks: %d checkpoint, %d continue", checkpoint_calls, continue_calls);
    CHECK(0 == strcmp(dir, directory_during_callback), "the callback saw the snapshot directory \"%s\"", directory_during_callback);
    CHECK(NULL != snapshot_directory && NULL == snapshot_directory(), "no snapshot directory outside the callback");
    read_file(metadata, text, sizeof text);
    snprintf(expected, sizeof expected, "%s# OPAL CRS Component: self\n# CONTEXT: %s\n", initial_metadata, restart_command);
    CHECK(0 == strcmp(expected, text), "metadata:\n%s\nexpected:\n%s", text, expected);
    list_directory(dir, listing, sizeof listing);
    CHECK(0 == strcmp("app_state.txt snapshot_meta.data ", listing), "the snapshot directory holds \"%s\" (no temporary file)", listing);
    release_snapshot(snapshot);
    printf("checkpoint through opal_cr_inc_core_ckpt: CONTINUE, component \"self\", metadata complete, app state in the snapshot\n");
}

static void expect_checkpoint_failure(const opal_crs_base_module_t *crs, const char *what, const char *metadata,
                                      const char *directory, int expected_calls)
{
    char before[8192], after[8192];
    long before_length = read_file(metadata, before, sizeof before);
    int calls = checkpoint_calls;
    opal_crs_base_snapshot_t *snapshot = new_snapshot(directory, metadata);
    int state = 0;
    int rc = checkpoint(crs, snapshot, &state);
    CHECK(OPAL_SUCCESS != rc && OPAL_CRS_ERROR == state, "%s: rc %d, state %d", what, rc, state);
    CHECK(NULL == snapshot->component_name, "%s: no component name on a failed checkpoint", what);
    CHECK(checkpoint_calls == calls + expected_calls, "%s: %d callback calls", what, checkpoint_calls - calls);
    long after_length = read_file(metadata, after, sizeof after);
    CHECK(before_length == after_length && (before_length < 0 || 0 == strcmp(before, after)), "%s: the metadata file changed", what);
    release_snapshot(snapshot);
    printf("checkpoint refused (%s): rc %d, state ERROR, metadata untouched\n", what, rc);
}

static void test_checkpoint_failures(const opal_crs_base_module_t *crs)
{
    char dir[PATH_MAX], metadata[PATH_MAX + 32];
    snprintf(dir, sizeof dir, "%s/ckpt-fail", scratch);
    mkdir(dir, 0700);
    snprintf(metadata, sizeof metadata, "%s/snapshot_meta.data", dir);
    CHECK(write_file(metadata, initial_metadata), "write");
    snprintf(restart_command, sizeof restart_command, "%s %s/marker-never", marker_program, scratch);

    callback_mode = CALLBACK_GIVE_NULL;
    expect_checkpoint_failure(crs, "no restart command", metadata, dir, 1);
    callback_mode = CALLBACK_FAIL;
    expect_checkpoint_failure(crs, "the checkpoint callback fails", metadata, dir, 1);
    callback_mode = CALLBACK_GIVE_COMMAND;
    snprintf(restart_command, sizeof restart_command, "%s\n%s/marker-never", marker_program, scratch);
    expect_checkpoint_failure(crs, "a restart command of two lines", metadata, dir, 1);
    snprintf(restart_command, sizeof restart_command, "%s %s/marker-never", marker_program, scratch);
    CHECK(write_file(metadata, "# PID: 1\n\x01\x02 garbage\n"), "write");
    expect_checkpoint_failure(crs, "garbled existing metadata", metadata, dir, 1);
    char missing[PATH_MAX + 64];
    snprintf(missing, sizeof missing, "%s/no-such-directory/snapshot_meta.data", dir);
    expect_checkpoint_failure(crs, "metadata in a missing directory", missing, dir, 1);
    CHECK(OPAL_SUCCESS == crs->crs_disable_checkpoint(), "disable");
    expect_checkpoint_failure(crs, "checkpoints disabled", metadata, dir, 0);
    CHECK(OPAL_SUCCESS == crs->crs_enable_checkpoint(), "enable");
    CHECK(0 == continue_calls - 1, "no continue callback after a failure");
}

static void test_restart_spawn(const opal_crs_base_module_t *crs, const char *metadata)
{
    char marker[PATH_MAX], text[4096], expected[4096];
    snprintf(marker, sizeof marker, "%s/marker-spawn", scratch);
    opal_crs_base_snapshot_t *snapshot = new_snapshot(NULL, metadata);
    snapshot->cold_start = true;
    pid_t child = -1;
    int rc = crs->crs_restart(snapshot, true, &child);
    CHECK(OPAL_SUCCESS == rc && child > 0, "crs_restart(spawn_child): rc %d, pid %d", rc, (int) child);
    int status = 0;
    CHECK(child == waitpid(child, &status, 0) && WIFEXITED(status) && 0 == WEXITSTATUS(status), "the restarted child: status %d", status);
    read_file(marker, text, sizeof text);
    snprintf(expected, sizeof expected,
             "arg=one\narg=two\nOMPI_MCA_crs=self\nOMPI_MCA_crs_self_do_restart=1\nOMPI_MCA_crs_self_prefix=opal_crs_self_user\n");
    CHECK(0 == strcmp(expected, text), "marker:\n%s", text);
    CHECK(NULL != getenv("OMPI_MCA_crs_self_do_restart") && 0 == strcmp("1", getenv("OMPI_MCA_crs_self_do_restart")),
          "the restart set the environment of this process");
    release_snapshot(snapshot);
    printf("restart with spawn_child: pid %d ran the restart command with crs=self, do_restart=1, prefix\n", (int) child);
}

static void test_restart_refusals(const opal_crs_base_module_t *crs)
{
    static const struct {
        const char *name;
        const char *format; /* %s: the restart command; NULL: no file */
    } cases[] = {
        {"missing", NULL},
        {"empty", ""},
        {"truncated", "# PID: 1\n# OPAL CRS Component: self\n# CONTEXT: %s"},
        {"cut mid-line", "# PID: 1\n# OPAL CRS Comp"},
        {"crashed before the rename (the sstore's lines only)", "# PID: 1\n# MKDIR: /tmp/x\n"},
        {"foreign", "# PID: 1\n# OPAL CRS Component: none\n# CONTEXT: %s\n"},
        {"garbled line", "# PID: 1\n# OPAL CRS Component: self\nCONTEXT %s\n"},
        {"garbled bytes", "# OPAL CRS Component: self\n# CONTEXT: %s\n\x01\xff\xfe\n"},
        {"no context", "# PID: 1\n# OPAL CRS Component: self\n"},
        {"two contexts", "# OPAL CRS Component: self\n# CONTEXT: %s\n# CONTEXT: %s\n"},
        {"two components", "# OPAL CRS Component: self\n# OPAL CRS Component: self\n# CONTEXT: %s\n"},
        {"empty command", "# OPAL CRS Component: self\n# CONTEXT:    \n"},
    };
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/restart-refusals", scratch);
    mkdir(dir, 0700);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
        char metadata[PATH_MAX + 64], marker[PATH_MAX + 64], command[2 * PATH_MAX], content[8192];
        snprintf(metadata, sizeof metadata, "%s/meta-%zu.data", dir, i);
        snprintf(marker, sizeof marker, "%s/marker-%zu", dir, i);
        snprintf(command, sizeof command, "%s %s x", marker_program, marker);
        if (NULL != cases[i].format) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
            snprintf(content, sizeof content, cases[i].format, command, command);
#pragma GCC diagnostic pop
            CHECK(write_file(metadata, content), "write %s", metadata);
        }
        for (int spawn = 1; spawn >= 0; --spawn) {
            opal_crs_base_snapshot_t *snapshot = new_snapshot(dir, metadata);
            snapshot->cold_start = true;
            pid_t child = -77;
            int rc = crs->crs_restart(snapshot, 1 == spawn, &child);
            CHECK(OPAL_SUCCESS != rc && -77 == child, "%s (spawn_child %d): rc %d, pid %d", cases[i].name, spawn, rc, (int) child);
            release_snapshot(snapshot);
        }
        CHECK(!file_exists(marker), "%s: the restart command ran", cases[i].name);
        printf("restart refused (%s): an error, nothing run\n", cases[i].name);
    }
    int status;
    CHECK(-1 == waitpid(-1, &status, WNOHANG) && ECHILD == errno, "no child process was started");
}

/* Runs this program in exec-restart mode (posix_spawn: this process runs a .NET runtime) and returns its exit status. */
static int run_exec_restart(const char *self, const char *component_dir, const char *openmpi_component_dir, const char *metadata)
{
    char *argv[] = {(char *) self, "exec-restart", (char *) component_dir, (char *) openmpi_component_dir, (char *) metadata, NULL};
    pid_t child;
    CHECK(0 == posix_spawn(&child, self, NULL, NULL, argv, environ), "posix_spawn %s", self);
    int status = 0;
    CHECK(child == waitpid(child, &status, 0) && WIFEXITED(status), "exec-restart child: status %d", status);
    return WEXITSTATUS(status);
}

static void test_restart_exec(const char *component_dir, const char *openmpi_component_dir)
{
    char self[PATH_MAX], dir[PATH_MAX], metadata[PATH_MAX + 32], marker[PATH_MAX + 32], content[8192], text[4096];
    ssize_t length = readlink("/proc/self/exe", self, sizeof self - 1);
    CHECK(length > 0, "readlink /proc/self/exe");
    self[length] = '\0';
    snprintf(dir, sizeof dir, "%s/restart-exec", scratch);
    mkdir(dir, 0700);
    snprintf(metadata, sizeof metadata, "%s/snapshot_meta.data", dir);
    snprintf(marker, sizeof marker, "%s/marker-exec", dir);
    snprintf(content, sizeof content, "# PID: 1\n# OPAL CRS Component: self\n# CONTEXT: %s %s in-place\n", marker_program, marker);
    CHECK(write_file(metadata, content), "write");
    /* The marker program's exit status 0 proves the exec replaced the child (its own code would exit 3 or 4). */
    int status = run_exec_restart(self, component_dir, openmpi_component_dir, metadata);
    CHECK(0 == status && file_exists(marker), "restart in place: exit %d, marker %d", status, file_exists(marker));
    read_file(marker, text, sizeof text);
    CHECK(0 == strncmp("arg=in-place\nOMPI_MCA_crs=self\nOMPI_MCA_crs_self_do_restart=1\n", text, 60), "marker:\n%s", text);
    printf("restart in place: execvp replaced the process with the restart command\n");

    snprintf(content, sizeof content, "# OPAL CRS Component: self\n# CONTEXT: /nonexistent/crs-restart-program %s\n", marker);
    CHECK(write_file(metadata, content), "write");
    status = run_exec_restart(self, component_dir, openmpi_component_dir, metadata);
    CHECK(3 == status, "restart in place of a missing program: crs_restart returns an error (exit %d)", status);
    printf("restart in place of a missing program: crs_restart returned an error\n");
}

static int exec_restart_mode(int argc, char **argv)
{
    CHECK(5 == argc, "usage: exec-restart <component dir> <Open MPI component dir> <metadata>");
    start_crs(&argc, &argv, argv[2], argv[3]);
    opal_crs_base_snapshot_t *snapshot = new_snapshot(NULL, argv[4]);
    snapshot->cold_start = true;
    pid_t pid = 0;
    int rc = opal_crs.crs_restart(snapshot, false, &pid);
    fprintf(stderr, "exec-restart: crs_restart returned %d\n", rc);
    return OPAL_SUCCESS == rc ? 4 : 3;
}

int main(int argc, char **argv)
{
    if (argc > 1 && 0 == strcmp(argv[1], "exec-restart")) {
        return exec_restart_mode(argc, argv);
    }
    if (5 != argc) {
        fprintf(stderr, "usage: %s <staged component dir> <Open MPI component dir> <crs_restart_marker> <scratch dir>\n", argv[0]);
        return 2;
    }
    const char *component_dir = argv[1], *openmpi_component_dir = argv[2];
    marker_program = argv[3];
    scratch = argv[4];
    char command[PATH_MAX + 64];
    snprintf(command, sizeof command, "rm -rf '%s'", scratch);
    CHECK(0 == system(command) && 0 == mkdir(scratch, 0700), "fresh scratch directory %s", scratch);
    unsetenv("OMPI_MCA_crs_self_prefix");
    unsetenv("OMPI_MCA_crs_self_do_restart");
    /* Registered by the component's register function, so the variable system applies it. */
    setenv("OMPI_MCA_crs_self_priority", "33", 1);

    start_crs(&argc, &argv, component_dir, openmpi_component_dir);
    const mca_base_component_t *selected = &opal_crs_base_selected_component.base_version;
    CHECK(0 == strcmp("self", selected->mca_component_name), "selected \"%s\"", selected->mca_component_name);
    CHECK(33 == opal_crs_base_selected_component.priority, "crs_self_priority from the environment: %d",
          opal_crs_base_selected_component.priority);
    int index = mca_base_var_find("opal", "crs", "self", "prefix");
    const void *value = NULL;
    CHECK(index >= 0 && OPAL_SUCCESS == mca_base_var_get_value(index, &value, NULL, NULL) && NULL != value &&
              0 == strcmp("opal_crs_self_user", *(char *const *) value), "crs_self_prefix is registered with its default");
    CHECK(mca_base_var_find("opal", "crs", "self", "do_restart") >= 0 && mca_base_var_find("opal", "crs", "self", "verbose") >= 0,
          "crs_self_do_restart and crs_self_verbose are registered");
    CHECK(0 == restart_calls, "no restart callback without crs_self_do_restart");
    CHECK(NULL != snapshot_directory, "native_snapc_crs_self_snapshot_directory is in the global scope");

    const opal_crs_base_module_t crs = opal_crs; /* copied, as Open MPI copies it */
    void *slots[8] = {crs.crs_init, crs.crs_finalize, crs.crs_checkpoint, crs.crs_restart, crs.crs_disable_checkpoint,
                      crs.crs_enable_checkpoint, crs.crs_prelaunch, crs.crs_reg_thread};
    for (int i = 0; i < 8; ++i) {
        CHECK(NULL != slots[i], "opal_crs slot %d is NULL", i);
    }
    printf("the real MCA loader selected \"%s\" (priority %d) from %s; opal_crs has 8 slots\n", selected->mca_component_name,
           opal_crs_base_selected_component.priority, component_dir);

    char metadata[PATH_MAX + 32];
    test_checkpoint(&crs, metadata, sizeof metadata);
    test_restart_spawn(&crs, metadata);
    test_checkpoint_failures(&crs);
    test_restart_refusals(&crs);
    test_restart_exec(component_dir, openmpi_component_dir);

    /* Closing the framework dlcloses the component; the library is NODELETE and the copy keeps working. */
    CHECK(OPAL_SUCCESS == mca_base_framework_close(&opal_crs_base_framework), "mca_base_framework_close(crs)");
    CHECK(OPAL_SUCCESS == crs.crs_reg_thread(), "crs_reg_thread after the framework closed");
    char dir[PATH_MAX], after_close[PATH_MAX + 32], text[4096];
    snprintf(dir, sizeof dir, "%s/after-close", scratch);
    mkdir(dir, 0700);
    snprintf(after_close, sizeof after_close, "%s/snapshot_meta.data", dir);
    CHECK(write_file(after_close, "# PID: 7\n"), "write");
    opal_crs_base_snapshot_t *snapshot = new_snapshot(dir, after_close);
    opal_crs_base_ckpt_options_t *options = OBJ_NEW(opal_crs_base_ckpt_options_t);
    opal_crs_state_type_t state = OPAL_CRS_RUNNING;
    int rc = crs.crs_checkpoint(getpid(), snapshot, options, &state);
    CHECK(OPAL_SUCCESS == rc && OPAL_CRS_CONTINUE == state, "checkpoint after the framework closed: rc %d, state %d", rc, state);
    read_file(after_close, text, sizeof text);
    CHECK(NULL != strstr(text, "# OPAL CRS Component: self\n# CONTEXT: "), "metadata after close:\n%s", text);
    OBJ_RELEASE(options);
    release_snapshot(snapshot);
    printf("framework closed and component dlclose'd: the copied table still checkpoints\n");

    opal_finalize();
    printf("crs_self_loader: all checks passed\n");
    return 0;
}

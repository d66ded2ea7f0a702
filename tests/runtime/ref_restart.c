/*
 * ref_restart: what ompi-restart and opal-restart do for one process of a job restarted from a global
 * snapshot, run as one rank under mpirun (so the restarted program inherits the rank's launch environment).
 *
 *  1. ompi-restart's part: the sequence is the last "# Finished Seq:" of <global dir>/global_snapshot_meta.data
 *     (or --seq), the local snapshot <global dir>/<seq>/<"# Local Snapshot Format Reference:" with the rank>.
 *  2. opal-restart's part (opal/tools/opal-restart/opal-restart.c at v4.1.4): opal_init; the component the
 *     local snapshot_meta.data names (the real opal_crs_base_extract_expected_component); crs=<that name>; the
 *     crs framework opened and selected by the real MCA code (from --component-dir); the selected name checked;
 *     a cold-start snapshot; opal_crs.crs_restart(snapshot, spawn_child=false) - which execs the restart
 *     command and does not return.
 * opal-restart's "crs_base_do_not_select" dance is left out: 4.1's opal_init opens no CRS. One 4.1.4 defect
 * is worked around: the component name read from the metadata keeps a leading blank.
 *
 * usage: ref_restart [--seq N] [--rank N] --component-dir DIR GLOBAL_SNAPSHOT_DIR
 * Output (stdout): RESTART rank= seq= snapshot= component= prev_pid=, then the restarted program's own output;
 * on a failure one "RESTART-FAILED rank= reason=" line and exit 3 (2 for bad usage).
 */
#define _GNU_SOURCE
#include "orte_config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opal/class/opal_object.h"
#include "opal/constants.h"
#include "opal/mca/base/mca_base_component_repository.h"
#include "opal/mca/base/mca_base_framework.h"
#include "opal/mca/base/mca_base_var.h"
#include "opal/mca/crs/base/base.h"
#include "opal/mca/crs/crs.h"
#include "opal/runtime/opal.h"
#include "opal/runtime/opal_cr.h"
#include "ref_protocol.h"
#include "ref_text.h"

static long rank = -1;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void fail(const char *fmt, ...)
{
    char reason[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    printf("RESTART-FAILED rank=%ld reason=%s\n", rank, reason);
    fflush(stdout);
    exit(3);
}

/* The last finished sequence and the local snapshot name format, from the global metadata. */
static void read_global_metadata(const char *global_dir, long *seq, char *format, size_t format_size)
{
    char path[PATH_MAX], line[1024];
    snprintf(path, sizeof(path), "%s/%s", global_dir, REF_GLOBAL_METADATA_FILE);
    FILE *f = fopen(path, "r");
    if (NULL == f) {
        fail("cannot read %s: %s", path, strerror(errno));
    }
    const size_t finished_len = strlen(SSTORE_METADATA_INTERNAL_DONE_SEQ_STR);
    const size_t format_len = strlen(SSTORE_METADATA_LOCAL_SNAP_REF_FMT_STR);
    long last = -1;
    format[0] = '\0';
    while (NULL != fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = '\0';
        long n;
        if (0 == strncmp(line, SSTORE_METADATA_INTERNAL_DONE_SEQ_STR, finished_len)
            && ref_parse_long(line + finished_len, 0, INT_MAX, &n)) {
            last = n;
        } else if (0 == strncmp(line, SSTORE_METADATA_LOCAL_SNAP_REF_FMT_STR, format_len)) {
            if ((size_t)snprintf(format, format_size, "%s", line + format_len) >= format_size) {
                fail("%s: the local snapshot format is too long", path);
            }
        }
    }
    fclose(f);
    if (*seq < 0) {
        if (last < 0) {
            fail("%s names no finished checkpoint", path);
        }
        *seq = last;
    }
    /* exactly one %d and no other conversion: the rank goes in there */
    const char *conv = strchr(format, '%');
    if (NULL == conv || 'd' != conv[1] || NULL != strchr(conv + 2, '%')) {
        fail("%s has no usable local snapshot format (\"%s\")", path, format);
    }
}

int main(int argc, char **argv)
{
    long seq = -1;
    const char *component_dir = NULL, *global_dir = NULL;
    for (int i = 1; i < argc; ++i) {
        if (0 == strcmp(argv[i], "--seq") && i + 1 < argc && ref_parse_long(argv[i + 1], 0, INT_MAX, &seq)) {
            ++i;
        } else if (0 == strcmp(argv[i], "--rank") && i + 1 < argc && ref_parse_long(argv[i + 1], 0, INT_MAX, &rank)) {
            ++i;
        } else if (0 == strcmp(argv[i], "--component-dir") && i + 1 < argc) {
            component_dir = argv[++i];
        } else if ('-' != argv[i][0] && NULL == global_dir) {
            global_dir = argv[i];
        } else {
            fprintf(stderr, "usage: ref_restart [--seq N] [--rank N] --component-dir DIR GLOBAL_SNAPSHOT_DIR\n");
            return 2;
        }
    }
    if (NULL == component_dir || NULL == global_dir) {
        fprintf(stderr, "usage: ref_restart [--seq N] [--rank N] --component-dir DIR GLOBAL_SNAPSHOT_DIR\n");
        return 2;
    }
    /* the rank mpirun gave this process; MPI is not initialised here, the restarted program does that */
    if (rank < 0 && !ref_parse_long(getenv("OMPI_COMM_WORLD_RANK"), 0, INT_MAX, &rank)) {
        rank = 0;
    }

    char format[512], local_name[600], snapshot_dir[PATH_MAX], metadata_path[PATH_MAX];
    read_global_metadata(global_dir, &seq, format, sizeof(format));
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    snprintf(local_name, sizeof(local_name), format, (int)rank); /* checked above: one %d */
#pragma GCC diagnostic pop
    if ((size_t)snprintf(snapshot_dir, sizeof(snapshot_dir), "%s/%ld/%s", global_dir, seq, local_name)
            >= sizeof(snapshot_dir)
        || (size_t)snprintf(metadata_path, sizeof(metadata_path), "%s/%s", snapshot_dir, REF_LOCAL_METADATA_FILE)
            >= sizeof(metadata_path)) {
        fail("the snapshot path is too long");
    }

    if (OPAL_SUCCESS != opal_init(&argc, &argv)) {
        fail("opal_init failed");
    }
    opal_cr_is_tool = true; /* as opal-restart marks itself: "self" is selectable without the application's callbacks */

    /* the checkpointer the snapshot was taken with */
    FILE *metadata = fopen(metadata_path, "r");
    if (NULL == metadata) {
        fail("cannot read %s: %s", metadata_path, strerror(errno));
    }
    char *expected = NULL;
    int prev_pid = -1;
    int rc = opal_crs_base_extract_expected_component(metadata, &expected, &prev_pid);
    fclose(metadata);
    if (OPAL_SUCCESS != rc || NULL == expected) {
        fail("%s names no checkpointer (rc %d)", metadata_path, rc);
    }
    /* 4.1.4's token reader keeps the blank after "# OPAL CRS Component:" (" self"); opal-restart would ask
     * the framework for " self" and find nothing. The double takes the name without it. */
    memmove(expected, expected + strspn(expected, " \t"), strlen(expected + strspn(expected, " \t")) + 1);

    char *env_name = NULL;
    if (OPAL_SUCCESS == mca_base_var_env_name("crs", &env_name)) {
        setenv(env_name, expected, 1);
    }
    free(env_name);
    opal_cr_is_enabled = true;
    if (OPAL_SUCCESS != (rc = mca_base_component_repository_add(component_dir))
        || OPAL_SUCCESS != (rc = mca_base_framework_open(&opal_crs_base_framework, 0))
        || OPAL_SUCCESS != (rc = opal_crs_base_select())) {
        fail("no CRS component \"%s\" could be selected from %s (rc %d)", expected, component_dir, rc);
    }
    const char *selected = opal_crs_base_selected_component.base_version.mca_component_name;
    if (0 != strcmp(expected, selected) || NULL == opal_crs.crs_restart) {
        fail("the snapshot needs CRS \"%s\", selected \"%s\"", expected, selected);
    }

    printf("RESTART rank=%ld seq=%ld snapshot=%s component=%s prev_pid=%d\n", rank, seq, snapshot_dir, selected,
           prev_pid);
    fflush(stdout);

    opal_crs_base_snapshot_t *snapshot = OBJ_NEW(opal_crs_base_snapshot_t);
    snapshot->cold_start = true;
    snapshot->snapshot_directory = strdup(snapshot_dir);
    snapshot->metadata_filename = strdup(metadata_path);
    pid_t child = 0;
    rc = opal_crs.crs_restart(snapshot, false, &child);
    /* crs_restart execs the restart command: being here is a failure */
    fail("crs_restart of %s returned %d", snapshot_dir, rc);
}

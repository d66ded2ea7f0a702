/*
 * The two MCA components of libnative_snapc.so as the MCA loader sees them, checked with the REAL Open MPI
 * 4.1 headers' types: the data symbols mca_crs_self_component and mca_snapc_full_component (every field, and
 * the same shape as the real mca_crs_none_component, dlopen'ed from Open MPI's component directory) and
 * orte_snapc_full_skip_app; then register/open/query/close in the loader's order, the module tables copied by
 * value (all 8 slots of each non-NULL), dlclose, and calls through the copies (the library is NODELETE).
 *
 * usage: component_structs <mca_crs_self.so> <mca_snapc_full.so> <mca_crs_none.so> <scratch dir>
 * Linked with -rdynamic: it defines the "self" callbacks (crs_test_support.c) an application would.
 */
#define _GNU_SOURCE
#include "opal_config.h"
#include "orte_config.h"

#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "opal/constants.h"
#include "opal/mca/crs/crs.h"
#include "opal/mca/mca.h"
#include "opal/version.h"
#include "orte/constants.h"
#include "orte/mca/snapc/base/base.h"
#include "orte/mca/snapc/snapc.h"
#include "orte/runtime/runtime.h"
#include "orte/version.h"

#include "crs_test_support.h"

static size_t symbol_size(const void *address)
{
    Dl_info info;
    const ElfW(Sym) *symbol = NULL;
    if (0 == dladdr1(address, &info, (void **) &symbol, RTLD_DL_SYMENT) || NULL == symbol) {
        return 0;
    }
    return symbol->st_size;
}

static bool all_zero(const char *bytes, size_t size)
{
    for (size_t i = 0; i < size; ++i) {
        if (0 != bytes[i]) {
            return false;
        }
    }
    return true;
}

/* A name array: the name, then NULs to the end. */
static void check_name(const char *array, size_t size, const char *expected, const char *what)
{
    size_t length = strlen(expected);
    CHECK(0 == strncmp(array, expected, size) && all_zero(array + length, size - length), "%s is \"%.*s\", expected \"%s\"",
          what, (int) size, array, expected);
}

typedef struct {
    const char *symbol;
    const mca_base_component_t *base;
    const mca_base_component_data_t *data;
    int verbose, output_handle, priority;
} component_view_t;

/* Every field of one component against the values of the original. */
static void check_component(const component_view_t *c, const char *project, int project_major, int project_minor,
                            int project_release, const char *type, const char *name)
{
    const mca_base_component_t *b = c->base;
    CHECK(MCA_BASE_VERSION_MAJOR == b->mca_major_version && MCA_BASE_VERSION_MINOR == b->mca_minor_version &&
              MCA_BASE_VERSION_RELEASE == b->mca_release_version,
          "%s: MCA version %d.%d.%d", c->symbol, b->mca_major_version, b->mca_minor_version, b->mca_release_version);
    check_name(b->mca_project_name, sizeof b->mca_project_name, project, "mca_project_name");
    CHECK(project_major == b->mca_project_major_version && project_minor == b->mca_project_minor_version &&
              project_release == b->mca_project_release_version,
          "%s: project version %d.%d.%d", c->symbol, b->mca_project_major_version, b->mca_project_minor_version,
          b->mca_project_release_version);
    check_name(b->mca_type_name, sizeof b->mca_type_name, type, "mca_type_name");
    CHECK(2 == b->mca_type_major_version && 0 == b->mca_type_minor_version && 0 == b->mca_type_release_version,
          "%s: type version %d.%d.%d", c->symbol, b->mca_type_major_version, b->mca_type_minor_version,
          b->mca_type_release_version);
    check_name(b->mca_component_name, sizeof b->mca_component_name, name, "mca_component_name");
    /* Both originals carry their project's version as component version. */
    CHECK(project_major == b->mca_component_major_version && project_minor == b->mca_component_minor_version &&
              project_release == b->mca_component_release_version,
          "%s: component version %d.%d.%d", c->symbol, b->mca_component_major_version,
          b->mca_component_minor_version, b->mca_component_release_version);
    CHECK(NULL != b->mca_open_component && NULL != b->mca_close_component && NULL != b->mca_query_component &&
              NULL != b->mca_register_component_params,
          "%s: a component function is NULL", c->symbol);
    CHECK(0 == b->mca_component_flags, "%s: flags %d", c->symbol, b->mca_component_flags);
    CHECK(all_zero(b->reserved, sizeof b->reserved), "%s: reserved bytes are not zero", c->symbol);
    CHECK(MCA_BASE_METADATA_PARAM_CHECKPOINT == c->data->param_field, "%s: param_field %u", c->symbol, c->data->param_field);
    CHECK(all_zero(c->data->reserved, sizeof c->data->reserved), "%s: base_data.reserved is not zero", c->symbol);
    CHECK(0 == c->verbose && -1 == c->output_handle && 20 == c->priority, "%s: verbose %d, output_handle %d, priority %d",
          c->symbol, c->verbose, c->output_handle, c->priority);
    printf("%s: MCA %d.%d.%d, %s %d.%d.%d, %s %d.%d.%d, %s %d.%d.%d, param_field %u, priority %d: as the original\n",
           c->symbol, b->mca_major_version, b->mca_minor_version, b->mca_release_version, b->mca_project_name,
           b->mca_project_major_version, b->mca_project_minor_version, b->mca_project_release_version,
           b->mca_type_name, b->mca_type_major_version, b->mca_type_minor_version, b->mca_type_release_version,
           b->mca_component_name, b->mca_component_major_version, b->mca_component_minor_version,
           b->mca_component_release_version, c->data->param_field, c->priority);
}

/* The same shape as the real none component: every field but the names (and what follows from them) and priority. */
static void check_same_shape(const component_view_t *ours, const component_view_t *none, bool same_project)
{
    const mca_base_component_t *a = ours->base, *b = none->base;
    CHECK(a->mca_major_version == b->mca_major_version && a->mca_minor_version == b->mca_minor_version &&
              a->mca_release_version == b->mca_release_version, "%s vs none: MCA version", ours->symbol);
    if (same_project) {
        CHECK(0 == memcmp(a->mca_project_name, b->mca_project_name, sizeof a->mca_project_name), "project name");
        CHECK(0 == memcmp(a->mca_type_name, b->mca_type_name, sizeof a->mca_type_name), "type name");
    }
    CHECK(a->mca_project_major_version == b->mca_project_major_version &&
              a->mca_project_minor_version == b->mca_project_minor_version &&
              a->mca_project_release_version == b->mca_project_release_version, "%s vs none: project version", ours->symbol);
    CHECK(a->mca_type_major_version == b->mca_type_major_version && a->mca_type_minor_version == b->mca_type_minor_version &&
              a->mca_type_release_version == b->mca_type_release_version, "%s vs none: type version", ours->symbol);
    CHECK(a->mca_component_major_version == b->mca_component_major_version &&
              a->mca_component_minor_version == b->mca_component_minor_version &&
              a->mca_component_release_version == b->mca_component_release_version, "%s vs none: component version", ours->symbol);
    CHECK((NULL != a->mca_open_component) == (NULL != b->mca_open_component) &&
              (NULL != a->mca_close_component) == (NULL != b->mca_close_component) &&
              (NULL != a->mca_query_component) == (NULL != b->mca_query_component) &&
              (NULL != a->mca_register_component_params) == (NULL != b->mca_register_component_params),
          "%s vs none: component functions", ours->symbol);
    CHECK(a->mca_component_flags == b->mca_component_flags, "%s vs none: flags", ours->symbol);
    CHECK(0 == memcmp(a->reserved, b->reserved, sizeof a->reserved), "%s vs none: reserved", ours->symbol);
    CHECK(0 == memcmp(ours->data, none->data, sizeof *ours->data), "%s vs none: base_data", ours->symbol);
    CHECK(ours->verbose == none->verbose && ours->output_handle == none->output_handle, "%s vs none: verbose/output_handle",
          ours->symbol);
    CHECK(symbol_size(ours->base) == symbol_size(none->base), "%s vs none: symbol size %zu vs %zu", ours->symbol,
          symbol_size(ours->base), symbol_size(none->base));
    printf("%s: the same shape as mca_crs_none_component (symbol size %zu)\n", ours->symbol, symbol_size(ours->base));
}

static void *open_component(const char *path)
{
    /* As opal_dl_open does for components: RTLD_LAZY | RTLD_GLOBAL. */
    void *handle = dlopen(path, RTLD_LAZY | RTLD_GLOBAL);
    CHECK(NULL != handle, "dlopen(%s): %s", path, dlerror());
    return handle;
}

int main(int argc, char **argv)
{
    if (5 != argc) {
        fprintf(stderr, "usage: %s <mca_crs_self.so> <mca_snapc_full.so> <mca_crs_none.so> <scratch dir>\n", argv[0]);
        return 2;
    }
    const char *scratch = argv[4];
    mkdir(scratch, 0700);

    /* ---- the data symbols ---- */
    void *crs_handle = open_component(argv[1]);
    void *snapc_handle = open_component(argv[2]);
    void *none_handle = dlopen(argv[3], RTLD_NOW | RTLD_LOCAL);
    CHECK(NULL != none_handle, "dlopen(%s): %s", argv[3], dlerror());

    opal_crs_base_component_t *crs = dlsym(crs_handle, "mca_crs_self_component");
    orte_snapc_base_component_t *snapc = dlsym(snapc_handle, "mca_snapc_full_component");
    const opal_crs_base_component_t *none = dlsym(none_handle, "mca_crs_none_component");
    bool *skip_app = dlsym(snapc_handle, "orte_snapc_full_skip_app");
    snapshot_directory = (snapshot_directory_fn) dlsym(crs_handle, "native_snapc_crs_self_snapshot_directory");
    CHECK(NULL != crs && NULL != snapc && NULL != none && NULL != skip_app && NULL != snapshot_directory, "dlsym: %s", dlerror());
    CHECK(sizeof(opal_crs_base_component_t) == symbol_size(crs) && 272 == symbol_size(crs), "mca_crs_self_component: %zu bytes",
          symbol_size(crs));
    CHECK(sizeof(orte_snapc_base_component_t) == symbol_size(snapc), "mca_snapc_full_component: %zu bytes", symbol_size(snapc));
    CHECK(sizeof(bool) == symbol_size(skip_app) && !*skip_app, "orte_snapc_full_skip_app: %zu bytes, %d", symbol_size(skip_app),
          *skip_app);

    component_view_t crs_view = {"mca_crs_self_component", &crs->base_version, &crs->base_data, crs->verbose,
                                 crs->output_handle, crs->priority};
    component_view_t snapc_view = {"mca_snapc_full_component", &snapc->base_version, &snapc->base_data, snapc->verbose,
                                   snapc->output_handle, snapc->priority};
    component_view_t none_view = {"mca_crs_none_component", &none->base_version, &none->base_data, none->verbose,
                                  none->output_handle, none->priority};
    check_component(&crs_view, "opal", OPAL_MAJOR_VERSION, OPAL_MINOR_VERSION, OPAL_RELEASE_VERSION, "crs", "self");
    check_component(&snapc_view, "orte", ORTE_MAJOR_VERSION, ORTE_MINOR_VERSION, ORTE_RELEASE_VERSION, "snapc", "full");
    check_same_shape(&crs_view, &none_view, true);
    check_same_shape(&snapc_view, &none_view, false);
    dlclose(none_handle);

    /* ---- register, open, query, close: the loader's order ---- */
    mca_base_component_t crs_copy = crs->base_version, snapc_copy = snapc->base_version;
    mca_base_module_t *module = NULL;
    int priority = -99;
    CHECK(OPAL_SUCCESS == crs_copy.mca_register_component_params(), "crs register");
    CHECK(OPAL_SUCCESS == crs_copy.mca_open_component(), "crs open");
    CHECK(OPAL_SUCCESS == crs_copy.mca_query_component(&module, &priority) && NULL != module && 20 == priority,
          "crs query: module %p, priority %d", (void *) module, priority);
    opal_crs_base_module_t crs_module = *(opal_crs_base_module_t *) module;
    CHECK(OPAL_SUCCESS == crs_copy.mca_close_component(), "crs close");

    module = NULL;
    priority = -99;
    CHECK(ORTE_SUCCESS == snapc_copy.mca_register_component_params(), "snapc register");
    CHECK(ORTE_SUCCESS == snapc_copy.mca_open_component(), "snapc open");
    CHECK(ORTE_SUCCESS == snapc_copy.mca_query_component(&module, &priority) && NULL != module && 20 == priority,
          "snapc query: module %p, priority %d", (void *) module, priority);
    orte_snapc_base_module_t snapc_module = *(orte_snapc_base_module_t *) module;
    CHECK(ORTE_SUCCESS == snapc_copy.mca_close_component(), "snapc close");

    void *crs_slots[8] = {crs_module.crs_init, crs_module.crs_finalize, crs_module.crs_checkpoint, crs_module.crs_restart,
                          crs_module.crs_disable_checkpoint, crs_module.crs_enable_checkpoint, crs_module.crs_prelaunch,
                          crs_module.crs_reg_thread};
    void *snapc_slots[8] = {snapc_module.snapc_init, snapc_module.snapc_finalize, snapc_module.setup_job,
                            snapc_module.release_job, snapc_module.ft_event, snapc_module.start_ckpt,
                            snapc_module.end_ckpt, snapc_module.request_op};
    CHECK(sizeof crs_slots == sizeof crs_module && sizeof snapc_slots == sizeof snapc_module, "8 slots each");
    for (int i = 0; i < 8; ++i) {
        CHECK(NULL != crs_slots[i], "CRS slot %d is NULL", i);
        CHECK(NULL != snapc_slots[i], "snapc slot %d is NULL", i);
    }
    printf("queried: CRS module with 8 slots, snapc module with 8 slots, both priority 20\n");

    /* ---- dlclose both links; the library stays (NODELETE) and the copies keep working ---- */
    CHECK(0 == dlclose(crs_handle) && 0 == dlclose(snapc_handle), "dlclose: %s", dlerror());

    /* CRS "self" through the copied table. */
    CHECK(OPAL_SUCCESS == crs_module.crs_init(), "crs_init");
    CHECK(OPAL_SUCCESS == crs_module.crs_reg_thread(), "crs_reg_thread");
    char dir[4096], metadata[4200], text[8192];
    snprintf(dir, sizeof dir, "%s/snapshot", scratch);
    mkdir(dir, 0700);
    snprintf(metadata, sizeof metadata, "%s/snapshot_meta.data", dir);
    CHECK(write_file(metadata, "# Timestamp: Thu Jan  1 00:00:00 1970\n# PID: 4242\n"), "write %s", metadata);
    snprintf(restart_command, sizeof restart_command, "/bin/true restarted");
    opal_crs_base_snapshot_t snapshot; /* only the fields a CRS uses; not an OBJ object here */
    memset(&snapshot, 0, sizeof snapshot);
    snapshot.metadata_filename = metadata;
    snapshot.snapshot_directory = dir;
    opal_crs_base_ckpt_options_t options;
    memset(&options, 0, sizeof options);
    opal_crs_state_type_t state = OPAL_CRS_RUNNING;

    CHECK(OPAL_SUCCESS == crs_module.crs_disable_checkpoint(), "crs_disable_checkpoint");
    CHECK(OPAL_SUCCESS != crs_module.crs_checkpoint(getpid(), &snapshot, &options, &state) && OPAL_CRS_ERROR == state &&
              0 == checkpoint_calls, "a disabled checkpoint fails at once: state %d, callback calls %d", state, checkpoint_calls);
    CHECK(OPAL_SUCCESS == crs_module.crs_enable_checkpoint(), "crs_enable_checkpoint");
    state = OPAL_CRS_RUNNING;
    CHECK(OPAL_SUCCESS == crs_module.crs_checkpoint(getpid(), &snapshot, &options, &state) && OPAL_CRS_CONTINUE == state,
          "checkpoint after dlclose: state %d", state);
    CHECK(1 == checkpoint_calls && 1 == continue_calls && 0 == strcmp(dir, directory_during_callback),
          "callbacks: %d checkpoint, %d continue, directory \"%s\"", checkpoint_calls, continue_calls, directory_during_callback);
    CHECK(NULL == snapshot_directory(), "the snapshot directory is published only during the callback");
    CHECK(NULL != snapshot.component_name && 0 == strcmp("self", snapshot.component_name), "component_name");
    free(snapshot.component_name);
    read_file(metadata, text, sizeof text);
    CHECK(0 == strcmp(text, "# Timestamp: Thu Jan  1 00:00:00 1970\n# PID: 4242\n# OPAL CRS Component: self\n"
                            "# CONTEXT: /bin/true restarted\n"), "metadata:\n%s", text);

    pid_t child = -1;
    snapshot.cold_start = true;
    CHECK(OPAL_SUCCESS == crs_module.crs_restart(&snapshot, true, &child) && child > 0, "crs_restart(spawn): pid %d", (int) child);
    int status = 0;
    CHECK(child == waitpid(child, &status, 0) && WIFEXITED(status) && 0 == WEXITSTATUS(status), "restart child status %d", status);

    char **env = NULL;
    CHECK(OPAL_SUCCESS == crs_module.crs_prelaunch(0, NULL, NULL, NULL, NULL, &env) && NULL != env &&
              0 == strcmp(env[0], "OMPI_MCA_opal_cr_is_tool=0") && NULL == env[1], "crs_prelaunch");
    CHECK(OPAL_SUCCESS == crs_module.crs_prelaunch(0, NULL, NULL, NULL, NULL, &env) && NULL == env[1], "prelaunch replaces");
    free(env[0]);
    free(env);
    CHECK(OPAL_SUCCESS == crs_module.crs_finalize(), "crs_finalize");
    printf("CRS self through the copied table after dlclose: disable/enable, checkpoint, restart, prelaunch, init/finalize work\n");

    /* snapc "full" through the copied table: the application role only. */
    CHECK(ORTE_ERR_NOT_SUPPORTED == snapc_module.snapc_init(true, false), "init as HNP");
    CHECK(ORTE_ERR_NOT_SUPPORTED == snapc_module.snapc_init(false, false), "init as orted");
    CHECK(ORTE_ERR_NOT_SUPPORTED == snapc_module.setup_job(1) && ORTE_ERR_NOT_SUPPORTED == snapc_module.release_job(1) &&
              ORTE_ERR_NOT_SUPPORTED == snapc_module.start_ckpt(NULL) && ORTE_ERR_NOT_SUPPORTED == snapc_module.end_ckpt(NULL),
          "coordinator-only operations");
    CHECK(0 == orte_initialized, "ORTE is not initialised in this test");
    CHECK(ORTE_SUCCESS == snapc_module.snapc_init(false, true) && ORTE_SNAPC_UNASSIGN_TYPE == orte_snapc_coord_type,
          "init as an application before ORTE is up: success, nothing started (type %u)", orte_snapc_coord_type);
    CHECK(ORTE_SUCCESS == snapc_module.ft_event(OPAL_CRS_CHECKPOINT), "ft_event without an application coordinator");
    CHECK(ORTE_ERR_NOT_INITIALIZED == snapc_module.request_op(NULL), "request_op without an application coordinator");
    orte_initialized = 1;
    /* This process has no PMIx and no sstore: app_coord_init is refused, naming what is missing. */
    int rc = snapc_module.snapc_init(false, true);
    CHECK(ORTE_SUCCESS != rc && ORTE_SNAPC_APP_COORD_TYPE == orte_snapc_coord_type,
          "init as an application: rc %d (app_coord_init is refused here), type %u", rc, orte_snapc_coord_type);
    CHECK(ORTE_ERR_NOT_INITIALIZED == snapc_module.ft_event(OPAL_CRS_CHECKPOINT), "ft_event reaches app_coord_ft_event");
    CHECK(ORTE_SUCCESS == snapc_module.snapc_finalize() && ORTE_SNAPC_UNASSIGN_TYPE == orte_snapc_coord_type, "finalize");
    orte_initialized = 0;
    printf("snapc full through the copied table after dlclose: application role dispatched, coordinator roles refused\n");

    /* The library is still the same image. */
    void *again = open_component(argv[1]);
    CHECK(dlsym(again, "mca_crs_self_component") == (void *) crs, "reopened: the same image");
    printf("component_structs: all checks passed\n");
    return 0;
}

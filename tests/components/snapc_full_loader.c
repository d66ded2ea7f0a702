/*
 * The REAL Open MPI 4.1 MCA loader loads the installed mca_snapc_full.so: opal_init, the component path
 * extended with the staged component directory, snapc=full, mca_base_framework_open(&orte_snapc_base_framework)
 * (which calls the component's register: the snapc_full_* variables must be registered, with their values from
 * the environment) and orte_snapc_base_select(seed=false, app=true) (query, the module copied into orte_snapc,
 * snapc_init). ORTE is not initialised here, so, as in the original, the application coordinator is not started.
 * Then the copied table is called, the framework closed (snapc_finalize, dlclose) and the copy called again.
 *
 * usage: snapc_full_loader <staged component dir> <Open MPI component dir>
 */
#define _GNU_SOURCE
#include "opal_config.h"
#include "orte_config.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opal/constants.h"
#include "opal/mca/base/base.h"
#include "opal/mca/base/mca_base_var.h"
#include "opal/runtime/opal.h"
#include "orte/constants.h"
#include "orte/mca/snapc/base/base.h"
#include "orte/mca/snapc/snapc.h"
#include "orte/runtime/runtime.h"

#include "check.h"

/* The current value of a registered snapc_full_* variable of type int or bool, as the variable system holds it. */
static int registered_value(const char *name, bool is_bool)
{
    int index = mca_base_var_find("orte", "snapc", "full", name);
    CHECK(index >= 0, "snapc_full_%s is not registered", name);
    const void *value = NULL;
    CHECK(OPAL_SUCCESS == mca_base_var_get_value(index, &value, NULL, NULL) && NULL != value, "value of snapc_full_%s", name);
    return is_bool ? (int) *(const bool *) value : *(const int *) value;
}

int main(int argc, char **argv)
{
    if (3 != argc) {
        fprintf(stderr, "usage: %s <staged component dir> <Open MPI component dir>\n", argv[0]);
        return 2;
    }
    char path[8192];
    snprintf(path, sizeof path, "%s:%s", argv[1], argv[2]);
    setenv("OMPI_MCA_mca_base_component_path", path, 1);
    setenv("OMPI_MCA_snapc", "full", 1);
    setenv("OMPI_MCA_snapc_full_handshake_timeout", "42", 1);
    setenv("OMPI_MCA_snapc_full_skip_app", "1", 1);

    CHECK(OPAL_SUCCESS == opal_init(&argc, &argv), "opal_init");
    CHECK(OPAL_SUCCESS == mca_base_framework_open(&orte_snapc_base_framework, 0), "mca_base_framework_open(snapc)");

    CHECK(42 == registered_value("handshake_timeout", false), "snapc_full_handshake_timeout from the environment");
    CHECK(1800 == registered_value("release_timeout", false) && 1800 == registered_value("reply_timeout", false) &&
              600 == registered_value("term_timeout", false), "the other timeouts keep their defaults");
    CHECK(20 == registered_value("priority", false) && 0 == registered_value("verbose", false), "priority and verbose");
    bool *skip_app = dlsym(RTLD_DEFAULT, "orte_snapc_full_skip_app");
    CHECK(NULL != skip_app && *skip_app && 1 == registered_value("skip_app", true),
          "snapc_full_skip_app is registered with the storage orte_snapc_full_skip_app");
    printf("the real MCA loader registered snapc_full_{priority,verbose,skip_app,handshake,release,reply,term_timeout}\n");

    CHECK(0 == orte_initialized, "ORTE is not initialised in this test");
    CHECK(ORTE_SUCCESS == orte_snapc_base_select(false, true), "orte_snapc_base_select(seed=false, app=true)");
    const orte_snapc_base_module_t snapc = orte_snapc;
    void *slots[8] = {snapc.snapc_init, snapc.snapc_finalize, snapc.setup_job, snapc.release_job, snapc.ft_event,
                      snapc.start_ckpt, snapc.end_ckpt, snapc.request_op};
    for (int i = 0; i < 8; ++i) {
        CHECK(NULL != slots[i], "orte_snapc slot %d is NULL", i);
    }
    CHECK(ORTE_SNAPC_UNASSIGN_TYPE == orte_snapc_coord_type, "before ORTE is up the application coordinator is not started");
    CHECK(ORTE_ERR_NOT_SUPPORTED == snapc.setup_job(1), "setup_job");
    CHECK(ORTE_SUCCESS == snapc.ft_event(1), "ft_event without an application coordinator");
    CHECK(ORTE_ERR_NOT_INITIALIZED == snapc.request_op(NULL), "request_op without an application coordinator");
    printf("orte_snapc_base_select chose \"full\": 8 slots, application role only, not started before ORTE is up\n");

    CHECK(OPAL_SUCCESS == mca_base_framework_close(&orte_snapc_base_framework), "mca_base_framework_close(snapc)");
    CHECK(ORTE_SUCCESS == snapc.snapc_finalize() && ORTE_ERR_NOT_SUPPORTED == snapc.end_ckpt(NULL),
          "the copied table after the framework closed and dlclose'd the component");
    opal_finalize();
    printf("snapc_full_loader: all checks passed\n");
    return 0;
}

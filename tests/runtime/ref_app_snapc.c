/*
 * The snapc framework of an application process, as Open MPI <= 3.1 ran it (orte_ess_base_app_setup):
 * the real libopen-rte opens orte_snapc_base_framework, orte_snapc_base_select(seed=false, app=true)
 * picks the "full" component found in a component directory, copies its module into orte_snapc and calls
 * its snapc_init - which, for snapc "full", starts the application coordinator (app_coord_init).
 */
#define _GNU_SOURCE
#include "ref_app.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "opal/mca/base/mca_base_component_repository.h"
#include "opal/mca/base/mca_base_framework.h"
#include "opal/mca/base/mca_base_var.h"
#include "orte/constants.h"
#include "orte/mca/snapc/base/base.h"
#include "orte/mca/snapc/snapc.h"

static bool framework_opened;

int ref_snapc_select(const char *component_dir)
{
    char b1[PATH_MAX + 16];
    char *env_name = NULL;
    if (OPAL_SUCCESS == mca_base_var_env_name("snapc", &env_name)) {
        setenv(env_name, "full", 0);
    }
    free(env_name);
    int rc = mca_base_component_repository_add(component_dir);
    if (ORTE_SUCCESS == rc) {
        rc = mca_base_framework_open(&orte_snapc_base_framework, 0);
        framework_opened = ORTE_SUCCESS == rc;
    }
    if (ORTE_SUCCESS == rc) {
        rc = orte_snapc_base_select(false, true); /* an application process: not the HNP (seed), an app */
    }
    ref_out("SNAPC selected vpid=%u rc=%d dir=%s ft_event=%d request_op=%d", orte_process_info.my_name.vpid, rc,
            ref_token(component_dir, b1, sizeof(b1)), NULL != orte_snapc.ft_event, NULL != orte_snapc.request_op);
    return rc;
}

int ref_snapc_finalize(void)
{
    if (!framework_opened) {
        return ORTE_SUCCESS;
    }
    int rc = NULL == orte_snapc.snapc_finalize ? ORTE_SUCCESS : orte_snapc.snapc_finalize();
    /* the framework's close calls snapc_finalize too: the coordinator is finalized once, here */
    orte_snapc.snapc_finalize = NULL;
    mca_base_framework_close(&orte_snapc_base_framework);
    framework_opened = false;
    ref_out("SNAPC finalized vpid=%u rc=%d", orte_process_info.my_name.vpid, rc);
    return rc;
}

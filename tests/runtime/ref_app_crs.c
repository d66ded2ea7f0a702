/*
 * The CRS and the coordination chain of ref_app.
 *
 * CRS "refnoop": a test checkpointer in the host's opal_crs table (copied by value, as
 * opal_crs_base_select does). It saves no process image: it records itself in the snapshot's
 * metadata file ("# OPAL CRS Component: refnoop"), names itself on the caller's snapshot and reports
 * CONTINUE - or, as configured per checkpoint, ERROR, RESTART, a failure that leaves the state as it
 * was (RUNNING), a delay, or no component name.
 *
 * Coordination chain: Open MPI <= 3.1 reached the coordinator's ft_event through
 * ompi_cr_coord -> orte_cr_coord -> opal_cr_coord, orte_cr_coord calling the ESS (and so snapc's
 * ft_event) BEFORE the OPAL layer for CHECKPOINT and AFTER it for CONTINUE/RESTART/others, and
 * returning the OPAL layer's status only (orte/runtime/orte_cr.c at v3.1.0). The callback below takes
 * orte_cr_coord's place, with app_coord_ft_event in the ESS's place.
 *
 * Below it, by default, the real opal_cr_coord is called directly. In a 4.1.4 MPI process the
 * previously registered callback is ompi_cr_coord (MPI_Init's ompi_cr_init registers it even without
 * FT), and that one is unusable: its CHECKPOINT and CONTINUE/RESTART phases walk every communicator's
 * collective modules (notify_collectives) and dereference a communicator whose c_coll is NULL - a
 * SIGSEGV at address 0x8 on the first checkpoint (measured). "--coord-prev registered" calls it anyway,
 * "--coord-prev none" calls nothing below. The step coord-exists:<n> makes the next n CHECKPOINT calls
 * return OPAL_EXISTS at once, as ompi_cr_coord does while crcp/bkmrk waits for in-flight messages;
 * coord-delay:<ms> makes every later non-CHECKPOINT call (the recovery) take that long.
 */
#define _GNU_SOURCE
#include "ref_app.h"

#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "opal/mca/base/mca_base_component_repository.h"
#include "opal/mca/base/mca_base_framework.h"
#include "opal/mca/base/mca_base_var.h"
#include "opal/mca/crs/base/base.h"
#include "opal/mca/crs/crs.h"
#include "opal/runtime/opal_cr.h"
#include "orte/constants.h"

enum crs_outcome { OUTCOME_CONTINUE, OUTCOME_ERROR, OUTCOME_RESTART, OUTCOME_FAIL };

typedef struct {
    enum crs_outcome outcome;
    bool noname;
    int sleep_ms;
} crs_behaviour_t;

#define MAX_BEHAVIOURS 32

static crs_behaviour_t behaviours[MAX_BEHAVIOURS];
static int behaviour_count;
static atomic_uint calls_since_spec;
static atomic_uint calls_total;

static const char *outcome_name(enum crs_outcome o)
{
    switch (o) {
    case OUTCOME_CONTINUE: return "continue";
    case OUTCOME_ERROR: return "error";
    case OUTCOME_RESTART: return "restart";
    case OUTCOME_FAIL: return "fail";
    }
    return "?";
}

static int parse_behaviour(char *text, crs_behaviour_t *b)
{
    memset(b, 0, sizeof(*b));
    char *save = NULL;
    for (char *flag = strtok_r(text, ",", &save); NULL != flag; flag = strtok_r(NULL, ",", &save)) {
        if (0 == strcmp(flag, "continue")) {
            b->outcome = OUTCOME_CONTINUE;
        } else if (0 == strcmp(flag, "error")) {
            b->outcome = OUTCOME_ERROR;
        } else if (0 == strcmp(flag, "restart")) {
            b->outcome = OUTCOME_RESTART;
        } else if (0 == strcmp(flag, "fail")) {
            b->outcome = OUTCOME_FAIL;
        } else if (0 == strcmp(flag, "noname")) {
            b->noname = true;
        } else if (0 == strncmp(flag, "sleep=", 6)) {
            char *end = NULL;
            long ms = strtol(flag + 6, &end, 10);
            if (end == flag + 6 || '\0' != *end || ms < 0 || ms > 600000) {
                return -1;
            }
            b->sleep_ms = (int)ms;
        } else {
            return -1;
        }
    }
    return 0;
}

int ref_crs_set_spec(const char *spec)
{
    crs_behaviour_t parsed[MAX_BEHAVIOURS];
    int count = 0;
    char *copy = strdup(NULL == spec ? "" : spec);
    if (NULL == copy) {
        return -1;
    }
    char *save = NULL;
    int rc = 0;
    for (char *one = strtok_r(copy, ";", &save); NULL != one; one = strtok_r(NULL, ";", &save)) {
        if (count == MAX_BEHAVIOURS || 0 != parse_behaviour(one, &parsed[count])) {
            rc = -1;
            break;
        }
        ++count;
    }
    free(copy);
    if (0 != rc) {
        fprintf(stderr, "ref_app: bad CRS spec '%s' (continue|error|restart|fail|noname|sleep=<ms>, "
                        "',' within a checkpoint, ';' between checkpoints)\n", spec);
        return -1;
    }
    if (0 == count) {
        memset(&parsed[0], 0, sizeof(parsed[0]));
        count = 1;
    }
    memcpy(behaviours, parsed, sizeof(parsed[0]) * (size_t)count);
    behaviour_count = count;
    atomic_store(&calls_since_spec, 0);
    return 0;
}

unsigned ref_crs_checkpoint_calls(void)
{
    return atomic_load(&calls_total);
}

static int crs_checkpoint(pid_t pid, opal_crs_base_snapshot_t *snapshot, opal_crs_base_ckpt_options_t *options,
                          opal_crs_state_type_t *state)
{
    char b1[512], b2[512];
    unsigned index = atomic_fetch_add(&calls_since_spec, 1);
    unsigned call = atomic_fetch_add(&calls_total, 1) + 1;
    const crs_behaviour_t *b = &behaviours[index < (unsigned)behaviour_count ? index : (unsigned)behaviour_count - 1];
    ref_out("CRS checkpoint vpid=%u call=%u pid=%d dir=%s meta=%s term=%d stop=%d outcome=%s%s sleep=%d",
            orte_process_info.my_name.vpid, call, (int)pid,
            ref_token(NULL == snapshot ? NULL : snapshot->snapshot_directory, b1, sizeof(b1)),
            ref_token(NULL == snapshot ? NULL : snapshot->metadata_filename, b2, sizeof(b2)),
            NULL != options && options->term, NULL != options && options->stop, outcome_name(b->outcome),
            b->noname ? ",noname" : "", b->sleep_ms);
    if (NULL == snapshot || NULL == state) {
        if (NULL != state) {
            *state = OPAL_CRS_ERROR;
        }
        return OPAL_ERR_BAD_PARAM;
    }
    if (b->sleep_ms > 0) {
        struct timespec ts = {b->sleep_ms / 1000, (long)(b->sleep_ms % 1000) * 1000000L};
        while (0 != nanosleep(&ts, &ts) && EINTR == errno) {
        }
    }
    int rc = OPAL_SUCCESS;
    if (OUTCOME_FAIL == b->outcome) {
        rc = OPAL_ERROR; /* state left alone: the caller still holds RUNNING */
    } else {
        if (NULL != snapshot->metadata_filename) {
            FILE *f = fopen(snapshot->metadata_filename, "a");
            if (NULL == f || fprintf(f, "%srefnoop\n", CRS_METADATA_COMP) < 0 || 0 != fclose(f)) {
                ref_out("CRS metadata vpid=%u error=%s", orte_process_info.my_name.vpid, strerror(errno));
                rc = OPAL_ERROR;
            }
        }
        if (!b->noname) {
            free(snapshot->component_name);
            snapshot->component_name = strdup("refnoop");
        }
        if (OPAL_SUCCESS != rc || OUTCOME_ERROR == b->outcome) {
            *state = OPAL_CRS_ERROR;
            rc = OPAL_ERROR;
        } else if (OUTCOME_RESTART == b->outcome) {
            *state = OPAL_CRS_RESTART;
        } else {
            *state = OPAL_CRS_CONTINUE;
        }
    }
    ref_out("CRS result vpid=%u call=%u rc=%d state=%d", orte_process_info.my_name.vpid, call, rc, (int)*state);
    return rc;
}

static int crs_ok(void)
{
    return OPAL_SUCCESS;
}

static int crs_restart(opal_crs_base_snapshot_t *snapshot, bool spawn_child, pid_t *child_pid)
{
    (void)snapshot, (void)spawn_child, (void)child_pid;
    return OPAL_ERR_NOT_SUPPORTED;
}

static int crs_prelaunch(int32_t rank, char *base_snapshot_dir, char **app, char **cwd, char ***argv, char ***env)
{
    (void)rank, (void)base_snapshot_dir, (void)app, (void)cwd, (void)argv, (void)env;
    return OPAL_SUCCESS;
}

int ref_crs_install(const char *spec, const char *selected_name)
{
    if (0 != ref_crs_set_spec(spec)) {
        return -1;
    }
    opal_crs_base_module_t module = {
        .crs_init = crs_ok,
        .crs_finalize = crs_ok,
        .crs_checkpoint = crs_checkpoint,
        .crs_restart = crs_restart,
        .crs_disable_checkpoint = crs_ok,
        .crs_enable_checkpoint = crs_ok,
        .crs_prelaunch = crs_prelaunch,
        .crs_reg_thread = crs_ok,
    };
    opal_crs = module; /* by value, as opal_crs_base_select copies the winner */
    snprintf(opal_crs_base_selected_component.base_version.mca_type_name,
             sizeof(opal_crs_base_selected_component.base_version.mca_type_name), "crs");
    snprintf(opal_crs_base_selected_component.base_version.mca_component_name,
             sizeof(opal_crs_base_selected_component.base_version.mca_component_name), "%s",
             NULL == selected_name ? "refnoop" : selected_name);
    return 0;
}

/* ---- a CRS component selected by the real MCA framework ---------------------------------------- */

static bool framework_opened;

int ref_crs_select(const char *component_dir, const char *name)
{
    char b1[PATH_MAX + 16];
    char *env_name = NULL;
    /* the selection variable is read when the framework registers; a restart passes its own value down */
    if (OPAL_SUCCESS == mca_base_var_env_name("crs", &env_name) && NULL != name) {
        setenv(env_name, name, 0);
    }
    free(env_name);
    /* what mca_base_component_path does at start-up, for a directory named later */
    int rc = mca_base_component_repository_add(component_dir);
    if (OPAL_SUCCESS == rc) {
        opal_cr_is_enabled = true; /* opal_crs_base_select selects nothing otherwise */
        rc = mca_base_framework_open(&opal_crs_base_framework, 0);
        framework_opened = OPAL_SUCCESS == rc;
    }
    if (OPAL_SUCCESS == rc) {
        rc = opal_crs_base_select(); /* query, copy the module by value, crs_init */
    }
    const char *selected = opal_crs_base_selected_component.base_version.mca_component_name;
    if (OPAL_SUCCESS == rc && (NULL == opal_crs.crs_checkpoint || (NULL != name && 0 != strcmp(selected, name)))) {
        rc = OPAL_ERR_NOT_FOUND;
    }
    ref_out("CRS selected vpid=%u component=%s dir=%s rc=%d", orte_process_info.my_name.vpid,
            '\0' == selected[0] ? "(none)" : selected, ref_token(component_dir, b1, sizeof(b1)), rc);
    return rc;
}

void ref_crs_close(void)
{
    if (framework_opened) {
        /* crs_finalize, then the components are closed and unloaded */
        mca_base_framework_close(&opal_crs_base_framework);
        framework_opened = false;
    }
}

/* ---- the coordination callback chain ---------------------------------------------------------- */

static int (*coord_ft_event)(int state);
static opal_cr_coord_callback_fn_t coord_below;
static const char *coord_below_name;
static bool coord_chain_restart;

static atomic_uint coord_exists_left;
static atomic_int coord_delay_ms;

void ref_coord_exists(unsigned count)
{
    atomic_store(&coord_exists_left, count);
}

void ref_coord_delay(int ms)
{
    atomic_store(&coord_delay_ms, ms);
}

static int host_coord(int state)
{
    int rc_ft = OPAL_SUCCESS, rc_below = OPAL_SUCCESS;
    unsigned left = atomic_load(&coord_exists_left);
    if (OPAL_CRS_CHECKPOINT == state && left > 0) {
        /* like ompi_cr_coord when the PML must drain in-flight messages (crcp/bkmrk): ask for a stall and
         * return before the layers below, so ft_event is not reached in this round */
        atomic_store(&coord_exists_left, left - 1);
        opal_cr_stall_check = true;
        ref_out("COORD vpid=%u state=%d exists=1 left=%u cr_state=%d", orte_process_info.my_name.vpid, state,
                left - 1, opal_cr_checkpointing_state);
        return OPAL_EXISTS;
    }
    bool call_below = NULL != coord_below && (OPAL_CRS_RESTART != state || coord_chain_restart);
    if (OPAL_CRS_CHECKPOINT == state) {
        rc_ft = coord_ft_event(state);
        if (call_below) {
            rc_below = coord_below(state);
        }
    } else {
        if (call_below) {
            rc_below = coord_below(state);
        }
        rc_ft = coord_ft_event(state);
    }
    ref_out("COORD vpid=%u state=%d ft_event=%d below=%s rc=%d cr_state=%d", orte_process_info.my_name.vpid, state,
            rc_ft, call_below ? coord_below_name : "skipped", rc_below, opal_cr_checkpointing_state);
    int delay = atomic_load(&coord_delay_ms);
    if (OPAL_CRS_CHECKPOINT != state && delay > 0) {
        /* a slow recovery: keeps the process between its final state and stage 3 for a while */
        struct timespec ts = {delay / 1000, (long)(delay % 1000) * 1000000L};
        while (0 != nanosleep(&ts, &ts) && EINTR == errno) {
        }
    }
    /* like orte_cr_coord: the ft_event status is reported, the lower layer's is returned */
    return rc_below;
}

int ref_coord_install(int (*ft_event)(int state), const char *below, bool chain_restart)
{
    opal_cr_coord_callback_fn_t registered = NULL;
    coord_ft_event = ft_event;
    coord_chain_restart = chain_restart;
    opal_cr_reg_coord_callback(host_coord, &registered);
    if (0 == strcmp(below, "opal")) {
        coord_below = opal_cr_coord;
        coord_below_name = "opal_cr_coord";
    } else if (0 == strcmp(below, "registered")) {
        coord_below = registered;
        coord_below_name = "registered";
    } else if (0 == strcmp(below, "none")) {
        coord_below = NULL;
        coord_below_name = "none";
    } else {
        fprintf(stderr, "ref_app: --coord-prev must be opal, registered or none\n");
        return -1;
    }
    ref_out("COORD installed vpid=%u below=%s registered_previous=%s", orte_process_info.my_name.vpid, coord_below_name,
            NULL == registered ? "none" : registered == opal_cr_coord ? "opal_cr_coord" : "other(ompi_cr_coord)");
    return 0;
}

/*
 * native_snapc/crs.h: the Checkpoint/Restart Service interface (opal/mca/crs/crs.h) and the parts
 * of opal/runtime/opal_cr.h the application coordinator uses (checkpoint command states, the
 * notify callback, named-pipe names, timer slots).
 *
 * Layouts are those of Open MPI 4.1 built with OPAL_ENABLE_DEBUG=0 and OPAL_ENABLE_CRDEBUG=0.
 */
#ifndef NATIVE_SNAPC_CRS_H
#define NATIVE_SNAPC_CRS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "mca.h"
#include "opal.h"

#ifdef __cplusplus
extern "C" {
#endif

/* enum opal_crs_state_type_t: 4 bytes. The state argument of every ft_event function. */
typedef enum nsnapc_opal_crs_state_type_t {
    NSNAPC_OPAL_CRS_NONE = 0,
    NSNAPC_OPAL_CRS_CHECKPOINT = 1,
    NSNAPC_OPAL_CRS_RESTART_PRE = 2,
    NSNAPC_OPAL_CRS_RESTART = 3,
    NSNAPC_OPAL_CRS_CONTINUE = 4,
    NSNAPC_OPAL_CRS_TERM = 5,
    NSNAPC_OPAL_CRS_RUNNING = 6,
    NSNAPC_OPAL_CRS_ERROR = 7,
    NSNAPC_OPAL_CRS_STATE_MAX = 8
} nsnapc_opal_crs_state_type_t;

/*
 * struct opal_crs_base_ckpt_options_1_0_0_t (opal_crs_base_ckpt_options_t): 24 bytes.
 * A CRDEBUG build adds attach_debugger/detach_debugger in the padding after inc_recover_only.
 */
typedef struct nsnapc_opal_crs_base_ckpt_options_1_0_0_t {
    nsnapc_opal_object_t super;
    bool term;
    bool stop;
    bool inc_prep_only;
    bool inc_recover_only;
} nsnapc_opal_crs_base_ckpt_options_t;

/*
 * struct opal_crs_base_snapshot_1_0_0_t (opal_crs_base_snapshot_t): 80 bytes. The class destructor
 * frees metadata_filename and snapshot_directory and fcloses metadata, so they must come from
 * malloc/fopen; it does not free component_name.
 */
typedef struct nsnapc_opal_crs_base_snapshot_1_0_0_t {
    nsnapc_opal_list_item_t super;
    char *component_name;
    char *metadata_filename;
    FILE *metadata;
    char *snapshot_directory;
    bool cold_start;
} nsnapc_opal_crs_base_snapshot_t;

/* The slots of the CRS module table (opal_crs_base_module_*_fn_t). */
typedef int (*nsnapc_opal_crs_base_module_init_fn_t)(void);
typedef int (*nsnapc_opal_crs_base_module_finalize_fn_t)(void);
typedef int (*nsnapc_opal_crs_base_module_checkpoint_fn_t)(pid_t pid,
                                                           nsnapc_opal_crs_base_snapshot_t *snapshot,
                                                           nsnapc_opal_crs_base_ckpt_options_t *options,
                                                           nsnapc_opal_crs_state_type_t *state);
typedef int (*nsnapc_opal_crs_base_module_restart_fn_t)(nsnapc_opal_crs_base_snapshot_t *snapshot,
                                                        bool spawn_child, pid_t *child_pid);
typedef int (*nsnapc_opal_crs_base_module_disable_checkpoint_fn_t)(void);
typedef int (*nsnapc_opal_crs_base_module_enable_checkpoint_fn_t)(void);
typedef int (*nsnapc_opal_crs_base_module_prelaunch_fn_t)(int32_t rank, char *base_snapshot_dir,
                                                          char **app, char **cwd, char ***argv,
                                                          char ***env);
typedef int (*nsnapc_opal_crs_base_module_reg_thread_fn_t)(void);

/*
 * struct opal_crs_base_component_2_0_0_t (opal_crs_base_component_t): 272 bytes. The host copies
 * the selected component by value into opal_crs_base_selected_component.
 */
typedef struct nsnapc_opal_crs_base_component_2_0_0_t {
    nsnapc_mca_base_component_t base_version;
    nsnapc_mca_base_component_data_t base_data;
    int verbose;
    int output_handle;
    int priority;
} nsnapc_opal_crs_base_component_t;

/*
 * struct opal_crs_base_module_1_0_0_t (opal_crs_base_module_t): 64 bytes, 8 slots. The host copies
 * the table by value into the global opal_crs.
 */
typedef struct nsnapc_opal_crs_base_module_1_0_0_t {
    nsnapc_opal_crs_base_module_init_fn_t crs_init;
    nsnapc_opal_crs_base_module_finalize_fn_t crs_finalize;
    nsnapc_opal_crs_base_module_checkpoint_fn_t crs_checkpoint;
    nsnapc_opal_crs_base_module_restart_fn_t crs_restart;
    nsnapc_opal_crs_base_module_disable_checkpoint_fn_t crs_disable_checkpoint;
    nsnapc_opal_crs_base_module_enable_checkpoint_fn_t crs_enable_checkpoint;
    nsnapc_opal_crs_base_module_prelaunch_fn_t crs_prelaunch;
    nsnapc_opal_crs_base_module_reg_thread_fn_t crs_reg_thread;
} nsnapc_opal_crs_base_module_t;

/* ---------------------------------------------------------------------------------------------
 * opal/runtime/opal_cr.h
 * ------------------------------------------------------------------------------------------- */

/*
 * enum opal_cr_ckpt_cmd_state_t: 4 bytes. The first four values are the notify callback's
 * argument (and the app's answer on the named pipe); the rest are the values of the
 * opal_cr_checkpoint_request / opal_cr_checkpointing_state globals.
 */
typedef enum nsnapc_opal_cr_ckpt_cmd_state_t {
    NSNAPC_OPAL_CHECKPOINT_CMD_START = 0,
    NSNAPC_OPAL_CHECKPOINT_CMD_IN_PROGRESS = 1,
    NSNAPC_OPAL_CHECKPOINT_CMD_NULL = 2,
    NSNAPC_OPAL_CHECKPOINT_CMD_ERROR = 3,
    NSNAPC_OPAL_CR_STATUS_NONE = 4,
    NSNAPC_OPAL_CR_STATUS_REQUESTED = 5,
    NSNAPC_OPAL_CR_STATUS_RUNNING = 6,
    NSNAPC_OPAL_CR_STATUS_TERM = 7,
    NSNAPC_OPAL_CR_STATUS_CONTINUE = 8,
    NSNAPC_OPAL_CR_STATUS_RESTART_PRE = 9,
    NSNAPC_OPAL_CR_STATUS_RESTART_POST = 10
} nsnapc_opal_cr_ckpt_cmd_state_t;

/* opal_cr_notify_callback_fn_t: registered with opal_cr_reg_notify_callback. */
typedef int (*nsnapc_opal_cr_notify_callback_fn_t)(nsnapc_opal_cr_ckpt_cmd_state_t);

/* Named-pipe base names: "<opal_cr_pipe_dir>/<name>.<pid>_<id>". */
#define NSNAPC_OPAL_CR_NAMED_PROG_R  "opal_cr_prog_read"
#define NSNAPC_OPAL_CR_NAMED_PROG_W  "opal_cr_prog_write"
#define NSNAPC_OPAL_CR_BASE_ENV_NAME "opal_cr_restart-env"

/* The timer slots the application coordinator sets (opal_cr_set_time). */
#define NSNAPC_OPAL_CR_TIMER_ENTRY0 0
#define NSNAPC_OPAL_CR_TIMER_ENTRY1 1
#define NSNAPC_OPAL_CR_TIMER_ENTRY2 2
#define NSNAPC_OPAL_CR_TIMER_ENTRY3 19
#define NSNAPC_OPAL_CR_TIMER_ENTRY4 20
#define NSNAPC_OPAL_CR_TIMER_MAX    21

#ifdef __cplusplus
}
#endif

#endif /* NATIVE_SNAPC_CRS_H */

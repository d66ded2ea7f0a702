/*
 * native_snapc/snapc.h: the snapshot-coordination framework (orte/mca/snapc/snapc.h,
 * orte/mca/snapc/base/base.h, the component-private orte/mca/snapc/full/snapc_full.h) and the
 * pieces of RML (orte/mca/rml/rml_types.h) and sstore (orte/mca/sstore/sstore.h) the application
 * coordinator talks through.
 *
 * Layouts are those of Open MPI 4.1 built with OPAL_ENABLE_DEBUG=0.
 */
#ifndef NATIVE_SNAPC_SNAPC_H
#define NATIVE_SNAPC_SNAPC_H

#include <stdbool.h>
#include <stdint.h>

#include "mca.h"
#include "opal.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------------
 * Stable storage (orte/mca/sstore/sstore.h)
 * ------------------------------------------------------------------------------------------- */

typedef uint32_t nsnapc_orte_sstore_base_handle_t;
typedef uint32_t nsnapc_orte_sstore_base_key_t;

#define NSNAPC_ORTE_SSTORE_HANDLE         NSNAPC_OPAL_UINT32 /* DSS type of a handle */
#define NSNAPC_ORTE_SSTORE_HANDLE_INVALID 0

/* Metadata keys of orte_sstore.get_attr/set_attr. */
#define NSNAPC_SSTORE_METADATA_LOCAL_CRS_COMP          0
#define NSNAPC_SSTORE_METADATA_LOCAL_COMPRESS_COMP     1
#define NSNAPC_SSTORE_METADATA_LOCAL_COMPRESS_POSTFIX  2
#define NSNAPC_SSTORE_METADATA_LOCAL_PID               3
#define NSNAPC_SSTORE_METADATA_LOCAL_CONTEXT           4
#define NSNAPC_SSTORE_METADATA_LOCAL_MKDIR             5
#define NSNAPC_SSTORE_METADATA_LOCAL_TOUCH             6
#define NSNAPC_SSTORE_METADATA_LOCAL_SNAP_REF          7
#define NSNAPC_SSTORE_METADATA_LOCAL_SNAP_REF_FMT      8
#define NSNAPC_SSTORE_METADATA_LOCAL_SNAP_LOC          9
#define NSNAPC_SSTORE_METADATA_LOCAL_SNAP_REF_LOC_FMT  10
#define NSNAPC_SSTORE_METADATA_LOCAL_SNAP_META         11
#define NSNAPC_SSTORE_METADATA_GLOBAL_SNAP_REF         12
#define NSNAPC_SSTORE_METADATA_GLOBAL_SNAP_LOC         13
#define NSNAPC_SSTORE_METADATA_GLOBAL_SNAP_LOC_ABS     14
#define NSNAPC_SSTORE_METADATA_GLOBAL_SNAP_META        15
#define NSNAPC_SSTORE_METADATA_GLOBAL_SNAP_SEQ         16
#define NSNAPC_SSTORE_METADATA_GLOBAL_AMCA_PARAM       17
#define NSNAPC_SSTORE_METADATA_GLOBAL_SNAP_NUM_SEQ     18
#define NSNAPC_SSTORE_METADATA_GLOBAL_SNAP_ALL_SEQ     19
#define NSNAPC_SSTORE_METADATA_BASE_LOC                20
#define NSNAPC_SSTORE_METADATA_LOCAL_SKIP_CKPT         21
#define NSNAPC_SSTORE_METADATA_GLOBAL_MIGRATING        22
#define NSNAPC_SSTORE_METADATA_GLOBAL_TUNE_PARAM       23
#define NSNAPC_SSTORE_METADATA_MAX                     24

/* ---------------------------------------------------------------------------------------------
 * RML (orte/mca/rml/rml_types.h)
 * ------------------------------------------------------------------------------------------- */

typedef uint32_t nsnapc_orte_rml_tag_t;
/* 4.1's send_buffer_nb takes a conduit first; the app passes (uint16_t)orte_mgmt_conduit. */
typedef uint16_t nsnapc_orte_rml_conduit_t;

#define NSNAPC_ORTE_RML_TAG_INVALID    0
#define NSNAPC_ORTE_RML_TAG_CKPT       13
#define NSNAPC_ORTE_RML_TAG_SNAPC      24 /* app -> local daemon */
#define NSNAPC_ORTE_RML_TAG_SNAPC_FULL 25 /* app <-> HNP */

#define NSNAPC_ORTE_RML_PERSISTENT     true
#define NSNAPC_ORTE_RML_NON_PERSISTENT false

#define NSNAPC_ORTE_RML_CONDUIT_INVALID 0xff

/* ---------------------------------------------------------------------------------------------
 * Commands, coordinator types and checkpoint states (snapc/base/base.h, snapc_full.h, snapc.h)
 * ------------------------------------------------------------------------------------------- */

/* orte_snapc_cmd_flag_t: first item of a message on ORTE_RML_TAG_SNAPC. */
typedef uint8_t nsnapc_orte_snapc_cmd_flag_t;
#define NSNAPC_ORTE_SNAPC_CMD               NSNAPC_OPAL_UINT8 /* its DSS type */
#define NSNAPC_ORTE_SNAPC_GLOBAL_INIT_CMD   1
#define NSNAPC_ORTE_SNAPC_GLOBAL_TERM_CMD   2
#define NSNAPC_ORTE_SNAPC_GLOBAL_UPDATE_CMD 3
#define NSNAPC_ORTE_SNAPC_LOCAL_UPDATE_CMD  4
#define NSNAPC_ORTE_SNAPC_LOCAL_FINISH_CMD  5

/*
 * orte_snapc_full_cmd_flag_t: first item of a message on ORTE_RML_TAG_SNAPC_FULL. Component-private
 * (snapc_full.h is not installed), so these values are checked against the v4.1.4 source only.
 */
typedef uint8_t nsnapc_orte_snapc_full_cmd_flag_t;
#define NSNAPC_ORTE_SNAPC_FULL_CMD                          NSNAPC_OPAL_UINT8 /* its DSS type */
#define NSNAPC_ORTE_SNAPC_FULL_UPDATE_JOB_STATE_CMD         1
#define NSNAPC_ORTE_SNAPC_FULL_UPDATE_JOB_STATE_QUICK_CMD   2
#define NSNAPC_ORTE_SNAPC_FULL_UPDATE_ORTED_STATE_CMD       3
#define NSNAPC_ORTE_SNAPC_FULL_UPDATE_ORTED_STATE_QUICK_CMD 4
#define NSNAPC_ORTE_SNAPC_FULL_VPID_ASSOC_CMD               5
#define NSNAPC_ORTE_SNAPC_FULL_ESTABLISH_DIR_CMD            6
#define NSNAPC_ORTE_SNAPC_FULL_RESTART_PROC_INFO            7
#define NSNAPC_ORTE_SNAPC_FULL_REQUEST_OP_CMD               8
#define NSNAPC_ORTE_SNAPC_FULL_MAX                          9

/* orte_snapc_coord_type_t: bits of the global orte_snapc_coord_type. */
typedef uint32_t nsnapc_orte_snapc_coord_type_t;
#define NSNAPC_ORTE_SNAPC_UNASSIGN_TYPE     0
#define NSNAPC_ORTE_SNAPC_GLOBAL_COORD_TYPE 1
#define NSNAPC_ORTE_SNAPC_LOCAL_COORD_TYPE  2
#define NSNAPC_ORTE_SNAPC_APP_COORD_TYPE    4

/* Checkpoint states of a job or process. */
#define NSNAPC_ORTE_SNAPC_CKPT_STATE_ERROR          0
#define NSNAPC_ORTE_SNAPC_CKPT_STATE_NONE           1
#define NSNAPC_ORTE_SNAPC_CKPT_STATE_REQUEST        2
#define NSNAPC_ORTE_SNAPC_CKPT_STATE_PENDING        3
#define NSNAPC_ORTE_SNAPC_CKPT_STATE_RUNNING        4
#define NSNAPC_ORTE_SNAPC_CKPT_STATE_INC_PREPED     5
#define NSNAPC_ORTE_SNAPC_CKPT_STATE_STOPPED        6
#define NSNAPC_ORTE_SNAPC_CKPT_STATE_FINISHED_LOCAL 7
#define NSNAPC_ORTE_SNAPC_CKPT_STATE_MIGRATING      8
#define NSNAPC_ORTE_SNAPC_CKPT_STATE_ESTABLISHED    9
#define NSNAPC_ORTE_SNAPC_CKPT_STATE_RECOVERED      10
#define NSNAPC_ORTE_SNAPC_CKPT_STATE_NO_CKPT        11
#define NSNAPC_ORTE_SNAPC_CKPT_STATE_NO_RESTART     12
#define NSNAPC_ORTE_SNAPC_CKPT_MAX                  13
/* ORTE_SNAPC_CKPT_NOTIFY(state) adds it, so that an int that is >= it is a snapc state. */
#define NSNAPC_ORTE_SNAPC_CKPT_SHIFT                131072

/* ---------------------------------------------------------------------------------------------
 * Request operations (orte/mca/snapc/snapc.h)
 * ------------------------------------------------------------------------------------------- */

/* orte_snapc_base_request_op_event_t (an untagged enum): 4 bytes. */
typedef enum nsnapc_orte_snapc_base_request_op_event_t {
    NSNAPC_ORTE_SNAPC_OP_NONE = 0,
    NSNAPC_ORTE_SNAPC_OP_INIT = 1,
    NSNAPC_ORTE_SNAPC_OP_FIN = 2,
    NSNAPC_ORTE_SNAPC_OP_FIN_ACK = 3,
    NSNAPC_ORTE_SNAPC_OP_CHECKPOINT = 4,
    NSNAPC_ORTE_SNAPC_OP_RESTART = 5,
    NSNAPC_ORTE_SNAPC_OP_MIGRATE = 6,
    NSNAPC_ORTE_SNAPC_OP_QUIESCE_START = 7,
    NSNAPC_ORTE_SNAPC_OP_QUIESCE_CHECKPOINT = 8,
    NSNAPC_ORTE_SNAPC_OP_QUIESCE_END = 9
} nsnapc_orte_snapc_base_request_op_event_t;

/*
 * struct orte_snapc_base_request_op_1_0_0_t (orte_snapc_base_request_op_t): 80 bytes. The caller
 * owns the object; its destructor frees global_handle (so store only malloc'ed strings there) but
 * not the mig_* arrays. mig_host_pref points to mig_num rows of OPAL_MAX_PROCESSOR_NAME chars.
 */
typedef struct nsnapc_orte_snapc_base_request_op_1_0_0_t {
    nsnapc_opal_object_t super;
    nsnapc_orte_snapc_base_request_op_event_t event;
    bool is_active;
    int leader;
    int seq_num;
    char *global_handle;
    nsnapc_orte_sstore_base_handle_t ss_handle;
    int mig_num;
    int *mig_vpids;
    char (*mig_host_pref)[NSNAPC_OPAL_MAX_PROCESSOR_NAME];
    int *mig_vpid_pref;
    int *mig_off_node;
} nsnapc_orte_snapc_base_request_op_t;

/*
 * struct orte_snapc_base_quiesce_1_0_0_t: only the global coordinator looks inside; the module
 * table passes it by pointer, so it stays opaque here.
 */
typedef struct nsnapc_orte_snapc_base_quiesce_1_0_0_t nsnapc_orte_snapc_base_quiesce_t;

/* ---------------------------------------------------------------------------------------------
 * Component and module (orte/mca/snapc/snapc.h)
 * ------------------------------------------------------------------------------------------- */

/* The slots of the snapc module table (orte_snapc_base_*_fn_t). */
typedef int (*nsnapc_orte_snapc_base_module_init_fn_t)(bool seed, bool app);
typedef int (*nsnapc_orte_snapc_base_module_finalize_fn_t)(void);
typedef int (*nsnapc_orte_snapc_base_setup_job_fn_t)(nsnapc_orte_jobid_t jobid);
typedef int (*nsnapc_orte_snapc_base_release_job_fn_t)(nsnapc_orte_jobid_t jobid);
typedef int (*nsnapc_orte_snapc_base_ft_event_fn_t)(int state);
typedef int (*nsnapc_orte_snapc_base_start_checkpoint_fn_t)(nsnapc_orte_snapc_base_quiesce_t *datum);
typedef int (*nsnapc_orte_snapc_base_end_checkpoint_fn_t)(nsnapc_orte_snapc_base_quiesce_t *datum);
typedef int (*nsnapc_orte_snapc_base_request_op_fn_t)(nsnapc_orte_snapc_base_request_op_t *datum);

/*
 * struct orte_snapc_base_component_2_0_0_t (orte_snapc_base_component_t): 272 bytes, the same
 * layout as opal_crs_base_component_t. The full component's own type (snapc_full.h) wraps it as
 * its only member, super.
 */
typedef struct nsnapc_orte_snapc_base_component_2_0_0_t {
    nsnapc_mca_base_component_t base_version;
    nsnapc_mca_base_component_data_t base_data;
    int verbose;
    int output_handle;
    int priority;
} nsnapc_orte_snapc_base_component_t;

/*
 * struct orte_snapc_base_module_1_0_0_t (orte_snapc_base_module_t): 64 bytes, 8 slots. The host
 * copies the table by value into the global orte_snapc.
 */
typedef struct nsnapc_orte_snapc_base_module_1_0_0_t {
    nsnapc_orte_snapc_base_module_init_fn_t snapc_init;
    nsnapc_orte_snapc_base_module_finalize_fn_t snapc_finalize;
    nsnapc_orte_snapc_base_setup_job_fn_t setup_job;
    nsnapc_orte_snapc_base_release_job_fn_t release_job;
    nsnapc_orte_snapc_base_ft_event_fn_t ft_event;
    nsnapc_orte_snapc_base_start_checkpoint_fn_t start_ckpt;
    nsnapc_orte_snapc_base_end_checkpoint_fn_t end_ckpt;
    nsnapc_orte_snapc_base_request_op_fn_t request_op;
} nsnapc_orte_snapc_base_module_t;

#ifdef __cplusplus
}
#endif

#endif /* NATIVE_SNAPC_SNAPC_H */

/*
 * The two MCA components of the library (mca_crs_self_component, mca_snapc_full_component) and their
 * module tables. The structs are C data, because the MCA loader reads a data symbol; every function
 * they point at is a managed [UnmanagedCallersOnly] export (src/NativeSnapc/Exports), declared here.
 * The accessors give the managed side the addresses of this C data (it registers MCA variables with
 * storage inside the component structs, and returns the module tables from query).
 */
#ifndef NATIVE_SNAPC_MCA_COMPONENTS_H
#define NATIVE_SNAPC_MCA_COMPONENTS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "native_snapc/crs_self.h"
#include "native_snapc/snapc_full.h"

#ifdef __cplusplus
extern "C" {
#endif

/* CRS "self": component functions (Exports/CrsSelfExports.cs). */
int native_snapc_crs_self_component_register(void);
int native_snapc_crs_self_component_open(void);
int native_snapc_crs_self_component_close(void);
int native_snapc_crs_self_component_query(nsnapc_mca_base_module_t **module, int *priority);

/* CRS "self": the module table's slots. */
int native_snapc_crs_self_init(void);
int native_snapc_crs_self_finalize(void);
int native_snapc_crs_self_checkpoint(pid_t pid, nsnapc_opal_crs_base_snapshot_t *snapshot,
                                     nsnapc_opal_crs_base_ckpt_options_t *options,
                                     nsnapc_opal_crs_state_type_t *state);
int native_snapc_crs_self_restart(nsnapc_opal_crs_base_snapshot_t *snapshot, bool spawn_child, pid_t *child_pid);
int native_snapc_crs_self_disable_checkpoint(void);
int native_snapc_crs_self_enable_checkpoint(void);
int native_snapc_crs_self_prelaunch(int32_t rank, char *base_snapshot_dir, char **app, char **cwd,
                                    char ***argv, char ***env);
int native_snapc_crs_self_reg_thread(void);

/* snapc "full": component functions (Exports/SnapcFullExports.cs). */
int native_snapc_snapc_full_component_register(void);
int native_snapc_snapc_full_component_open(void);
int native_snapc_snapc_full_component_close(void);
int native_snapc_snapc_full_component_query(nsnapc_mca_base_module_t **module, int *priority);

/* snapc "full": the module table's slots. */
int native_snapc_snapc_full_init(bool seed, bool app);
int native_snapc_snapc_full_finalize(void);
int native_snapc_snapc_full_setup_job(nsnapc_orte_jobid_t jobid);
int native_snapc_snapc_full_release_job(nsnapc_orte_jobid_t jobid);
int native_snapc_snapc_full_ft_event(int state);
int native_snapc_snapc_full_start_ckpt(nsnapc_orte_snapc_base_quiesce_t *datum);
int native_snapc_snapc_full_end_ckpt(nsnapc_orte_snapc_base_quiesce_t *datum);
int native_snapc_snapc_full_request_op(nsnapc_orte_snapc_base_request_op_t *datum);

/* Addresses of the C data, for the managed side (not exported from the library). */
nsnapc_opal_crs_base_component_t *native_snapc_shim_crs_self_component(void);
const nsnapc_opal_crs_base_module_t *native_snapc_shim_crs_self_module(void);
nsnapc_orte_snapc_base_component_t *native_snapc_shim_snapc_full_component(void);
const nsnapc_orte_snapc_base_module_t *native_snapc_shim_snapc_full_module(void);
bool *native_snapc_shim_snapc_full_skip_app(void);

#ifdef __cplusplus
}
#endif

#endif /* NATIVE_SNAPC_MCA_COMPONENTS_H */

/*
 * native_snapc/crs_self.h: the CRS "self" checkpointer of libnative_snapc.so (Open MPI 4.1's
 * opal/mca/crs/self, re-implemented): the MCA component it exports, the application callbacks it calls
 * and one extension function.
 *
 * An application checkpointed by "self" saves and restores its own state. It defines, with external
 * linkage and visible in the process's global scope (an executable needs -rdynamic, or
 * -Wl,--export-dynamic), functions named <prefix>_checkpoint, <prefix>_continue and <prefix>_restart,
 * where <prefix> is the MCA parameter crs_self_prefix (default "opal_crs_self_user"):
 *
 *   int opal_crs_self_user_checkpoint(char **restart_cmd);  // required
 *   int opal_crs_self_user_continue(void);                  // optional
 *   int opal_crs_self_user_restart(void);                   // optional
 *
 * The checkpoint callback saves the state and stores in *restart_cmd a malloc'ed command line (split on
 * spaces, no quoting) that restarts the application; the checkpointer frees it. It returns 0, or anything
 * else to fail the checkpoint. The continue callback runs after a successful checkpoint. The restart
 * callback runs when the restarted program initialises the checkpointer with crs_self_do_restart set,
 * which a restart through this checkpointer arranges (OMPI_MCA_crs_self_do_restart=1 in the environment).
 */
#ifndef NATIVE_SNAPC_CRS_SELF_H
#define NATIVE_SNAPC_CRS_SELF_H

#include "crs.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The application callbacks (opal_crs_self_*_callback_fn_t of crs_self.h). */
typedef int (*nsnapc_opal_crs_self_checkpoint_callback_fn_t)(char **restart_cmd);
typedef int (*nsnapc_opal_crs_self_continue_callback_fn_t)(void);
typedef int (*nsnapc_opal_crs_self_restart_callback_fn_t)(void);

/* The default of crs_self_prefix: the callbacks are opal_crs_self_user_checkpoint, _continue, _restart. */
#define NSNAPC_CRS_SELF_PREFIX_DEFAULT "opal_crs_self_user"

/*
 * The component the MCA loader finds in mca_crs_self.so (a link to libnative_snapc.so): MCA 2.1.0,
 * project "opal" 4.1.4, type "crs" 2.0.0, component "self" 4.1.4, checkpoint-ready, priority 20.
 * Its query returns the 8-slot nsnapc_opal_crs_base_module_t, which the host copies by value.
 */
extern nsnapc_opal_crs_base_component_t mca_crs_self_component;

/*
 * Extension: the snapshot directory of the checkpoint in progress (the sstore's local snapshot location),
 * so that the checkpoint callback can write the application's state into the snapshot. Valid only while
 * the checkpoint callback runs, and only on the thread that runs it; NULL at any other time, or when the
 * snapshot names no directory.
 */
const char *native_snapc_crs_self_snapshot_directory(void);

#ifdef __cplusplus
}
#endif

#endif /* NATIVE_SNAPC_CRS_SELF_H */

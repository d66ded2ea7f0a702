/*
 * native_snapc/mpiext_cr.h: Open MPI's checkpoint/restart application API (the "cr" MPI extension,
 * ompi/mpiext/cr/c/mpiext_cr_c.h at v4.1.4), provided by native-snapc for a stock Open MPI 4.1, whose libmpi does
 * not contain it. A program written for Open MPI's extension includes this header instead of <mpi-ext.h> and links
 * with `pkg-config --libs native_snapc`. Semantics and the differences from Open MPI: docs/runtime.md.
 *
 * Plus native-snapc's collective safe point, where a checkpoint requested from outside is taken.
 */
#ifndef NATIVE_SNAPC_MPIEXT_CR_H
#define NATIVE_SNAPC_MPIEXT_CR_H

#include <mpi.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- C/R interfaces ------------------------------------------------------------------------------ */

/* A checkpoint of the whole job; collective over MPI_COMM_WORLD. On success every rank gets the global snapshot
 * reference (*handle, malloc'ed: free it) and its sequence number. MPI_SUCCESS or MPI_ERR_OTHER. */
int OMPI_CR_Checkpoint(char **handle, int *seq, MPI_Info *info);

/* Asks for the job to be restarted from `handle`/`seq`; not collective. Returns only on failure. */
int OMPI_CR_Restart(char *handle, int seq, MPI_Info *info);

/* ---- migration interface ------------------------------------------------------------------------- */

/* Asks for the ranks of `comm` to migrate (host preference `hostname`, info key "CR_OFF_NODE"); collective over
 * comm. `rank` is ignored, as in Open MPI. */
int OMPI_CR_Migrate(MPI_Comm comm, char *hostname, int rank, MPI_Info *info);

/* ---- INC interfaces ------------------------------------------------------------------------------ */

/* opal_cr_user_inc_callback_event_t and opal_cr_user_inc_callback_state_t of opal/runtime/opal_cr.h, with Open
 * MPI's names for their values, so that a program written for the extension compiles unchanged. */
typedef enum {
    OPAL_CR_INC_PRE_CRS_PRE_MPI = 0,
    OPAL_CR_INC_PRE_CRS_POST_MPI = 1,
    OPAL_CR_INC_CRS_PRE_CKPT = 2,
    OPAL_CR_INC_CRS_POST_CKPT = 3,
    OPAL_CR_INC_POST_CRS_PRE_MPI = 4,
    OPAL_CR_INC_POST_CRS_POST_MPI = 5,
    OPAL_CR_INC_MAX = 6
} OMPI_CR_INC_callback_event_t;

typedef enum {
    OPAL_CR_INC_STATE_PREPARE = 0,
    OPAL_CR_INC_STATE_CONTINUE = 1,
    OPAL_CR_INC_STATE_RESTART = 2,
    OPAL_CR_INC_STATE_ERROR = 3
} OMPI_CR_INC_callback_state_t;

typedef int (*OMPI_CR_INC_callback_function)(OMPI_CR_INC_callback_event_t event, OMPI_CR_INC_callback_state_t state);

int OMPI_CR_INC_register_callback(OMPI_CR_INC_callback_event_t event, OMPI_CR_INC_callback_function function,
                                  OMPI_CR_INC_callback_function *prev_function);

/* ---- SELF CRS application interfaces --------------------------------------------------------------- */

/* The "self" checkpointer's callbacks. A registered callback wins over one found by name (opal_crs_self_user_*);
 * a restarted program that registers its restart callback after MPI_Init gets it called once, at registration. */
typedef int (*OMPI_CR_self_checkpoint_fn)(char **restart_cmd);
typedef int (*OMPI_CR_self_restart_fn)(void);
typedef int (*OMPI_CR_self_continue_fn)(void);

int OMPI_CR_self_register_checkpoint_callback(OMPI_CR_self_checkpoint_fn function);
int OMPI_CR_self_register_restart_callback(OMPI_CR_self_restart_fn function);
int OMPI_CR_self_register_continue_callback(OMPI_CR_self_continue_fn function);

/* ---- quiescence interfaces ---------------------------------------------------------------------- */

/* comm is ignored: MPI_COMM_WORLD, as in Open MPI. */
int OMPI_CR_Quiesce_start(MPI_Comm comm, MPI_Info *info);
int OMPI_CR_Quiesce_checkpoint(MPI_Comm comm, char **handle, int *seq, MPI_Info *info);
int OMPI_CR_Quiesce_end(MPI_Comm comm, MPI_Info *info);

/* ---- native-snapc -------------------------------------------------------------------------------- */

/* The snapshot directory of the checkpoint in progress, for the "self" checkpoint callback to write the program's
 * state into the snapshot; NULL outside the callback (also declared in native_snapc/crs_self.h). */
const char *native_snapc_crs_self_snapshot_directory(void);

/* A collective safe point: every rank of comm calls it at a place where its state is consistent (between
 * iterations). If a checkpoint was requested (native-snapc checkpoint, an interval, a batch system's signal), all
 * ranks take it here together and *checkpointed is 1; otherwise it costs one small MPI_Allreduce and *checkpointed is
 * 0. MPI_SUCCESS or an MPI error code. */
int native_snapc_safe_point(MPI_Comm comm, int *checkpointed);

#ifdef __cplusplus
}
#endif

#endif /* NATIVE_SNAPC_MPIEXT_CR_H */

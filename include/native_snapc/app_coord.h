/*
 * native_snapc/app_coord.h: the application coordinator's entry points, with the prototypes of
 * Open MPI 4.1's orte/mca/snapc/full/snapc_full.h (a component-private header that is not installed).
 * All return an Open MPI status code: 0 (OPAL_SUCCESS) or a negative OPAL_ERR_* / ORTE_ERR_* value.
 */
#ifndef NATIVE_SNAPC_APP_COORD_H
#define NATIVE_SNAPC_APP_COORD_H

#include "snapc.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Registers the notify callback and the checkpoint signal, fences, and rank 0 sends INIT to the HNP. */
int app_coord_init(void);

/* Fences; rank 0 sends FIN and waits for FIN_ACK. Puts back the signal disposition it replaced. */
int app_coord_finalize(void);

/* state: an nsnapc_opal_crs_state_type_t value (OPAL_CRS_*). */
int app_coord_ft_event(int state);

/* Performs a request of the MPI extension functions (checkpoint, restart, migrate, quiesce). */
int app_coord_request_op(nsnapc_orte_snapc_base_request_op_t *datum);

#ifdef __cplusplus
}
#endif

#endif /* NATIVE_SNAPC_APP_COORD_H */

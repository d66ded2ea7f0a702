/*
 * ref_app: the parts of the reference runtime that live inside the MPI application process. The
 * real Open MPI 4.1 libraries do everything they do in a stock process; these files fill only the
 * dormant parts (docs/abi.md#what-stock-open-mpi-leaves-dormant): the RML transport (ref_app_rml.c), sstore/central's
 * application side (ref_app_sstore.c), a CRS and the coordination callback chain (ref_app_crs.c).
 */
#ifndef NSNAPC_REF_APP_H
#define NSNAPC_REF_APP_H

#include "orte_config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "opal/dss/dss.h"
#include "ref_protocol.h"
#include "ref_text.h"
#include "orte/mca/rml/rml.h"
#include "orte/runtime/orte_globals.h"

/* Starts the clock of ref_elapsed_ms and sends the lines to stream (stdout when NULL) (ref_output.c). */
void ref_out_start(FILE *stream);

/* One line, whole, under a lock (the reader and progress threads print too). */
void ref_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Monotonic ms since the program started (for "ms=" fields). */
uint64_t ref_elapsed_ms(void);

/* ---- RML transport (ref_app_rml.c) ------------------------------------------------------------ */

/* Connects to the peer's socket (retrying up to timeout_ms) and says hello. 0 or an ORTE error. */
int ref_rml_connect(const char *path, int timeout_ms);

/* Sets orte_mgmt_conduit and replaces orte_rml.send_buffer_nb, recv_buffer_nb and recv_cancel. */
void ref_rml_install(uint16_t conduit);

/* Says bye, closes the socket and stops the reader and progress threads (bounded). */
void ref_rml_shutdown(void);

/* The transport's send, for the host's own messages (sstore): same semantics as the slot. */
int ref_rml_send(orte_process_name_t *peer, opal_buffer_t *buffer, orte_rml_tag_t tag,
                 orte_rml_buffer_callback_fn_t cbfunc, void *cbdata);
void ref_rml_recv(orte_process_name_t *peer, orte_rml_tag_t tag, bool persistent,
                  orte_rml_buffer_callback_fn_t cbfunc, void *cbdata);
void ref_rml_cancel(orte_process_name_t *peer, orte_rml_tag_t tag);

/* Library sends on tag are held back ms before they go out (0 = none). */
void ref_rml_delay(unsigned tag, int ms);

/* How many LOCAL_FINISH messages this process has sent (the loop step stops on a count). */
unsigned ref_rml_local_finish_count(void);

/* Whether the peer connection is still up. */
bool ref_rml_connected(void);

/* ---- sstore/central application side (ref_app_sstore.c) -------------------------------------- */

void ref_sstore_install(int pull_timeout_ms);

/* ---- CRS "refnoop" and the coordination callback chain (ref_app_crs.c) ----------------------- */

/* Fills opal_crs and opal_crs_base_selected_component (named selected_name, NULL = "refnoop");
 * spec as in ref_crs_set_spec. */
int ref_crs_install(const char *spec, const char *selected_name);

/*
 * Selects the CRS the way an FT-enabled Open MPI does, through the real MCA framework: component_dir added
 * to the component repository, crs=<name> (unless the environment already names one), opal_cr_is_enabled,
 * the crs framework opened, opal_crs_base_select. 0 when the selected component is name.
 */
int ref_crs_select(const char *component_dir, const char *name);

/* Closes the framework opened by ref_crs_select (crs_finalize, the components unloaded). */
void ref_crs_close(void);

/*
 * Behaviour of the next checkpoints: ';'-separated per-checkpoint specs (the last one repeats), each a
 * ','-separated list of: continue | error | restart | fail | noname | sleep=<ms>. NULL or "" = continue.
 */
int ref_crs_set_spec(const char *spec);

unsigned ref_crs_checkpoint_calls(void);

/*
 * Registers the coordination callback: ft_event plus the layer below, which is "opal" (the real
 * opal_cr_coord, called directly), "registered" (whatever was registered before: ompi_cr_coord in an
 * MPI process) or "none". chain_restart false skips the layer below for OPAL_CRS_RESTART.
 */
int ref_coord_install(int (*ft_event)(int state), const char *below, bool chain_restart);

/* The next count CHECKPOINT calls of the coordination callback return OPAL_EXISTS (a stall) at once. */
void ref_coord_exists(unsigned count);

/* Every later non-CHECKPOINT call of the coordination callback (recovery) sleeps ms first (0 = none). */
void ref_coord_delay(int ms);

#endif

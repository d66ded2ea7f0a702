/*
 * The protocol constants of the reference runtime's programs (ref_app's host, ref_peer, ref_restart): RML tags,
 * snapc and sstore/central commands, checkpoint states, the FIFO names and the snapshot store's file names and
 * metadata keys (docs/abi.md#constants). What Open MPI's installed headers define is taken from them; the rest
 * (component-private headers and run-time defaults of v4.1.4, not installed) is defined here, once. The
 * transport's own framing is in ref_frame.h.
 */
#ifndef NSNAPC_REF_PROTOCOL_H
#define NSNAPC_REF_PROTOCOL_H

#include "orte_config.h"

#include "opal/mca/crs/base/base.h"    /* CRS_METADATA_COMP ("# OPAL CRS Component: ") */
#include "opal/mca/crs/crs.h"          /* OPAL_CRS_RESTART 3, OPAL_CRS_RUNNING 6, OPAL_CRS_ERROR 7 */
#include "opal/runtime/opal_cr.h"      /* OPAL_CR_NAMED_PROG_R / _W: the FIFO names "opal_cr_prog_read" / "_write" */
#include "orte/mca/rml/rml_types.h"    /* ORTE_RML_TAG_SNAPC 24, ORTE_RML_TAG_SNAPC_FULL 25, _SSTORE_INTERNAL 44 */
#include "orte/mca/snapc/base/base.h"  /* ORTE_SNAPC_LOCAL_UPDATE_CMD 4, ORTE_SNAPC_LOCAL_FINISH_CMD 5 */
#include "orte/mca/snapc/snapc.h"      /* ORTE_SNAPC_OP_NONE 0 .. ORTE_SNAPC_OP_QUIESCE_END 9 */
#include "orte/mca/sstore/base/base.h" /* SSTORE_METADATA_*_STR: the metadata keys ("# Seq: ", ...) */

/* orte/mca/snapc/full/snapc_full.h (not installed): orte_snapc_full_cmd_flag_t, a uint8 on tag 25. */
#define REF_SNAPC_FULL_REQUEST_OP_CMD 8

/* orte/mca/sstore/central/sstore_central.h (not installed): orte_sstore_central_cmd_flag_t, a uint8 on tag 44. */
#define REF_SSTORE_CENTRAL_PULL 1
#define REF_SSTORE_CENTRAL_PUSH 2

/* The store's names: orte_sstore_base_open's defaults of orte_sstore_base_global_metadata_filename,
 * _local_metadata_filename and _local_snapshot_fmt (orte/mca/sstore/base/sstore_base_frame.c), and the global
 * reference orte_sstore_base_get_global_snapshot_ref makes from the HNP's pid (sstore_base_fns.c). */
#define REF_GLOBAL_METADATA_FILE "global_snapshot_meta.data"
#define REF_LOCAL_METADATA_FILE "snapshot_meta.data"
#define REF_LOCAL_SNAPSHOT_FORMAT "opal_snapshot_%d.ckpt"
#define REF_GLOBAL_SNAPSHOT_REF_FORMAT "ompi_global_snapshot_%d.ckpt"

#endif

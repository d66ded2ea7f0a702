/*
 * native_snapc/snapc_full.h: the snapc "full" MCA component of libnative_snapc.so and the data symbol
 * the original component defines (orte/mca/snapc/full/snapc_full_component.c, component-private in
 * Open MPI and not installed). The application-coordinator entry points are in app_coord.h.
 */
#ifndef NATIVE_SNAPC_SNAPC_FULL_H
#define NATIVE_SNAPC_SNAPC_FULL_H

#include <stdbool.h>

#include "snapc.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The component the MCA loader finds in mca_snapc_full.so (a link to libnative_snapc.so): MCA 2.1.0,
 * project "orte" 4.1.4, type "snapc" 2.0.0, component "full" 4.1.4, checkpoint-ready, priority 20. Open
 * MPI's own type wraps this struct as its only member (orte_snapc_full_component_t, 272 bytes). Its
 * query returns the 8-slot nsnapc_orte_snapc_base_module_t: the application-coordinator role only (the
 * global and local coordinators answer ORTE_ERR_NOT_SUPPORTED).
 */
extern nsnapc_orte_snapc_base_component_t mca_snapc_full_component;

/* MCA parameter snapc_full_skip_app (debugging only; default false), registered with this storage. */
extern bool orte_snapc_full_skip_app;

#ifdef __cplusplus
}
#endif

#endif /* NATIVE_SNAPC_SNAPC_FULL_H */

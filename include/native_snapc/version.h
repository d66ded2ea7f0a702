/*
 * native_snapc/version.h: library version, ABI version and the description of the ABI the
 * library speaks (the data symbol native_snapc_abi).
 */
#ifndef NATIVE_SNAPC_VERSION_H
#define NATIVE_SNAPC_VERSION_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NATIVE_SNAPC_VERSION_MAJOR 0
#define NATIVE_SNAPC_VERSION_MINOR 1
#define NATIVE_SNAPC_VERSION_PATCH 0

/* Version of nsnapc_abi_info_t and of the library's own (non-Open MPI) C ABI. */
#define NATIVE_SNAPC_ABI_MAJOR 1
#define NATIVE_SNAPC_ABI_MINOR 0

/* The Open MPI series whose struct layouts the library reproduces. */
#define NATIVE_SNAPC_OPAL_MAJOR 4
#define NATIVE_SNAPC_OPAL_MINOR 1

/* Which build flavour of Open MPI the layouts follow. */
typedef enum nsnapc_layout_variant_t {
    NSNAPC_LAYOUT_UNKNOWN = 0,
    /* OPAL_ENABLE_DEBUG=0 (Debian and most distributions): 16-byte opal_object_t. Supported. */
    NSNAPC_LAYOUT_OPAL_RELEASE = 1,
    /* OPAL_ENABLE_DEBUG=1: 40-byte opal_object_t. Recognised and refused. */
    NSNAPC_LAYOUT_OPAL_DEBUG = 2
} nsnapc_layout_variant_t;

/* Returns the library version; OPAL_ERR_BAD_PARAM (-5) if any pointer is NULL. */
typedef int (*nsnapc_query_version_fn_t)(uint32_t *major, uint32_t *minor, uint32_t *patch);

/*
 * Exported as the data symbol native_snapc_abi. Fields are only ever appended; a caller reads a
 * field only if struct_size > offsetof(nsnapc_abi_info_t, field).
 */
typedef struct nsnapc_abi_info_1_0_t {
    uint32_t struct_size;
    uint32_t abi_major;
    uint32_t abi_minor;
    uint32_t layout_variant;   /* nsnapc_layout_variant_t */
    uint32_t opal_major;
    uint32_t opal_minor;
    uint32_t opal_object_size; /* sizeof(opal_object_t) in the supported layout */
    uint32_t reserved;
    nsnapc_query_version_fn_t query_version;
} nsnapc_abi_info_t;

extern const nsnapc_abi_info_t native_snapc_abi;

int native_snapc_query_version(uint32_t *major, uint32_t *minor, uint32_t *patch);

#ifdef __cplusplus
}
#endif

#endif /* NATIVE_SNAPC_VERSION_H */

/* The data symbol describing the library's ABI (NativeAOT exports functions only). */
#include <stddef.h>

#include "native_snapc/version.h"

const nsnapc_abi_info_t native_snapc_abi = {
    .struct_size = sizeof(nsnapc_abi_info_t),
    .abi_major = NATIVE_SNAPC_ABI_MAJOR,
    .abi_minor = NATIVE_SNAPC_ABI_MINOR,
    .layout_variant = NSNAPC_LAYOUT_OPAL_RELEASE,
    .opal_major = NATIVE_SNAPC_OPAL_MAJOR,
    .opal_minor = NATIVE_SNAPC_OPAL_MINOR,
    .opal_object_size = 16,
    .reserved = 0,
    /* Managed code, reached through a pointer in a data symbol. */
    .query_version = native_snapc_query_version,
};

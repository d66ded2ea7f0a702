/* Links libnative_snapc (no dlopen) and uses both kinds of export: a function and a data symbol. */
#include <stdio.h>

#include "native_snapc/version.h"

int main(void)
{
    uint32_t major, minor, patch;
    if (native_snapc_query_version(&major, &minor, &patch) != 0 || major != NATIVE_SNAPC_VERSION_MAJOR ||
        minor != NATIVE_SNAPC_VERSION_MINOR || patch != NATIVE_SNAPC_VERSION_PATCH) {
        fprintf(stderr, "unexpected version\n");
        return 1;
    }
    if (native_snapc_abi.layout_variant != NSNAPC_LAYOUT_OPAL_RELEASE ||
        native_snapc_abi.query_version != native_snapc_query_version) {
        fprintf(stderr, "unexpected ABI description\n");
        return 2;
    }
    printf("consumer: native_snapc %u.%u.%u, ABI %u.%u\n", major, minor, patch, native_snapc_abi.abi_major,
           native_snapc_abi.abi_minor);
    return 0;
}

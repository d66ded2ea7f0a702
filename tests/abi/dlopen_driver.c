/*
 * Loads libnative_snapc.so the way a plug-in host does (dlopen RTLD_NOW|RTLD_LOCAL), resolves every
 * symbol of the golden export list, checks the ABI data symbol, calls managed code directly and
 * through the function pointer stored in the data symbol, dlcloses the library and calls again
 * (the library is linked -z nodelete, as Open MPI dlcloses components).
 *
 * usage: dlopen_driver <library> <golden export list>
 * Each failed check exits with its own code (dotnet/runtime smoke-test style); 0 is success.
 */
#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "native_snapc/version.h"

enum {
    FAIL_USAGE = 2,
    FAIL_DLOPEN = 10,
    FAIL_GOLDEN_LIST = 11,
    FAIL_DLSYM = 12,
    FAIL_ABI_INFO = 13,
    FAIL_VERSION_DIRECT = 14,
    FAIL_VERSION_THROUGH_DATA = 15,
    FAIL_BAD_PARAM = 16,
    FAIL_DLCLOSE = 17,
    FAIL_AFTER_DLCLOSE = 18,
    FAIL_REOPEN = 19,
};

static int check_version(nsnapc_query_version_fn_t query, const char *how)
{
    uint32_t major = 99, minor = 99, patch = 99;
    int rc = query(&major, &minor, &patch);
    if (rc != 0 || major != NATIVE_SNAPC_VERSION_MAJOR || minor != NATIVE_SNAPC_VERSION_MINOR ||
        patch != NATIVE_SNAPC_VERSION_PATCH) {
        fprintf(stderr, "query_version (%s): rc %d, version %u.%u.%u, expected 0 and %d.%d.%d\n", how, rc,
                major, minor, patch, NATIVE_SNAPC_VERSION_MAJOR, NATIVE_SNAPC_VERSION_MINOR,
                NATIVE_SNAPC_VERSION_PATCH);
        return 0;
    }
    printf("query_version (%s): %u.%u.%u\n", how, major, minor, patch);
    return 1;
}

/* Resolves every name of the golden list (first word of each line); returns how many, or -1. */
static int resolve_golden_list(void *handle, const char *list_path)
{
    FILE *list = fopen(list_path, "r");
    if (list == NULL) {
        perror(list_path);
        return -1;
    }
    char line[512];
    int resolved = 0;
    while (fgets(line, sizeof line, list) != NULL) {
        char name[256];
        if (line[0] == '#' || sscanf(line, "%255s", name) != 1) {
            continue;
        }
        char *at = strchr(name, '@'); /* name@@VERSION: dlsym takes the plain name (default version) */
        if (at != NULL) {
            *at = '\0';
        }
        dlerror();
        void *address = dlsym(handle, name);
        const char *error = dlerror();
        if (error != NULL || address == NULL) {
            fprintf(stderr, "dlsym(%s): %s\n", name, error != NULL ? error : "NULL");
            fclose(list);
            return -1;
        }
        printf("resolved %-32s %p\n", name, address);
        ++resolved;
    }
    fclose(list);
    return resolved;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s <library> <golden export list>\n", argv[0]);
        return FAIL_USAGE;
    }

    void *handle = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        fprintf(stderr, "dlopen(%s): %s\n", argv[1], dlerror());
        return FAIL_DLOPEN;
    }

    int resolved = resolve_golden_list(handle, argv[2]);
    if (resolved < 0) {
        return FAIL_DLSYM;
    }
    if (resolved == 0) {
        fprintf(stderr, "%s lists no symbols\n", argv[2]);
        return FAIL_GOLDEN_LIST;
    }

    const nsnapc_abi_info_t *abi = (const nsnapc_abi_info_t *) dlsym(handle, "native_snapc_abi");
    nsnapc_query_version_fn_t query = (nsnapc_query_version_fn_t) dlsym(handle, "native_snapc_query_version");
    if (abi == NULL || query == NULL) {
        return FAIL_DLSYM;
    }
    if (abi->struct_size != sizeof(nsnapc_abi_info_t) || abi->abi_major != NATIVE_SNAPC_ABI_MAJOR ||
        abi->abi_minor != NATIVE_SNAPC_ABI_MINOR || abi->layout_variant != NSNAPC_LAYOUT_OPAL_RELEASE ||
        abi->opal_major != 4 || abi->opal_minor != 1 || abi->opal_object_size != 16 ||
        abi->query_version != query) {
        fprintf(stderr, "native_snapc_abi does not describe this header's ABI\n");
        return FAIL_ABI_INFO;
    }
    printf("native_snapc_abi: abi %u.%u, Open MPI %u.%u release layout, opal_object_t %u bytes\n",
           abi->abi_major, abi->abi_minor, abi->opal_major, abi->opal_minor, abi->opal_object_size);

    if (!check_version(query, "direct call")) {
        return FAIL_VERSION_DIRECT;
    }
    if (!check_version(abi->query_version, "through the data symbol")) {
        return FAIL_VERSION_THROUGH_DATA;
    }
    uint32_t scratch;
    if (query(NULL, &scratch, &scratch) != -5 /* OPAL_ERR_BAD_PARAM */) {
        fprintf(stderr, "query_version(NULL, ...) did not return OPAL_ERR_BAD_PARAM\n");
        return FAIL_BAD_PARAM;
    }

    if (dlclose(handle) != 0) {
        fprintf(stderr, "dlclose: %s\n", dlerror());
        return FAIL_DLCLOSE;
    }
    /* NODELETE keeps code and data mapped: the pointers stay valid, as Open MPI assumes for
     * components it copied by value. */
    if (!check_version(query, "after dlclose") || !check_version(abi->query_version, "data symbol after dlclose")) {
        return FAIL_AFTER_DLCLOSE;
    }

    void *again = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (again == NULL || dlsym(again, "native_snapc_abi") != (void *) abi) {
        fprintf(stderr, "reopening did not give the same, still-loaded image\n");
        return FAIL_REOPEN;
    }
    if (!check_version((nsnapc_query_version_fn_t) dlsym(again, "native_snapc_query_version"), "reopened")) {
        return FAIL_REOPEN;
    }
    dlclose(again);
    printf("dlopen driver: %d symbols resolved, all checks passed\n", resolved);
    return 0;
}

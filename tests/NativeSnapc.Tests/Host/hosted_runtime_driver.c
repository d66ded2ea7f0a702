/*
 * A stand-in for an MPI process that has loaded native-snapc: it optionally brings up the real Open MPI 4.1
 * libopen-pal/libopen-rte (opal_init, as docs/abi.md#host-initialisation requires for the coordinator's host), then
 * hosts .NET in-process through hostfxr and calls one scenario of the test assembly
 * (NativeSnapc.Tests.Host.HostedScenarios.Run), so that the host adapter binds to a live Open MPI exactly as it
 * would inside an MPI rank. The NUnit host cannot do this itself: Open MPI must be loaded (and initialised)
 * in the process before the adapter looks for it, and only once.
 *
 * usage: hosted_runtime_driver <openmpi: none|global|local> <libhostfxr.so> <runtimeconfig.json> <assembly> <scenario>
 *   none    Open MPI is not loaded at all
 *   global  libopen-rte.so.40 is dlopen'ed RTLD_GLOBAL (its symbols are in the global scope, as when linked)
 *   local   libopen-rte.so.40 is dlopen'ed RTLD_LOCAL (only a handle to the loaded object finds them), and
 *           not initialised: opal_init dlopens its MCA components RTLD_GLOBAL, which makes glibc promote
 *           libopen-pal (their dependency) into the global scope
 * Exit status: the scenario's return value (0 = passed), or 100+ for a driver failure.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The public hostfxr ABI (hostfxr.h, coreclr_delegates.h of the .NET host); declared here so the test
 * needs no SDK pack headers. On Linux char_t is char. */
typedef void *hostfxr_handle;
typedef int32_t (*hostfxr_initialize_for_runtime_config_fn)(const char *runtime_config_path, const void *parameters,
                                                            hostfxr_handle *host_context_handle);
typedef int32_t (*hostfxr_get_runtime_delegate_fn)(const hostfxr_handle host_context_handle, int type, void **delegate);
typedef int (*load_assembly_and_get_function_pointer_fn)(const char *assembly_path, const char *type_name,
                                                         const char *method_name, const char *delegate_type_name,
                                                         void *reserved, void **delegate);
#define HDT_LOAD_ASSEMBLY_AND_GET_FUNCTION_POINTER 5
#define UNMANAGEDCALLERSONLY_METHOD ((const char *)-1)

typedef int (*opal_init_fn)(int *pargc, char ***pargv);
typedef int (*scenario_fn)(const char *scenario);

static int load_open_mpi(const char *mode)
{
    if (0 == strcmp(mode, "none")) {
        return 0;
    }
    int scope;
    if (0 == strcmp(mode, "global")) {
        scope = RTLD_GLOBAL;
    } else if (0 == strcmp(mode, "local")) {
        scope = RTLD_LOCAL;
    } else {
        fprintf(stderr, "driver: unknown Open MPI mode '%s'\n", mode);
        return 101;
    }
    void *rte = dlopen("libopen-rte.so.40", RTLD_NOW | scope);
    if (NULL == rte) {
        fprintf(stderr, "driver: dlopen(libopen-rte.so.40): %s\n", dlerror());
        return 102;
    }
    if (RTLD_LOCAL == scope) {
        return 0;
    }
    opal_init_fn opal_init = (opal_init_fn) dlsym(rte, "opal_init");
    if (NULL == opal_init) {
        fprintf(stderr, "driver: dlsym(opal_init): %s\n", dlerror());
        return 103;
    }
    int rc = opal_init(NULL, NULL);
    if (0 != rc) {
        fprintf(stderr, "driver: opal_init returned %d\n", rc);
        return 104;
    }
    return 0;
}

static int run_scenario(const char *hostfxr_path, const char *runtime_config, const char *assembly, const char *scenario)
{
    void *hostfxr = dlopen(hostfxr_path, RTLD_NOW | RTLD_LOCAL);
    if (NULL == hostfxr) {
        fprintf(stderr, "driver: dlopen(%s): %s\n", hostfxr_path, dlerror());
        return 110;
    }
    hostfxr_initialize_for_runtime_config_fn initialize =
        (hostfxr_initialize_for_runtime_config_fn) dlsym(hostfxr, "hostfxr_initialize_for_runtime_config");
    hostfxr_get_runtime_delegate_fn get_delegate =
        (hostfxr_get_runtime_delegate_fn) dlsym(hostfxr, "hostfxr_get_runtime_delegate");
    if (NULL == initialize || NULL == get_delegate) {
        fprintf(stderr, "driver: %s lacks the hostfxr entry points\n", hostfxr_path);
        return 111;
    }

    hostfxr_handle context = NULL;
    int32_t rc = initialize(runtime_config, NULL, &context);
    if (rc < 0 || NULL == context) { /* 0 success, 1 and 2 are also success codes */
        fprintf(stderr, "driver: hostfxr_initialize_for_runtime_config(%s) failed: 0x%x\n", runtime_config, (unsigned) rc);
        return 112;
    }
    load_assembly_and_get_function_pointer_fn load = NULL;
    rc = get_delegate(context, HDT_LOAD_ASSEMBLY_AND_GET_FUNCTION_POINTER, (void **) &load);
    if (rc < 0 || NULL == load) {
        fprintf(stderr, "driver: hostfxr_get_runtime_delegate failed: 0x%x\n", (unsigned) rc);
        return 113;
    }
    scenario_fn entry = NULL;
    rc = load(assembly, "NativeSnapc.Tests.Host.HostedScenarios, NativeSnapc.Tests", "Run",
              UNMANAGEDCALLERSONLY_METHOD, NULL, (void **) &entry);
    if (rc < 0 || NULL == entry) {
        fprintf(stderr, "driver: loading HostedScenarios.Run from %s failed: 0x%x\n", assembly, (unsigned) rc);
        return 114;
    }
    return entry(scenario);
}

int main(int argc, char **argv)
{
    if (6 != argc) {
        fprintf(stderr, "usage: %s <none|global|local> <libhostfxr.so> <runtimeconfig.json> <assembly> <scenario>\n", argv[0]);
        return 100;
    }
    int rc = load_open_mpi(argv[1]);
    if (0 != rc) {
        return rc;
    }
    rc = run_scenario(argv[2], argv[3], argv[4], argv[5]);
    fflush(stdout);
    fflush(stderr);
    return rc;
}

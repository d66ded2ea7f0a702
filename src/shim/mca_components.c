/*
 * The data symbols the MCA loader looks up (mca_<framework>_<component>_component) and the component
 * private global orte_snapc_full_skip_app, exported through native_snapc_data.map. Field values follow
 * crs_self_component.c and snapc_full_component.c at v4.1.4: both components carry their project's
 * version as component version. The priorities are already in the static image (the originals set them
 * in their register functions), so a host that reads the struct before registering sees 20 too.
 */
#include <stddef.h>

#include "mca_components.h"

#define NSNAPC_MCA_HEADER(project, project_major, project_minor, project_release, type, type_major,       \
                          type_minor, type_release, component, component_major, component_minor,         \
                          component_release)                                                             \
    .mca_major_version = NSNAPC_MCA_BASE_VERSION_MAJOR, .mca_minor_version = NSNAPC_MCA_BASE_VERSION_MINOR,   \
    .mca_release_version = NSNAPC_MCA_BASE_VERSION_RELEASE, .mca_project_name = project,                   \
    .mca_project_major_version = project_major, .mca_project_minor_version = project_minor,              \
    .mca_project_release_version = project_release, .mca_type_name = type,                                \
    .mca_type_major_version = type_major, .mca_type_minor_version = type_minor,                          \
    .mca_type_release_version = type_release, .mca_component_name = component,                          \
    .mca_component_major_version = component_major, .mca_component_minor_version = component_minor,      \
    .mca_component_release_version = component_release

nsnapc_opal_crs_base_component_t mca_crs_self_component = {
    .base_version = {
        NSNAPC_MCA_HEADER("opal", NSNAPC_OPAL_MAJOR_VERSION, NSNAPC_OPAL_MINOR_VERSION, NSNAPC_OPAL_RELEASE_VERSION,
                          "crs", 2, 0, 0,
                          "self", NSNAPC_OPAL_MAJOR_VERSION, NSNAPC_OPAL_MINOR_VERSION, NSNAPC_OPAL_RELEASE_VERSION),
        .mca_open_component = native_snapc_crs_self_component_open,
        .mca_close_component = native_snapc_crs_self_component_close,
        .mca_query_component = native_snapc_crs_self_component_query,
        .mca_register_component_params = native_snapc_crs_self_component_register,
        .mca_component_flags = 0,
        .reserved = {0},
    },
    .base_data = {.param_field = NSNAPC_MCA_BASE_METADATA_PARAM_CHECKPOINT, .reserved = {0}},
    .verbose = 0,
    .output_handle = -1,
    .priority = 20,
};

nsnapc_orte_snapc_base_component_t mca_snapc_full_component = {
    .base_version = {
        NSNAPC_MCA_HEADER("orte", NSNAPC_ORTE_MAJOR_VERSION, NSNAPC_ORTE_MINOR_VERSION, NSNAPC_ORTE_RELEASE_VERSION,
                          "snapc", 2, 0, 0,
                          "full", NSNAPC_ORTE_MAJOR_VERSION, NSNAPC_ORTE_MINOR_VERSION, NSNAPC_ORTE_RELEASE_VERSION),
        .mca_open_component = native_snapc_snapc_full_component_open,
        .mca_close_component = native_snapc_snapc_full_component_close,
        .mca_query_component = native_snapc_snapc_full_component_query,
        .mca_register_component_params = native_snapc_snapc_full_component_register,
        .mca_component_flags = 0,
        .reserved = {0},
    },
    .base_data = {.param_field = NSNAPC_MCA_BASE_METADATA_PARAM_CHECKPOINT, .reserved = {0}},
    .verbose = 0,
    .output_handle = -1,
    .priority = 20,
};

bool orte_snapc_full_skip_app = false;

/* The module tables: the hosts copy them by value (opal_crs, orte_snapc), so they never change. */
static const nsnapc_opal_crs_base_module_t crs_self_module = {
    .crs_init = native_snapc_crs_self_init,
    .crs_finalize = native_snapc_crs_self_finalize,
    .crs_checkpoint = native_snapc_crs_self_checkpoint,
    .crs_restart = native_snapc_crs_self_restart,
    .crs_disable_checkpoint = native_snapc_crs_self_disable_checkpoint,
    .crs_enable_checkpoint = native_snapc_crs_self_enable_checkpoint,
    .crs_prelaunch = native_snapc_crs_self_prelaunch,
    .crs_reg_thread = native_snapc_crs_self_reg_thread,
};

static const nsnapc_orte_snapc_base_module_t snapc_full_module = {
    .snapc_init = native_snapc_snapc_full_init,
    .snapc_finalize = native_snapc_snapc_full_finalize,
    .setup_job = native_snapc_snapc_full_setup_job,
    .release_job = native_snapc_snapc_full_release_job,
    .ft_event = native_snapc_snapc_full_ft_event,
    .start_ckpt = native_snapc_snapc_full_start_ckpt,
    .end_ckpt = native_snapc_snapc_full_end_ckpt,
    .request_op = native_snapc_snapc_full_request_op,
};

nsnapc_opal_crs_base_component_t *native_snapc_shim_crs_self_component(void)
{
    return &mca_crs_self_component;
}

const nsnapc_opal_crs_base_module_t *native_snapc_shim_crs_self_module(void)
{
    return &crs_self_module;
}

nsnapc_orte_snapc_base_component_t *native_snapc_shim_snapc_full_component(void)
{
    return &mca_snapc_full_component;
}

const nsnapc_orte_snapc_base_module_t *native_snapc_shim_snapc_full_module(void)
{
    return &snapc_full_module;
}

bool *native_snapc_shim_snapc_full_skip_app(void)
{
    return &orte_snapc_full_skip_app;
}

/*
 * native_snapc/mca.h: the MCA component header (opal/mca/mca.h) every Open MPI 4.1 component
 * starts with. The MCA loader dlopen()s a component and reads its mca_<framework>_<name>_component
 * data symbol through these layouts.
 */
#ifndef NATIVE_SNAPC_MCA_H
#define NATIVE_SNAPC_MCA_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The loader accepts a component only with mca_major_version 2 and mca_minor_version 1. */
#define NSNAPC_MCA_BASE_VERSION_MAJOR   2
#define NSNAPC_MCA_BASE_VERSION_MINOR   1
#define NSNAPC_MCA_BASE_VERSION_RELEASE 0

/* Name lengths without the terminating NUL; the arrays are one longer. */
#define NSNAPC_MCA_BASE_MAX_PROJECT_NAME_LEN   15
#define NSNAPC_MCA_BASE_MAX_TYPE_NAME_LEN      31
#define NSNAPC_MCA_BASE_MAX_COMPONENT_NAME_LEN 63

/* mca_component_flags */
enum {
    NSNAPC_MCA_BASE_COMPONENT_FLAG_REQUIRED = 1
};

/* mca_base_component_data_t.param_field */
#define NSNAPC_MCA_BASE_METADATA_PARAM_NONE       0x00u
#define NSNAPC_MCA_BASE_METADATA_PARAM_CHECKPOINT 0x02u
#define NSNAPC_MCA_BASE_METADATA_PARAM_DEBUG      0x04u

/* Project versions of the Open MPI the layouts come from (opal/version.h, orte/version.h). */
#define NSNAPC_OPAL_MAJOR_VERSION   4
#define NSNAPC_OPAL_MINOR_VERSION   1
#define NSNAPC_OPAL_RELEASE_VERSION 4
#define NSNAPC_ORTE_MAJOR_VERSION   4
#define NSNAPC_ORTE_MINOR_VERSION   1
#define NSNAPC_ORTE_RELEASE_VERSION 4

/*
 * struct mca_base_module_2_0_0_t (mca_base_module_t): 4 bytes. Never used by value: a query
 * function returns a framework's module table through a pointer of this type.
 */
typedef struct nsnapc_mca_base_module_2_0_0_t {
    int dummy_value;
} nsnapc_mca_base_module_t;

/* mca_base_open_component_1_0_0_fn_t and friends */
typedef int (*nsnapc_mca_base_open_component_1_0_0_fn_t)(void);
typedef int (*nsnapc_mca_base_close_component_1_0_0_fn_t)(void);
typedef int (*nsnapc_mca_base_query_component_2_0_0_fn_t)(nsnapc_mca_base_module_t **module,
                                                          int *priority);
typedef int (*nsnapc_mca_base_register_component_params_2_0_0_fn_t)(void);

/* struct mca_base_component_2_1_0_t (mca_base_component_t): 224 bytes. */
typedef struct nsnapc_mca_base_component_2_1_0_t {
    int mca_major_version;
    int mca_minor_version;
    int mca_release_version;
    char mca_project_name[NSNAPC_MCA_BASE_MAX_PROJECT_NAME_LEN + 1];
    int mca_project_major_version;
    int mca_project_minor_version;
    int mca_project_release_version;
    char mca_type_name[NSNAPC_MCA_BASE_MAX_TYPE_NAME_LEN + 1];
    int mca_type_major_version;
    int mca_type_minor_version;
    int mca_type_release_version;
    char mca_component_name[NSNAPC_MCA_BASE_MAX_COMPONENT_NAME_LEN + 1];
    int mca_component_major_version;
    int mca_component_minor_version;
    int mca_component_release_version;
    nsnapc_mca_base_open_component_1_0_0_fn_t mca_open_component;
    nsnapc_mca_base_close_component_1_0_0_fn_t mca_close_component;
    nsnapc_mca_base_query_component_2_0_0_fn_t mca_query_component;
    nsnapc_mca_base_register_component_params_2_0_0_fn_t mca_register_component_params;
    int32_t mca_component_flags;
    char reserved[28];
} nsnapc_mca_base_component_t;

/* struct mca_base_component_data_2_0_0_t (mca_base_component_data_t): 36 bytes, align 4. */
typedef struct nsnapc_mca_base_component_data_2_0_0_t {
    uint32_t param_field;
    char reserved[32];
} nsnapc_mca_base_component_data_t;

#ifdef __cplusplus
}
#endif

#endif /* NATIVE_SNAPC_MCA_H */

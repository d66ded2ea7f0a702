/*
 * native_snapc/opal.h: the OPAL part of the Open MPI 4.1 ABI the library speaks: the object
 * header, class descriptor and list item of the OBJ system, process names, DSS type ids and
 * buffers, and status codes.
 *
 * Layouts are those of a release build of Open MPI 4.1 (OPAL_ENABLE_DEBUG=0, as Debian ships it);
 * a debug build has a 40-byte object header and different offsets everywhere (docs/abi.md#debug-builds).
 * Names carry the nsnapc_/NSNAPC_ prefix so that this header can share a translation unit with
 * the real Open MPI headers; field names are Open MPI's.
 */
#ifndef NATIVE_SNAPC_OPAL_H
#define NATIVE_SNAPC_OPAL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------------
 * OBJ system (opal/class/opal_object.h, opal/class/opal_list.h)
 * ------------------------------------------------------------------------------------------- */

typedef struct nsnapc_opal_object_t nsnapc_opal_object_t;
typedef struct nsnapc_opal_class_t nsnapc_opal_class_t;

/* opal_construct_t / opal_destruct_t */
typedef void (*nsnapc_opal_construct_t)(nsnapc_opal_object_t *);
typedef void (*nsnapc_opal_destruct_t)(nsnapc_opal_object_t *);

/*
 * struct opal_class_t: 64 bytes. One descriptor per class (exported data symbols such as
 * opal_buffer_t_class); cls_sizeof is how a host tells a release object header from a debug one.
 */
struct nsnapc_opal_class_t {
    const char *cls_name;
    nsnapc_opal_class_t *cls_parent;
    nsnapc_opal_construct_t cls_construct;
    nsnapc_opal_destruct_t cls_destruct;
    int cls_initialized;  /* equals opal_class_init_epoch once initialised */
    int cls_depth;
    nsnapc_opal_construct_t *cls_construct_array;  /* NULL-terminated, root first */
    nsnapc_opal_destruct_t *cls_destruct_array;    /* NULL-terminated, leaf first */
    size_t cls_sizeof;
};

/* struct opal_object_t (OPAL_ENABLE_DEBUG=0): 16 bytes. Header of every OBJ object. */
struct nsnapc_opal_object_t {
    nsnapc_opal_class_t *obj_class;
    volatile int32_t obj_reference_count;
};

/* struct opal_list_item_t (OPAL_ENABLE_DEBUG=0): 40 bytes. */
typedef struct nsnapc_opal_list_item_t {
    nsnapc_opal_object_t super;
    volatile struct nsnapc_opal_list_item_t *volatile opal_list_next;
    volatile struct nsnapc_opal_list_item_t *volatile opal_list_prev;
    int32_t item_free;
} nsnapc_opal_list_item_t;

/* ---------------------------------------------------------------------------------------------
 * Process names (opal/dss/dss_types.h, opal/util/proc.h, orte/types.h)
 * ------------------------------------------------------------------------------------------- */

typedef uint32_t nsnapc_opal_jobid_t;
typedef uint32_t nsnapc_opal_vpid_t;
typedef nsnapc_opal_jobid_t nsnapc_orte_jobid_t;
typedef nsnapc_opal_vpid_t nsnapc_orte_vpid_t;

/*
 * opal_process_name_t (a typedef of an untagged struct): 8 bytes, align 4. Passed by value in
 * one integer register on SysV x86-64.
 */
typedef struct nsnapc_opal_process_name_t {
    nsnapc_opal_jobid_t jobid;
    nsnapc_opal_vpid_t vpid;
} nsnapc_opal_process_name_t;

/* orte_process_name_t is a typedef of opal_process_name_t. */
typedef nsnapc_opal_process_name_t nsnapc_orte_process_name_t;

#define NSNAPC_OPAL_JOBID_INVALID  0xffffffffu
#define NSNAPC_OPAL_JOBID_WILDCARD 0xfffffffeu
#define NSNAPC_OPAL_VPID_INVALID   0xffffffffu
#define NSNAPC_OPAL_VPID_WILDCARD  0xfffffffeu
#define NSNAPC_ORTE_JOBID_INVALID  NSNAPC_OPAL_JOBID_INVALID
#define NSNAPC_ORTE_JOBID_WILDCARD NSNAPC_OPAL_JOBID_WILDCARD
#define NSNAPC_ORTE_VPID_INVALID   NSNAPC_OPAL_VPID_INVALID
#define NSNAPC_ORTE_VPID_WILDCARD  NSNAPC_OPAL_VPID_WILDCARD

/* opal_config.h: the row length of orte_snapc_base_request_op_t.mig_host_pref. */
#define NSNAPC_OPAL_MAX_PROCESSOR_NAME 256

/* ---------------------------------------------------------------------------------------------
 * DSS (opal/dss/dss_types.h, opal/dss/dss_internal.h)
 * ------------------------------------------------------------------------------------------- */

/* opal_data_type_t: one byte on the wire, in front of every item of a fully described buffer. */
typedef uint8_t nsnapc_opal_data_type_t;

#define NSNAPC_OPAL_UNDEF       0
#define NSNAPC_OPAL_BYTE        1
#define NSNAPC_OPAL_BOOL        2
#define NSNAPC_OPAL_STRING      3
#define NSNAPC_OPAL_SIZE        4
#define NSNAPC_OPAL_PID         5
#define NSNAPC_OPAL_INT         6
#define NSNAPC_OPAL_INT8        7
#define NSNAPC_OPAL_INT16       8
#define NSNAPC_OPAL_INT32       9
#define NSNAPC_OPAL_INT64       10
#define NSNAPC_OPAL_UINT        11
#define NSNAPC_OPAL_UINT8       12
#define NSNAPC_OPAL_UINT16      13
#define NSNAPC_OPAL_UINT32      14
#define NSNAPC_OPAL_UINT64      15
#define NSNAPC_OPAL_DATA_TYPE   21
#define NSNAPC_OPAL_NULL        22
#define NSNAPC_OPAL_NAME        29
#define NSNAPC_OPAL_JOBID       30
#define NSNAPC_OPAL_VPID        31
#define NSNAPC_OPAL_STATUS      32
#define NSNAPC_OPAL_DSS_ID_DYNAMIC 100

/* The ORTE names of the same ids (orte/types.h); orte_init registers ORTE_STD_CNTR with the DSS. */
#define NSNAPC_ORTE_NAME        NSNAPC_OPAL_NAME
#define NSNAPC_ORTE_JOBID       NSNAPC_OPAL_JOBID
#define NSNAPC_ORTE_VPID        NSNAPC_OPAL_VPID
#define NSNAPC_ORTE_STD_CNTR    (NSNAPC_OPAL_DSS_ID_DYNAMIC + 1)

/* The fixed-size types the "system" types are packed as on x86-64 (LP64, 1-byte bool). */
#define NSNAPC_OPAL_DATA_TYPE_T NSNAPC_OPAL_UINT8
#define NSNAPC_OPAL_JOBID_T     NSNAPC_OPAL_UINT32
#define NSNAPC_OPAL_VPID_T      NSNAPC_OPAL_UINT32
#define NSNAPC_ORTE_JOBID_T     NSNAPC_OPAL_JOBID_T
#define NSNAPC_ORTE_VPID_T      NSNAPC_OPAL_VPID_T
#define NSNAPC_ORTE_STD_CNTR_T  NSNAPC_OPAL_INT32
#define NSNAPC_DSS_TYPE_BOOL    NSNAPC_OPAL_UINT8
#define NSNAPC_DSS_TYPE_INT     NSNAPC_OPAL_INT32
#define NSNAPC_DSS_TYPE_UINT    NSNAPC_OPAL_UINT32
#define NSNAPC_DSS_TYPE_PID_T   NSNAPC_OPAL_UINT32
#define NSNAPC_DSS_TYPE_SIZE_T  NSNAPC_OPAL_UINT64

/* orte_std_cntr_t: the type of DSS counts in ORTE code. */
typedef int32_t nsnapc_orte_std_cntr_t;

#define NSNAPC_OPAL_DSS_DEFAULT_INITIAL_SIZE   2048
#define NSNAPC_OPAL_DSS_DEFAULT_THRESHOLD_SIZE 4096

/* enum opal_dss_buffer_type_t: not transmitted; both ends must agree (MCA dss_buffer_type). */
typedef enum nsnapc_opal_dss_buffer_type_t {
    NSNAPC_OPAL_DSS_BUFFER_NON_DESC = 0x00,
    NSNAPC_OPAL_DSS_BUFFER_FULLY_DESC = 0x01
} nsnapc_opal_dss_buffer_type_t;

/*
 * struct opal_buffer_t (OPAL_ENABLE_DEBUG=0): 64 bytes. base_ptr comes from malloc: the class
 * destructor frees it.
 */
typedef struct nsnapc_opal_buffer_t {
    nsnapc_opal_object_t parent;
    nsnapc_opal_dss_buffer_type_t type;
    char *base_ptr;
    char *pack_ptr;
    char *unpack_ptr;
    size_t bytes_allocated;
    size_t bytes_used;
} nsnapc_opal_buffer_t;

/* ---------------------------------------------------------------------------------------------
 * Status codes (opal/constants.h, orte/constants.h): the int every entry point returns.
 * ------------------------------------------------------------------------------------------- */

enum {
    NSNAPC_OPAL_SUCCESS = 0,
    NSNAPC_OPAL_ERROR = -1,
    NSNAPC_OPAL_ERR_OUT_OF_RESOURCE = -2,
    NSNAPC_OPAL_ERR_RESOURCE_BUSY = -4,
    NSNAPC_OPAL_ERR_BAD_PARAM = -5,
    NSNAPC_OPAL_ERR_NOT_IMPLEMENTED = -7,
    NSNAPC_OPAL_ERR_NOT_SUPPORTED = -8,
    NSNAPC_OPAL_ERR_UNREACH = -12,
    NSNAPC_OPAL_ERR_NOT_FOUND = -13,
    NSNAPC_OPAL_EXISTS = -14,
    NSNAPC_OPAL_ERR_TIMEOUT = -15,
    NSNAPC_OPAL_ERR_FILE_OPEN_FAILURE = -21,
    NSNAPC_OPAL_ERR_PACK_MISMATCH = -22,
    NSNAPC_OPAL_ERR_PACK_FAILURE = -23,
    NSNAPC_OPAL_ERR_UNPACK_FAILURE = -24,
    NSNAPC_OPAL_ERR_UNPACK_INADEQUATE_SPACE = -25,
    NSNAPC_OPAL_ERR_UNPACK_READ_PAST_END_OF_BUFFER = -26,
    NSNAPC_OPAL_ERR_TYPE_MISMATCH = -27,
    NSNAPC_OPAL_ERR_UNKNOWN_DATA_TYPE = -29,
    NSNAPC_OPAL_ERR_BUFFER = -30,
    NSNAPC_OPAL_ERR_SILENT = -43,
    NSNAPC_OPAL_ERR_NOT_INITIALIZED = -44,
    NSNAPC_OPAL_ERR_CONNECTION_FAILED = -49
};

/* ORTE re-exports the OPAL codes under its own names and adds codes below -100. */
enum {
    NSNAPC_ORTE_SUCCESS = NSNAPC_OPAL_SUCCESS,
    NSNAPC_ORTE_ERROR = NSNAPC_OPAL_ERROR,
    NSNAPC_ORTE_ERR_OUT_OF_RESOURCE = NSNAPC_OPAL_ERR_OUT_OF_RESOURCE,
    NSNAPC_ORTE_ERR_RESOURCE_BUSY = NSNAPC_OPAL_ERR_RESOURCE_BUSY,
    NSNAPC_ORTE_ERR_BAD_PARAM = NSNAPC_OPAL_ERR_BAD_PARAM,
    NSNAPC_ORTE_ERR_NOT_IMPLEMENTED = NSNAPC_OPAL_ERR_NOT_IMPLEMENTED,
    NSNAPC_ORTE_ERR_NOT_SUPPORTED = NSNAPC_OPAL_ERR_NOT_SUPPORTED,
    NSNAPC_ORTE_ERR_UNREACH = NSNAPC_OPAL_ERR_UNREACH,
    NSNAPC_ORTE_ERR_NOT_FOUND = NSNAPC_OPAL_ERR_NOT_FOUND,
    NSNAPC_ORTE_EXISTS = NSNAPC_OPAL_EXISTS,
    NSNAPC_ORTE_ERR_TIMEOUT = NSNAPC_OPAL_ERR_TIMEOUT,
    NSNAPC_ORTE_ERR_FILE_OPEN_FAILURE = NSNAPC_OPAL_ERR_FILE_OPEN_FAILURE,
    NSNAPC_ORTE_ERR_PACK_MISMATCH = NSNAPC_OPAL_ERR_PACK_MISMATCH,
    NSNAPC_ORTE_ERR_PACK_FAILURE = NSNAPC_OPAL_ERR_PACK_FAILURE,
    NSNAPC_ORTE_ERR_UNPACK_FAILURE = NSNAPC_OPAL_ERR_UNPACK_FAILURE,
    NSNAPC_ORTE_ERR_UNPACK_INADEQUATE_SPACE = NSNAPC_OPAL_ERR_UNPACK_INADEQUATE_SPACE,
    NSNAPC_ORTE_ERR_UNPACK_READ_PAST_END_OF_BUFFER = NSNAPC_OPAL_ERR_UNPACK_READ_PAST_END_OF_BUFFER,
    NSNAPC_ORTE_ERR_TYPE_MISMATCH = NSNAPC_OPAL_ERR_TYPE_MISMATCH,
    NSNAPC_ORTE_ERR_UNKNOWN_DATA_TYPE = NSNAPC_OPAL_ERR_UNKNOWN_DATA_TYPE,
    NSNAPC_ORTE_ERR_BUFFER = NSNAPC_OPAL_ERR_BUFFER,
    NSNAPC_ORTE_ERR_SILENT = NSNAPC_OPAL_ERR_SILENT,
    NSNAPC_ORTE_ERR_NOT_INITIALIZED = NSNAPC_OPAL_ERR_NOT_INITIALIZED,
    NSNAPC_ORTE_ERR_CONNECTION_FAILED = NSNAPC_OPAL_ERR_CONNECTION_FAILED,
    NSNAPC_ORTE_ERR_ADDRESSEE_UNKNOWN = -116,
    NSNAPC_ORTE_ERR_NO_PATH_TO_TARGET = -144
};

#ifdef __cplusplus
}
#endif

#endif /* NATIVE_SNAPC_OPAL_H */

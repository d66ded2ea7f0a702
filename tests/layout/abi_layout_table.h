/*
 * abi_layout_table.h: the layout facts of include/native_snapc/ as X-macro tables, each row naming
 * our declaration and the Open MPI 4.1 original it mirrors. Expanded by abi_layout_openmpi.c
 * (static assertions against the real headers); a program that has only our headers can expand
 * the same tables and ignore the original names (macro arguments are not looked up unless used).
 *
 * Only macro definitions: include the headers the expansion needs first.
 *
 * NSNAPC_LAYOUT_STRUCTS(X)   X(ours, theirs)              sizeof and alignment
 * NSNAPC_LAYOUT_FIELDS(X)    X(ours, theirs, field, kind) offset and size of every field, in order
 * NSNAPC_LAYOUT_TYPES(X)     X(ours, theirs, kind)        scalar, enum and function-pointer typedefs
 * NSNAPC_LAYOUT_CONSTANTS(X) X(ours, theirs)              integer constants and enumerators
 * NSNAPC_LAYOUT_STRINGS(X)   X(ours, theirs)              string constants
 *
 * kind: SAME   our type is the very same C type as the original's (checked as compatible),
 *       MIRROR our type is built from our mirrored structs/enums (only size and offset checked).
 *
 * Not in these tables, because no installed header has them: the component-private values of
 * orte/mca/snapc/full/snapc_full.h, checked by reading `git show v4.1.4:orte/mca/snapc/full/
 * snapc_full.h` (see abi_layout_openmpi.c for the list).
 */
#ifndef NSNAPC_ABI_LAYOUT_TABLE_H
#define NSNAPC_ABI_LAYOUT_TABLE_H

#define NSNAPC_LAYOUT_STRUCTS(X)                                                        \
    X(nsnapc_opal_class_t, opal_class_t)                                                \
    X(nsnapc_opal_object_t, opal_object_t)                                              \
    X(nsnapc_opal_list_item_t, opal_list_item_t)                                        \
    X(nsnapc_opal_process_name_t, opal_process_name_t)                                  \
    X(nsnapc_opal_buffer_t, opal_buffer_t)                                              \
    X(nsnapc_mca_base_module_t, mca_base_module_t)                                      \
    X(nsnapc_mca_base_component_t, mca_base_component_t)                                \
    X(nsnapc_mca_base_component_data_t, mca_base_component_data_t)                      \
    X(nsnapc_opal_crs_base_ckpt_options_t, opal_crs_base_ckpt_options_t)                \
    X(nsnapc_opal_crs_base_snapshot_t, opal_crs_base_snapshot_t)                        \
    X(nsnapc_opal_crs_base_component_t, opal_crs_base_component_t)                      \
    X(nsnapc_opal_crs_base_module_t, opal_crs_base_module_t)                            \
    X(nsnapc_orte_snapc_base_request_op_t, orte_snapc_base_request_op_t)                \
    X(nsnapc_orte_snapc_base_component_t, orte_snapc_base_component_t)                  \
    X(nsnapc_orte_snapc_base_module_t, orte_snapc_base_module_t)

#define NSNAPC_LAYOUT_FIELDS(X)                                                                        \
    X(nsnapc_opal_class_t, opal_class_t, cls_name, SAME)                                               \
    X(nsnapc_opal_class_t, opal_class_t, cls_parent, MIRROR)                                           \
    X(nsnapc_opal_class_t, opal_class_t, cls_construct, MIRROR)                                        \
    X(nsnapc_opal_class_t, opal_class_t, cls_destruct, MIRROR)                                         \
    X(nsnapc_opal_class_t, opal_class_t, cls_initialized, SAME)                                        \
    X(nsnapc_opal_class_t, opal_class_t, cls_depth, SAME)                                              \
    X(nsnapc_opal_class_t, opal_class_t, cls_construct_array, MIRROR)                                  \
    X(nsnapc_opal_class_t, opal_class_t, cls_destruct_array, MIRROR)                                   \
    X(nsnapc_opal_class_t, opal_class_t, cls_sizeof, SAME)                                             \
    X(nsnapc_opal_object_t, opal_object_t, obj_class, MIRROR)                                          \
    X(nsnapc_opal_object_t, opal_object_t, obj_reference_count, SAME)                                  \
    X(nsnapc_opal_list_item_t, opal_list_item_t, super, MIRROR)                                        \
    X(nsnapc_opal_list_item_t, opal_list_item_t, opal_list_next, MIRROR)                               \
    X(nsnapc_opal_list_item_t, opal_list_item_t, opal_list_prev, MIRROR)                               \
    X(nsnapc_opal_list_item_t, opal_list_item_t, item_free, SAME)                                      \
    X(nsnapc_opal_process_name_t, opal_process_name_t, jobid, SAME)                                    \
    X(nsnapc_opal_process_name_t, opal_process_name_t, vpid, SAME)                                     \
    X(nsnapc_opal_buffer_t, opal_buffer_t, parent, MIRROR)                                             \
    X(nsnapc_opal_buffer_t, opal_buffer_t, type, MIRROR)                                               \
    X(nsnapc_opal_buffer_t, opal_buffer_t, base_ptr, SAME)                                             \
    X(nsnapc_opal_buffer_t, opal_buffer_t, pack_ptr, SAME)                                             \
    X(nsnapc_opal_buffer_t, opal_buffer_t, unpack_ptr, SAME)                                           \
    X(nsnapc_opal_buffer_t, opal_buffer_t, bytes_allocated, SAME)                                      \
    X(nsnapc_opal_buffer_t, opal_buffer_t, bytes_used, SAME)                                           \
    X(nsnapc_mca_base_module_t, mca_base_module_t, dummy_value, SAME)                                  \
    X(nsnapc_mca_base_component_t, mca_base_component_t, mca_major_version, SAME)                      \
    X(nsnapc_mca_base_component_t, mca_base_component_t, mca_minor_version, SAME)                      \
    X(nsnapc_mca_base_component_t, mca_base_component_t, mca_release_version, SAME)                    \
    X(nsnapc_mca_base_component_t, mca_base_component_t, mca_project_name, SAME)                       \
    X(nsnapc_mca_base_component_t, mca_base_component_t, mca_project_major_version, SAME)              \
    X(nsnapc_mca_base_component_t, mca_base_component_t, mca_project_minor_version, SAME)              \
    X(nsnapc_mca_base_component_t, mca_base_component_t, mca_project_release_version, SAME)            \
    X(nsnapc_mca_base_component_t, mca_base_component_t, mca_type_name, SAME)                          \
    X(nsnapc_mca_base_component_t, mca_base_component_t, mca_type_major_version, SAME)                 \
    X(nsnapc_mca_base_component_t, mca_base_component_t, mca_type_minor_version, SAME)                 \
    X(nsnapc_mca_base_component_t, mca_base_component_t, mca_type_release_version, SAME)               \
    X(nsnapc_mca_base_component_t, mca_base_component_t, mca_component_name, SAME)                     \
    X(nsnapc_mca_base_component_t, mca_base_component_t, mca_component_major_version, SAME)            \
    X(nsnapc_mca_base_component_t, mca_base_component_t, mca_component_minor_version, SAME)            \
    X(nsnapc_mca_base_component_t, mca_base_component_t, mca_component_release_version, SAME)          \
    X(nsnapc_mca_base_component_t, mca_base_component_t, mca_open_component, SAME)                     \
    X(nsnapc_mca_base_component_t, mca_base_component_t, mca_close_component, SAME)                    \
    X(nsnapc_mca_base_component_t, mca_base_component_t, mca_query_component, MIRROR)                  \
    X(nsnapc_mca_base_component_t, mca_base_component_t, mca_register_component_params, SAME)          \
    X(nsnapc_mca_base_component_t, mca_base_component_t, mca_component_flags, SAME)                    \
    X(nsnapc_mca_base_component_t, mca_base_component_t, reserved, SAME)                               \
    X(nsnapc_mca_base_component_data_t, mca_base_component_data_t, param_field, SAME)                  \
    X(nsnapc_mca_base_component_data_t, mca_base_component_data_t, reserved, SAME)                     \
    X(nsnapc_opal_crs_base_ckpt_options_t, opal_crs_base_ckpt_options_t, super, MIRROR)                \
    X(nsnapc_opal_crs_base_ckpt_options_t, opal_crs_base_ckpt_options_t, term, SAME)                   \
    X(nsnapc_opal_crs_base_ckpt_options_t, opal_crs_base_ckpt_options_t, stop, SAME)                   \
    X(nsnapc_opal_crs_base_ckpt_options_t, opal_crs_base_ckpt_options_t, inc_prep_only, SAME)          \
    X(nsnapc_opal_crs_base_ckpt_options_t, opal_crs_base_ckpt_options_t, inc_recover_only, SAME)       \
    X(nsnapc_opal_crs_base_snapshot_t, opal_crs_base_snapshot_t, super, MIRROR)                        \
    X(nsnapc_opal_crs_base_snapshot_t, opal_crs_base_snapshot_t, component_name, SAME)                 \
    X(nsnapc_opal_crs_base_snapshot_t, opal_crs_base_snapshot_t, metadata_filename, SAME)              \
    X(nsnapc_opal_crs_base_snapshot_t, opal_crs_base_snapshot_t, metadata, SAME)                       \
    X(nsnapc_opal_crs_base_snapshot_t, opal_crs_base_snapshot_t, snapshot_directory, SAME)             \
    X(nsnapc_opal_crs_base_snapshot_t, opal_crs_base_snapshot_t, cold_start, SAME)                     \
    X(nsnapc_opal_crs_base_component_t, opal_crs_base_component_t, base_version, MIRROR)               \
    X(nsnapc_opal_crs_base_component_t, opal_crs_base_component_t, base_data, MIRROR)                  \
    X(nsnapc_opal_crs_base_component_t, opal_crs_base_component_t, verbose, SAME)                      \
    X(nsnapc_opal_crs_base_component_t, opal_crs_base_component_t, output_handle, SAME)                \
    X(nsnapc_opal_crs_base_component_t, opal_crs_base_component_t, priority, SAME)                     \
    X(nsnapc_opal_crs_base_module_t, opal_crs_base_module_t, crs_init, SAME)                           \
    X(nsnapc_opal_crs_base_module_t, opal_crs_base_module_t, crs_finalize, SAME)                       \
    X(nsnapc_opal_crs_base_module_t, opal_crs_base_module_t, crs_checkpoint, MIRROR)                   \
    X(nsnapc_opal_crs_base_module_t, opal_crs_base_module_t, crs_restart, MIRROR)                      \
    X(nsnapc_opal_crs_base_module_t, opal_crs_base_module_t, crs_disable_checkpoint, SAME)             \
    X(nsnapc_opal_crs_base_module_t, opal_crs_base_module_t, crs_enable_checkpoint, SAME)              \
    X(nsnapc_opal_crs_base_module_t, opal_crs_base_module_t, crs_prelaunch, SAME)                      \
    X(nsnapc_opal_crs_base_module_t, opal_crs_base_module_t, crs_reg_thread, SAME)                     \
    X(nsnapc_orte_snapc_base_request_op_t, orte_snapc_base_request_op_t, super, MIRROR)                \
    X(nsnapc_orte_snapc_base_request_op_t, orte_snapc_base_request_op_t, event, MIRROR)                \
    X(nsnapc_orte_snapc_base_request_op_t, orte_snapc_base_request_op_t, is_active, SAME)              \
    X(nsnapc_orte_snapc_base_request_op_t, orte_snapc_base_request_op_t, leader, SAME)                 \
    X(nsnapc_orte_snapc_base_request_op_t, orte_snapc_base_request_op_t, seq_num, SAME)                \
    X(nsnapc_orte_snapc_base_request_op_t, orte_snapc_base_request_op_t, global_handle, SAME)          \
    X(nsnapc_orte_snapc_base_request_op_t, orte_snapc_base_request_op_t, ss_handle, SAME)              \
    X(nsnapc_orte_snapc_base_request_op_t, orte_snapc_base_request_op_t, mig_num, SAME)                \
    X(nsnapc_orte_snapc_base_request_op_t, orte_snapc_base_request_op_t, mig_vpids, SAME)              \
    X(nsnapc_orte_snapc_base_request_op_t, orte_snapc_base_request_op_t, mig_host_pref, SAME)          \
    X(nsnapc_orte_snapc_base_request_op_t, orte_snapc_base_request_op_t, mig_vpid_pref, SAME)          \
    X(nsnapc_orte_snapc_base_request_op_t, orte_snapc_base_request_op_t, mig_off_node, SAME)           \
    X(nsnapc_orte_snapc_base_component_t, orte_snapc_base_component_t, base_version, MIRROR)           \
    X(nsnapc_orte_snapc_base_component_t, orte_snapc_base_component_t, base_data, MIRROR)              \
    X(nsnapc_orte_snapc_base_component_t, orte_snapc_base_component_t, verbose, SAME)                  \
    X(nsnapc_orte_snapc_base_component_t, orte_snapc_base_component_t, output_handle, SAME)            \
    X(nsnapc_orte_snapc_base_component_t, orte_snapc_base_component_t, priority, SAME)                 \
    X(nsnapc_orte_snapc_base_module_t, orte_snapc_base_module_t, snapc_init, SAME)                     \
    X(nsnapc_orte_snapc_base_module_t, orte_snapc_base_module_t, snapc_finalize, SAME)                 \
    X(nsnapc_orte_snapc_base_module_t, orte_snapc_base_module_t, setup_job, SAME)                      \
    X(nsnapc_orte_snapc_base_module_t, orte_snapc_base_module_t, release_job, SAME)                    \
    X(nsnapc_orte_snapc_base_module_t, orte_snapc_base_module_t, ft_event, SAME)                       \
    X(nsnapc_orte_snapc_base_module_t, orte_snapc_base_module_t, start_ckpt, MIRROR)                   \
    X(nsnapc_orte_snapc_base_module_t, orte_snapc_base_module_t, end_ckpt, MIRROR)                     \
    X(nsnapc_orte_snapc_base_module_t, orte_snapc_base_module_t, request_op, MIRROR)

#define NSNAPC_LAYOUT_TYPES(X)                                                                         \
    X(nsnapc_opal_construct_t, opal_construct_t, MIRROR)                                               \
    X(nsnapc_opal_destruct_t, opal_destruct_t, MIRROR)                                                 \
    X(nsnapc_opal_jobid_t, opal_jobid_t, SAME)                                                         \
    X(nsnapc_opal_vpid_t, opal_vpid_t, SAME)                                                           \
    X(nsnapc_orte_jobid_t, orte_jobid_t, SAME)                                                         \
    X(nsnapc_orte_vpid_t, orte_vpid_t, SAME)                                                           \
    X(nsnapc_orte_process_name_t, orte_process_name_t, MIRROR)                                         \
    X(nsnapc_opal_data_type_t, opal_data_type_t, SAME)                                                 \
    X(nsnapc_orte_std_cntr_t, orte_std_cntr_t, SAME)                                                   \
    X(nsnapc_opal_dss_buffer_type_t, opal_dss_buffer_type_t, MIRROR)                                   \
    X(nsnapc_mca_base_open_component_1_0_0_fn_t, mca_base_open_component_1_0_0_fn_t, SAME)             \
    X(nsnapc_mca_base_close_component_1_0_0_fn_t, mca_base_close_component_1_0_0_fn_t, SAME)           \
    X(nsnapc_mca_base_query_component_2_0_0_fn_t, mca_base_query_component_2_0_0_fn_t, MIRROR)         \
    X(nsnapc_mca_base_register_component_params_2_0_0_fn_t,                                            \
      mca_base_register_component_params_2_0_0_fn_t, SAME)                                             \
    X(nsnapc_opal_crs_state_type_t, opal_crs_state_type_t, MIRROR)                                     \
    X(nsnapc_opal_crs_base_module_init_fn_t, opal_crs_base_module_init_fn_t, SAME)                     \
    X(nsnapc_opal_crs_base_module_finalize_fn_t, opal_crs_base_module_finalize_fn_t, SAME)             \
    X(nsnapc_opal_crs_base_module_checkpoint_fn_t, opal_crs_base_module_checkpoint_fn_t, MIRROR)       \
    X(nsnapc_opal_crs_base_module_restart_fn_t, opal_crs_base_module_restart_fn_t, MIRROR)             \
    X(nsnapc_opal_crs_base_module_disable_checkpoint_fn_t,                                             \
      opal_crs_base_module_disable_checkpoint_fn_t, SAME)                                              \
    X(nsnapc_opal_crs_base_module_enable_checkpoint_fn_t,                                              \
      opal_crs_base_module_enable_checkpoint_fn_t, SAME)                                               \
    X(nsnapc_opal_crs_base_module_prelaunch_fn_t, opal_crs_base_module_prelaunch_fn_t, SAME)           \
    X(nsnapc_opal_crs_base_module_reg_thread_fn_t, opal_crs_base_module_reg_thread_fn_t, SAME)         \
    X(nsnapc_opal_cr_ckpt_cmd_state_t, opal_cr_ckpt_cmd_state_t, MIRROR)                               \
    X(nsnapc_opal_cr_notify_callback_fn_t, opal_cr_notify_callback_fn_t, MIRROR)                       \
    X(nsnapc_orte_sstore_base_handle_t, orte_sstore_base_handle_t, SAME)                               \
    X(nsnapc_orte_sstore_base_key_t, orte_sstore_base_key_t, SAME)                                     \
    X(nsnapc_orte_rml_tag_t, orte_rml_tag_t, SAME)                                                     \
    X(nsnapc_orte_rml_conduit_t, orte_rml_conduit_t, SAME)                                             \
    X(nsnapc_orte_snapc_cmd_flag_t, orte_snapc_cmd_flag_t, SAME)                                       \
    X(nsnapc_orte_snapc_coord_type_t, orte_snapc_coord_type_t, SAME)                                   \
    X(nsnapc_orte_snapc_base_request_op_event_t, orte_snapc_base_request_op_event_t, MIRROR)           \
    X(nsnapc_orte_snapc_base_module_init_fn_t, orte_snapc_base_module_init_fn_t, SAME)                 \
    X(nsnapc_orte_snapc_base_module_finalize_fn_t, orte_snapc_base_module_finalize_fn_t, SAME)         \
    X(nsnapc_orte_snapc_base_setup_job_fn_t, orte_snapc_base_setup_job_fn_t, SAME)                     \
    X(nsnapc_orte_snapc_base_release_job_fn_t, orte_snapc_base_release_job_fn_t, SAME)                 \
    X(nsnapc_orte_snapc_base_ft_event_fn_t, orte_snapc_base_ft_event_fn_t, SAME)                       \
    X(nsnapc_orte_snapc_base_start_checkpoint_fn_t, orte_snapc_base_start_checkpoint_fn_t, MIRROR)     \
    X(nsnapc_orte_snapc_base_end_checkpoint_fn_t, orte_snapc_base_end_checkpoint_fn_t, MIRROR)         \
    X(nsnapc_orte_snapc_base_request_op_fn_t, orte_snapc_base_request_op_fn_t, MIRROR)

#define NSNAPC_LAYOUT_CONSTANTS(X)                                                                     \
    /* opal.h: process names */                                                                        \
    X(NSNAPC_OPAL_JOBID_INVALID, OPAL_JOBID_INVALID)                                                   \
    X(NSNAPC_OPAL_JOBID_WILDCARD, OPAL_JOBID_WILDCARD)                                                 \
    X(NSNAPC_OPAL_VPID_INVALID, OPAL_VPID_INVALID)                                                     \
    X(NSNAPC_OPAL_VPID_WILDCARD, OPAL_VPID_WILDCARD)                                                   \
    X(NSNAPC_ORTE_JOBID_INVALID, ORTE_JOBID_INVALID)                                                   \
    X(NSNAPC_ORTE_JOBID_WILDCARD, ORTE_JOBID_WILDCARD)                                                 \
    X(NSNAPC_ORTE_VPID_INVALID, ORTE_VPID_INVALID)                                                     \
    X(NSNAPC_ORTE_VPID_WILDCARD, ORTE_VPID_WILDCARD)                                                   \
    X(NSNAPC_OPAL_MAX_PROCESSOR_NAME, OPAL_MAX_PROCESSOR_NAME)                                         \
    /* opal.h: DSS type ids */                                                                         \
    X(NSNAPC_OPAL_UNDEF, OPAL_UNDEF)                                                                   \
    X(NSNAPC_OPAL_BYTE, OPAL_BYTE)                                                                     \
    X(NSNAPC_OPAL_BOOL, OPAL_BOOL)                                                                     \
    X(NSNAPC_OPAL_STRING, OPAL_STRING)                                                                 \
    X(NSNAPC_OPAL_SIZE, OPAL_SIZE)                                                                     \
    X(NSNAPC_OPAL_PID, OPAL_PID)                                                                       \
    X(NSNAPC_OPAL_INT, OPAL_INT)                                                                       \
    X(NSNAPC_OPAL_INT8, OPAL_INT8)                                                                     \
    X(NSNAPC_OPAL_INT16, OPAL_INT16)                                                                   \
    X(NSNAPC_OPAL_INT32, OPAL_INT32)                                                                   \
    X(NSNAPC_OPAL_INT64, OPAL_INT64)                                                                   \
    X(NSNAPC_OPAL_UINT, OPAL_UINT)                                                                     \
    X(NSNAPC_OPAL_UINT8, OPAL_UINT8)                                                                   \
    X(NSNAPC_OPAL_UINT16, OPAL_UINT16)                                                                 \
    X(NSNAPC_OPAL_UINT32, OPAL_UINT32)                                                                 \
    X(NSNAPC_OPAL_UINT64, OPAL_UINT64)                                                                 \
    X(NSNAPC_OPAL_DATA_TYPE, OPAL_DATA_TYPE)                                                           \
    X(NSNAPC_OPAL_NULL, OPAL_NULL)                                                                     \
    X(NSNAPC_OPAL_NAME, OPAL_NAME)                                                                     \
    X(NSNAPC_OPAL_JOBID, OPAL_JOBID)                                                                   \
    X(NSNAPC_OPAL_VPID, OPAL_VPID)                                                                     \
    X(NSNAPC_OPAL_STATUS, OPAL_STATUS)                                                                 \
    X(NSNAPC_OPAL_DSS_ID_DYNAMIC, OPAL_DSS_ID_DYNAMIC)                                                 \
    X(NSNAPC_ORTE_NAME, ORTE_NAME)                                                                     \
    X(NSNAPC_ORTE_JOBID, ORTE_JOBID)                                                                   \
    X(NSNAPC_ORTE_VPID, ORTE_VPID)                                                                     \
    X(NSNAPC_ORTE_STD_CNTR, ORTE_STD_CNTR)                                                             \
    X(NSNAPC_OPAL_DATA_TYPE_T, OPAL_DATA_TYPE_T)                                                       \
    X(NSNAPC_OPAL_JOBID_T, OPAL_JOBID_T)                                                               \
    X(NSNAPC_OPAL_VPID_T, OPAL_VPID_T)                                                                 \
    X(NSNAPC_ORTE_JOBID_T, ORTE_JOBID_T)                                                               \
    X(NSNAPC_ORTE_VPID_T, ORTE_VPID_T)                                                                 \
    X(NSNAPC_ORTE_STD_CNTR_T, ORTE_STD_CNTR_T)                                                         \
    X(NSNAPC_DSS_TYPE_BOOL, DSS_TYPE_BOOL)                                                             \
    X(NSNAPC_DSS_TYPE_INT, DSS_TYPE_INT)                                                               \
    X(NSNAPC_DSS_TYPE_UINT, DSS_TYPE_UINT)                                                             \
    X(NSNAPC_DSS_TYPE_PID_T, DSS_TYPE_PID_T)                                                           \
    X(NSNAPC_DSS_TYPE_SIZE_T, DSS_TYPE_SIZE_T)                                                         \
    X(NSNAPC_OPAL_DSS_DEFAULT_INITIAL_SIZE, OPAL_DSS_DEFAULT_INITIAL_SIZE)                             \
    X(NSNAPC_OPAL_DSS_DEFAULT_THRESHOLD_SIZE, OPAL_DSS_DEFAULT_THRESHOLD_SIZE)                         \
    X(NSNAPC_OPAL_DSS_BUFFER_NON_DESC, OPAL_DSS_BUFFER_NON_DESC)                                       \
    X(NSNAPC_OPAL_DSS_BUFFER_FULLY_DESC, OPAL_DSS_BUFFER_FULLY_DESC)                                   \
    /* opal.h: status codes */                                                                         \
    X(NSNAPC_OPAL_SUCCESS, OPAL_SUCCESS)                                                               \
    X(NSNAPC_OPAL_ERROR, OPAL_ERROR)                                                                   \
    X(NSNAPC_OPAL_ERR_OUT_OF_RESOURCE, OPAL_ERR_OUT_OF_RESOURCE)                                       \
    X(NSNAPC_OPAL_ERR_RESOURCE_BUSY, OPAL_ERR_RESOURCE_BUSY)                                           \
    X(NSNAPC_OPAL_ERR_BAD_PARAM, OPAL_ERR_BAD_PARAM)                                                   \
    X(NSNAPC_OPAL_ERR_NOT_IMPLEMENTED, OPAL_ERR_NOT_IMPLEMENTED)                                       \
    X(NSNAPC_OPAL_ERR_NOT_SUPPORTED, OPAL_ERR_NOT_SUPPORTED)                                           \
    X(NSNAPC_OPAL_ERR_UNREACH, OPAL_ERR_UNREACH)                                                       \
    X(NSNAPC_OPAL_ERR_NOT_FOUND, OPAL_ERR_NOT_FOUND)                                                   \
    X(NSNAPC_OPAL_EXISTS, OPAL_EXISTS)                                                                 \
    X(NSNAPC_OPAL_ERR_TIMEOUT, OPAL_ERR_TIMEOUT)                                                       \
    X(NSNAPC_OPAL_ERR_FILE_OPEN_FAILURE, OPAL_ERR_FILE_OPEN_FAILURE)                                   \
    X(NSNAPC_OPAL_ERR_PACK_MISMATCH, OPAL_ERR_PACK_MISMATCH)                                           \
    X(NSNAPC_OPAL_ERR_PACK_FAILURE, OPAL_ERR_PACK_FAILURE)                                             \
    X(NSNAPC_OPAL_ERR_UNPACK_FAILURE, OPAL_ERR_UNPACK_FAILURE)                                         \
    X(NSNAPC_OPAL_ERR_UNPACK_INADEQUATE_SPACE, OPAL_ERR_UNPACK_INADEQUATE_SPACE)                       \
    X(NSNAPC_OPAL_ERR_UNPACK_READ_PAST_END_OF_BUFFER, OPAL_ERR_UNPACK_READ_PAST_END_OF_BUFFER)         \
    X(NSNAPC_OPAL_ERR_TYPE_MISMATCH, OPAL_ERR_TYPE_MISMATCH)                                           \
    X(NSNAPC_OPAL_ERR_UNKNOWN_DATA_TYPE, OPAL_ERR_UNKNOWN_DATA_TYPE)                                   \
    X(NSNAPC_OPAL_ERR_BUFFER, OPAL_ERR_BUFFER)                                                         \
    X(NSNAPC_OPAL_ERR_SILENT, OPAL_ERR_SILENT)                                                         \
    X(NSNAPC_OPAL_ERR_NOT_INITIALIZED, OPAL_ERR_NOT_INITIALIZED)                                       \
    X(NSNAPC_OPAL_ERR_CONNECTION_FAILED, OPAL_ERR_CONNECTION_FAILED)                                   \
    X(NSNAPC_ORTE_SUCCESS, ORTE_SUCCESS)                                                               \
    X(NSNAPC_ORTE_ERROR, ORTE_ERROR)                                                                   \
    X(NSNAPC_ORTE_ERR_OUT_OF_RESOURCE, ORTE_ERR_OUT_OF_RESOURCE)                                       \
    X(NSNAPC_ORTE_ERR_BAD_PARAM, ORTE_ERR_BAD_PARAM)                                                   \
    X(NSNAPC_ORTE_ERR_NOT_IMPLEMENTED, ORTE_ERR_NOT_IMPLEMENTED)                                       \
    X(NSNAPC_ORTE_ERR_NOT_SUPPORTED, ORTE_ERR_NOT_SUPPORTED)                                           \
    X(NSNAPC_ORTE_ERR_UNREACH, ORTE_ERR_UNREACH)                                                       \
    X(NSNAPC_ORTE_ERR_NOT_FOUND, ORTE_ERR_NOT_FOUND)                                                   \
    X(NSNAPC_ORTE_EXISTS, ORTE_EXISTS)                                                                 \
    X(NSNAPC_ORTE_ERR_TIMEOUT, ORTE_ERR_TIMEOUT)                                                       \
    X(NSNAPC_ORTE_ERR_PACK_MISMATCH, ORTE_ERR_PACK_MISMATCH)                                           \
    X(NSNAPC_ORTE_ERR_PACK_FAILURE, ORTE_ERR_PACK_FAILURE)                                             \
    X(NSNAPC_ORTE_ERR_UNPACK_FAILURE, ORTE_ERR_UNPACK_FAILURE)                                         \
    X(NSNAPC_ORTE_ERR_UNPACK_INADEQUATE_SPACE, ORTE_ERR_UNPACK_INADEQUATE_SPACE)                       \
    X(NSNAPC_ORTE_ERR_UNPACK_READ_PAST_END_OF_BUFFER, ORTE_ERR_UNPACK_READ_PAST_END_OF_BUFFER)         \
    X(NSNAPC_ORTE_ERR_TYPE_MISMATCH, ORTE_ERR_TYPE_MISMATCH)                                           \
    X(NSNAPC_ORTE_ERR_UNKNOWN_DATA_TYPE, ORTE_ERR_UNKNOWN_DATA_TYPE)                                   \
    X(NSNAPC_ORTE_ERR_BUFFER, ORTE_ERR_BUFFER)                                                         \
    X(NSNAPC_ORTE_ERR_SILENT, ORTE_ERR_SILENT)                                                         \
    X(NSNAPC_ORTE_ERR_RESOURCE_BUSY, ORTE_ERR_RESOURCE_BUSY)                                           \
    X(NSNAPC_ORTE_ERR_FILE_OPEN_FAILURE, ORTE_ERR_FILE_OPEN_FAILURE)                                   \
    X(NSNAPC_ORTE_ERR_NOT_INITIALIZED, ORTE_ERR_NOT_INITIALIZED)                                       \
    X(NSNAPC_ORTE_ERR_CONNECTION_FAILED, ORTE_ERR_CONNECTION_FAILED)                                   \
    X(NSNAPC_ORTE_ERR_ADDRESSEE_UNKNOWN, ORTE_ERR_ADDRESSEE_UNKNOWN)                                   \
    X(NSNAPC_ORTE_ERR_NO_PATH_TO_TARGET, ORTE_ERR_NO_PATH_TO_TARGET)                                   \
    /* mca.h */                                                                                        \
    X(NSNAPC_MCA_BASE_VERSION_MAJOR, MCA_BASE_VERSION_MAJOR)                                           \
    X(NSNAPC_MCA_BASE_VERSION_MINOR, MCA_BASE_VERSION_MINOR)                                           \
    X(NSNAPC_MCA_BASE_VERSION_RELEASE, MCA_BASE_VERSION_RELEASE)                                       \
    X(NSNAPC_MCA_BASE_MAX_PROJECT_NAME_LEN, MCA_BASE_MAX_PROJECT_NAME_LEN)                             \
    X(NSNAPC_MCA_BASE_MAX_TYPE_NAME_LEN, MCA_BASE_MAX_TYPE_NAME_LEN)                                   \
    X(NSNAPC_MCA_BASE_MAX_COMPONENT_NAME_LEN, MCA_BASE_MAX_COMPONENT_NAME_LEN)                         \
    X(NSNAPC_MCA_BASE_COMPONENT_FLAG_REQUIRED, MCA_BASE_COMPONENT_FLAG_REQUIRED)                       \
    X(NSNAPC_MCA_BASE_METADATA_PARAM_NONE, MCA_BASE_METADATA_PARAM_NONE)                               \
    X(NSNAPC_MCA_BASE_METADATA_PARAM_CHECKPOINT, MCA_BASE_METADATA_PARAM_CHECKPOINT)                   \
    X(NSNAPC_MCA_BASE_METADATA_PARAM_DEBUG, MCA_BASE_METADATA_PARAM_DEBUG)                             \
    X(NSNAPC_OPAL_MAJOR_VERSION, OPAL_MAJOR_VERSION)                                                   \
    X(NSNAPC_OPAL_MINOR_VERSION, OPAL_MINOR_VERSION)                                                   \
    X(NSNAPC_OPAL_RELEASE_VERSION, OPAL_RELEASE_VERSION)                                               \
    X(NSNAPC_ORTE_MAJOR_VERSION, ORTE_MAJOR_VERSION)                                                   \
    X(NSNAPC_ORTE_MINOR_VERSION, ORTE_MINOR_VERSION)                                                   \
    X(NSNAPC_ORTE_RELEASE_VERSION, ORTE_RELEASE_VERSION)                                               \
    /* crs.h */                                                                                        \
    X(NSNAPC_OPAL_CRS_NONE, OPAL_CRS_NONE)                                                             \
    X(NSNAPC_OPAL_CRS_CHECKPOINT, OPAL_CRS_CHECKPOINT)                                                 \
    X(NSNAPC_OPAL_CRS_RESTART_PRE, OPAL_CRS_RESTART_PRE)                                               \
    X(NSNAPC_OPAL_CRS_RESTART, OPAL_CRS_RESTART)                                                       \
    X(NSNAPC_OPAL_CRS_CONTINUE, OPAL_CRS_CONTINUE)                                                     \
    X(NSNAPC_OPAL_CRS_TERM, OPAL_CRS_TERM)                                                             \
    X(NSNAPC_OPAL_CRS_RUNNING, OPAL_CRS_RUNNING)                                                       \
    X(NSNAPC_OPAL_CRS_ERROR, OPAL_CRS_ERROR)                                                           \
    X(NSNAPC_OPAL_CRS_STATE_MAX, OPAL_CRS_STATE_MAX)                                                   \
    X(NSNAPC_OPAL_CHECKPOINT_CMD_START, OPAL_CHECKPOINT_CMD_START)                                     \
    X(NSNAPC_OPAL_CHECKPOINT_CMD_IN_PROGRESS, OPAL_CHECKPOINT_CMD_IN_PROGRESS)                         \
    X(NSNAPC_OPAL_CHECKPOINT_CMD_NULL, OPAL_CHECKPOINT_CMD_NULL)                                       \
    X(NSNAPC_OPAL_CHECKPOINT_CMD_ERROR, OPAL_CHECKPOINT_CMD_ERROR)                                     \
    X(NSNAPC_OPAL_CR_STATUS_NONE, OPAL_CR_STATUS_NONE)                                                 \
    X(NSNAPC_OPAL_CR_STATUS_REQUESTED, OPAL_CR_STATUS_REQUESTED)                                       \
    X(NSNAPC_OPAL_CR_STATUS_RUNNING, OPAL_CR_STATUS_RUNNING)                                           \
    X(NSNAPC_OPAL_CR_STATUS_TERM, OPAL_CR_STATUS_TERM)                                                 \
    X(NSNAPC_OPAL_CR_STATUS_CONTINUE, OPAL_CR_STATUS_CONTINUE)                                         \
    X(NSNAPC_OPAL_CR_STATUS_RESTART_PRE, OPAL_CR_STATUS_RESTART_PRE)                                   \
    X(NSNAPC_OPAL_CR_STATUS_RESTART_POST, OPAL_CR_STATUS_RESTART_POST)                                 \
    X(NSNAPC_OPAL_CR_TIMER_ENTRY0, OPAL_CR_TIMER_ENTRY0)                                               \
    X(NSNAPC_OPAL_CR_TIMER_ENTRY1, OPAL_CR_TIMER_ENTRY1)                                               \
    X(NSNAPC_OPAL_CR_TIMER_ENTRY2, OPAL_CR_TIMER_ENTRY2)                                               \
    X(NSNAPC_OPAL_CR_TIMER_ENTRY3, OPAL_CR_TIMER_ENTRY3)                                               \
    X(NSNAPC_OPAL_CR_TIMER_ENTRY4, OPAL_CR_TIMER_ENTRY4)                                               \
    X(NSNAPC_OPAL_CR_TIMER_MAX, OPAL_CR_TIMER_MAX)                                                     \
    /* snapc.h: sstore */                                                                              \
    X(NSNAPC_ORTE_SSTORE_HANDLE, ORTE_SSTORE_HANDLE)                                                   \
    X(NSNAPC_ORTE_SSTORE_HANDLE_INVALID, ORTE_SSTORE_HANDLE_INVALID)                                   \
    X(NSNAPC_SSTORE_METADATA_LOCAL_CRS_COMP, SSTORE_METADATA_LOCAL_CRS_COMP)                           \
    X(NSNAPC_SSTORE_METADATA_LOCAL_COMPRESS_COMP, SSTORE_METADATA_LOCAL_COMPRESS_COMP)                 \
    X(NSNAPC_SSTORE_METADATA_LOCAL_COMPRESS_POSTFIX, SSTORE_METADATA_LOCAL_COMPRESS_POSTFIX)           \
    X(NSNAPC_SSTORE_METADATA_LOCAL_PID, SSTORE_METADATA_LOCAL_PID)                                     \
    X(NSNAPC_SSTORE_METADATA_LOCAL_CONTEXT, SSTORE_METADATA_LOCAL_CONTEXT)                             \
    X(NSNAPC_SSTORE_METADATA_LOCAL_MKDIR, SSTORE_METADATA_LOCAL_MKDIR)                                 \
    X(NSNAPC_SSTORE_METADATA_LOCAL_TOUCH, SSTORE_METADATA_LOCAL_TOUCH)                                 \
    X(NSNAPC_SSTORE_METADATA_LOCAL_SNAP_REF, SSTORE_METADATA_LOCAL_SNAP_REF)                           \
    X(NSNAPC_SSTORE_METADATA_LOCAL_SNAP_REF_FMT, SSTORE_METADATA_LOCAL_SNAP_REF_FMT)                   \
    X(NSNAPC_SSTORE_METADATA_LOCAL_SNAP_LOC, SSTORE_METADATA_LOCAL_SNAP_LOC)                           \
    X(NSNAPC_SSTORE_METADATA_LOCAL_SNAP_REF_LOC_FMT, SSTORE_METADATA_LOCAL_SNAP_REF_LOC_FMT)           \
    X(NSNAPC_SSTORE_METADATA_LOCAL_SNAP_META, SSTORE_METADATA_LOCAL_SNAP_META)                         \
    X(NSNAPC_SSTORE_METADATA_GLOBAL_SNAP_REF, SSTORE_METADATA_GLOBAL_SNAP_REF)                         \
    X(NSNAPC_SSTORE_METADATA_GLOBAL_SNAP_LOC, SSTORE_METADATA_GLOBAL_SNAP_LOC)                         \
    X(NSNAPC_SSTORE_METADATA_GLOBAL_SNAP_LOC_ABS, SSTORE_METADATA_GLOBAL_SNAP_LOC_ABS)                 \
    X(NSNAPC_SSTORE_METADATA_GLOBAL_SNAP_META, SSTORE_METADATA_GLOBAL_SNAP_META)                       \
    X(NSNAPC_SSTORE_METADATA_GLOBAL_SNAP_SEQ, SSTORE_METADATA_GLOBAL_SNAP_SEQ)                         \
    X(NSNAPC_SSTORE_METADATA_GLOBAL_AMCA_PARAM, SSTORE_METADATA_GLOBAL_AMCA_PARAM)                     \
    X(NSNAPC_SSTORE_METADATA_GLOBAL_SNAP_NUM_SEQ, SSTORE_METADATA_GLOBAL_SNAP_NUM_SEQ)                 \
    X(NSNAPC_SSTORE_METADATA_GLOBAL_SNAP_ALL_SEQ, SSTORE_METADATA_GLOBAL_SNAP_ALL_SEQ)                 \
    X(NSNAPC_SSTORE_METADATA_BASE_LOC, SSTORE_METADATA_BASE_LOC)                                       \
    X(NSNAPC_SSTORE_METADATA_LOCAL_SKIP_CKPT, SSTORE_METADATA_LOCAL_SKIP_CKPT)                         \
    X(NSNAPC_SSTORE_METADATA_GLOBAL_MIGRATING, SSTORE_METADATA_GLOBAL_MIGRATING)                       \
    X(NSNAPC_SSTORE_METADATA_GLOBAL_TUNE_PARAM, SSTORE_METADATA_GLOBAL_TUNE_PARAM)                     \
    X(NSNAPC_SSTORE_METADATA_MAX, SSTORE_METADATA_MAX)                                                 \
    /* snapc.h: RML */                                                                                 \
    X(NSNAPC_ORTE_RML_TAG_INVALID, ORTE_RML_TAG_INVALID)                                               \
    X(NSNAPC_ORTE_RML_TAG_CKPT, ORTE_RML_TAG_CKPT)                                                     \
    X(NSNAPC_ORTE_RML_TAG_SNAPC, ORTE_RML_TAG_SNAPC)                                                   \
    X(NSNAPC_ORTE_RML_TAG_SNAPC_FULL, ORTE_RML_TAG_SNAPC_FULL)                                         \
    X(NSNAPC_ORTE_RML_PERSISTENT, ORTE_RML_PERSISTENT)                                                 \
    X(NSNAPC_ORTE_RML_NON_PERSISTENT, ORTE_RML_NON_PERSISTENT)                                         \
    X(NSNAPC_ORTE_RML_CONDUIT_INVALID, ORTE_RML_CONDUIT_INVALID)                                       \
    /* snapc.h: commands, coordinator types, checkpoint states, request-op events */                   \
    X(NSNAPC_ORTE_SNAPC_CMD, ORTE_SNAPC_CMD)                                                           \
    X(NSNAPC_ORTE_SNAPC_GLOBAL_INIT_CMD, ORTE_SNAPC_GLOBAL_INIT_CMD)                                   \
    X(NSNAPC_ORTE_SNAPC_GLOBAL_TERM_CMD, ORTE_SNAPC_GLOBAL_TERM_CMD)                                   \
    X(NSNAPC_ORTE_SNAPC_GLOBAL_UPDATE_CMD, ORTE_SNAPC_GLOBAL_UPDATE_CMD)                               \
    X(NSNAPC_ORTE_SNAPC_LOCAL_UPDATE_CMD, ORTE_SNAPC_LOCAL_UPDATE_CMD)                                 \
    X(NSNAPC_ORTE_SNAPC_LOCAL_FINISH_CMD, ORTE_SNAPC_LOCAL_FINISH_CMD)                                 \
    X(NSNAPC_ORTE_SNAPC_UNASSIGN_TYPE, ORTE_SNAPC_UNASSIGN_TYPE)                                       \
    X(NSNAPC_ORTE_SNAPC_GLOBAL_COORD_TYPE, ORTE_SNAPC_GLOBAL_COORD_TYPE)                               \
    X(NSNAPC_ORTE_SNAPC_LOCAL_COORD_TYPE, ORTE_SNAPC_LOCAL_COORD_TYPE)                                 \
    X(NSNAPC_ORTE_SNAPC_APP_COORD_TYPE, ORTE_SNAPC_APP_COORD_TYPE)                                     \
    X(NSNAPC_ORTE_SNAPC_CKPT_STATE_ERROR, ORTE_SNAPC_CKPT_STATE_ERROR)                                 \
    X(NSNAPC_ORTE_SNAPC_CKPT_STATE_NONE, ORTE_SNAPC_CKPT_STATE_NONE)                                   \
    X(NSNAPC_ORTE_SNAPC_CKPT_STATE_REQUEST, ORTE_SNAPC_CKPT_STATE_REQUEST)                             \
    X(NSNAPC_ORTE_SNAPC_CKPT_STATE_PENDING, ORTE_SNAPC_CKPT_STATE_PENDING)                             \
    X(NSNAPC_ORTE_SNAPC_CKPT_STATE_RUNNING, ORTE_SNAPC_CKPT_STATE_RUNNING)                             \
    X(NSNAPC_ORTE_SNAPC_CKPT_STATE_INC_PREPED, ORTE_SNAPC_CKPT_STATE_INC_PREPED)                       \
    X(NSNAPC_ORTE_SNAPC_CKPT_STATE_STOPPED, ORTE_SNAPC_CKPT_STATE_STOPPED)                             \
    X(NSNAPC_ORTE_SNAPC_CKPT_STATE_FINISHED_LOCAL, ORTE_SNAPC_CKPT_STATE_FINISHED_LOCAL)               \
    X(NSNAPC_ORTE_SNAPC_CKPT_STATE_MIGRATING, ORTE_SNAPC_CKPT_STATE_MIGRATING)                         \
    X(NSNAPC_ORTE_SNAPC_CKPT_STATE_ESTABLISHED, ORTE_SNAPC_CKPT_STATE_ESTABLISHED)                     \
    X(NSNAPC_ORTE_SNAPC_CKPT_STATE_RECOVERED, ORTE_SNAPC_CKPT_STATE_RECOVERED)                         \
    X(NSNAPC_ORTE_SNAPC_CKPT_STATE_NO_CKPT, ORTE_SNAPC_CKPT_STATE_NO_CKPT)                             \
    X(NSNAPC_ORTE_SNAPC_CKPT_STATE_NO_RESTART, ORTE_SNAPC_CKPT_STATE_NO_RESTART)                       \
    X(NSNAPC_ORTE_SNAPC_CKPT_MAX, ORTE_SNAPC_CKPT_MAX)                                                 \
    X(NSNAPC_ORTE_SNAPC_CKPT_SHIFT, ORTE_SNAPC_CKPT_SHIFT)                                             \
    X(NSNAPC_ORTE_SNAPC_OP_NONE, ORTE_SNAPC_OP_NONE)                                                   \
    X(NSNAPC_ORTE_SNAPC_OP_INIT, ORTE_SNAPC_OP_INIT)                                                   \
    X(NSNAPC_ORTE_SNAPC_OP_FIN, ORTE_SNAPC_OP_FIN)                                                     \
    X(NSNAPC_ORTE_SNAPC_OP_FIN_ACK, ORTE_SNAPC_OP_FIN_ACK)                                             \
    X(NSNAPC_ORTE_SNAPC_OP_CHECKPOINT, ORTE_SNAPC_OP_CHECKPOINT)                                       \
    X(NSNAPC_ORTE_SNAPC_OP_RESTART, ORTE_SNAPC_OP_RESTART)                                             \
    X(NSNAPC_ORTE_SNAPC_OP_MIGRATE, ORTE_SNAPC_OP_MIGRATE)                                             \
    X(NSNAPC_ORTE_SNAPC_OP_QUIESCE_START, ORTE_SNAPC_OP_QUIESCE_START)                                 \
    X(NSNAPC_ORTE_SNAPC_OP_QUIESCE_CHECKPOINT, ORTE_SNAPC_OP_QUIESCE_CHECKPOINT)                       \
    X(NSNAPC_ORTE_SNAPC_OP_QUIESCE_END, ORTE_SNAPC_OP_QUIESCE_END)

#define NSNAPC_LAYOUT_STRINGS(X)                                                                       \
    X(NSNAPC_OPAL_CR_NAMED_PROG_R, OPAL_CR_NAMED_PROG_R)                                               \
    X(NSNAPC_OPAL_CR_NAMED_PROG_W, OPAL_CR_NAMED_PROG_W)                                               \
    X(NSNAPC_OPAL_CR_BASE_ENV_NAME, OPAL_CR_BASE_ENV_NAME)

#endif /* NSNAPC_ABI_LAYOUT_TABLE_H */

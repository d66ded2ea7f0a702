using System.Runtime.InteropServices;
using NativeSnapc.Protocol;

namespace NativeSnapc.Abi;

/// <summary>
/// <c>opal_pmix_base_module_t</c> (opal/mca/pmix/pmix.h), the type of the host global <c>opal_pmix</c>
/// (54 slots). Only <c>fence</c> is called by the coordinator; the other slots are opaque.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
[NativeTypeName("opal_pmix_base_module_t")]
internal unsafe struct OpalPmixBaseModule
{
    [NativeTypeName("opal_pmix_base_legacy_get_fn_t")] public nint legacy_get;
    [NativeTypeName("opal_pmix_base_module_init_fn_t")] public nint init;
    [NativeTypeName("opal_pmix_base_module_fini_fn_t")] public nint finalize;
    [NativeTypeName("opal_pmix_base_module_initialized_fn_t")] public nint initialized;
    [NativeTypeName("opal_pmix_base_module_abort_fn_t")] public nint abort;
    [NativeTypeName("opal_pmix_base_module_commit_fn_t")] public nint commit;
    /// <summary>(opal_list_t *procs, int collect_data): the coordinator calls fence(NULL, 0).</summary>
    [NativeTypeName("opal_pmix_base_module_fence_fn_t")] public delegate* unmanaged[Cdecl]<void*, int, int> fence;
    [NativeTypeName("opal_pmix_base_module_fence_nb_fn_t")] public nint fence_nb;
    [NativeTypeName("opal_pmix_base_module_put_fn_t")] public nint put;
    [NativeTypeName("opal_pmix_base_module_get_fn_t")] public nint get;
    [NativeTypeName("opal_pmix_base_module_get_nb_fn_t")] public nint get_nb;
    [NativeTypeName("opal_pmix_base_module_publish_fn_t")] public nint publish;
    [NativeTypeName("opal_pmix_base_module_publish_nb_fn_t")] public nint publish_nb;
    [NativeTypeName("opal_pmix_base_module_lookup_fn_t")] public nint lookup;
    [NativeTypeName("opal_pmix_base_module_lookup_nb_fn_t")] public nint lookup_nb;
    [NativeTypeName("opal_pmix_base_module_unpublish_fn_t")] public nint unpublish;
    [NativeTypeName("opal_pmix_base_module_unpublish_nb_fn_t")] public nint unpublish_nb;
    [NativeTypeName("opal_pmix_base_module_spawn_fn_t")] public nint spawn;
    [NativeTypeName("opal_pmix_base_module_spawn_nb_fn_t")] public nint spawn_nb;
    [NativeTypeName("opal_pmix_base_module_connect_fn_t")] public nint connect;
    [NativeTypeName("opal_pmix_base_module_connect_nb_fn_t")] public nint connect_nb;
    [NativeTypeName("opal_pmix_base_module_disconnect_fn_t")] public nint disconnect;
    [NativeTypeName("opal_pmix_base_module_disconnect_nb_fn_t")] public nint disconnect_nb;
    [NativeTypeName("opal_pmix_base_module_resolve_peers_fn_t")] public nint resolve_peers;
    [NativeTypeName("opal_pmix_base_module_resolve_nodes_fn_t")] public nint resolve_nodes;
    [NativeTypeName("opal_pmix_base_module_query_fn_t")] public nint query;
    [NativeTypeName("opal_pmix_base_log_fn_t")] public nint log;
    [NativeTypeName("opal_pmix_base_alloc_fn_t")] public nint allocate;
    [NativeTypeName("opal_pmix_base_job_control_fn_t")] public nint job_control;
    [NativeTypeName("opal_pmix_base_process_monitor_fn_t")] public nint monitor;
    [NativeTypeName("opal_pmix_base_register_cleanup_fn_t")] public nint register_cleanup;
    [NativeTypeName("opal_pmix_base_module_server_init_fn_t")] public nint server_init;
    [NativeTypeName("opal_pmix_base_module_server_finalize_fn_t")] public nint server_finalize;
    [NativeTypeName("opal_pmix_base_module_generate_regex_fn_t")] public nint generate_regex;
    [NativeTypeName("opal_pmix_base_module_generate_ppn_fn_t")] public nint generate_ppn;
    [NativeTypeName("opal_pmix_base_module_server_register_nspace_fn_t")] public nint server_register_nspace;
    [NativeTypeName("opal_pmix_base_module_server_deregister_nspace_fn_t")] public nint server_deregister_nspace;
    [NativeTypeName("opal_pmix_base_module_server_register_client_fn_t")] public nint server_register_client;
    [NativeTypeName("opal_pmix_base_module_server_deregister_client_fn_t")] public nint server_deregister_client;
    [NativeTypeName("opal_pmix_base_module_server_setup_fork_fn_t")] public nint server_setup_fork;
    [NativeTypeName("opal_pmix_base_module_server_dmodex_request_fn_t")] public nint server_dmodex_request;
    [NativeTypeName("opal_pmix_base_module_server_notify_event_fn_t")] public nint server_notify_event;
    [NativeTypeName("opal_pmix_base_module_server_push_io_fn_t")] public nint server_iof_push;
    [NativeTypeName("opal_pmix_server_setup_application_fn_t")] public nint server_setup_application;
    [NativeTypeName("opal_pmix_server_setup_local_support_fn_t")] public nint server_setup_local_support;
    [NativeTypeName("opal_pmix_base_module_tool_init_fn_t")] public nint tool_init;
    [NativeTypeName("opal_pmix_base_module_tool_fini_fn_t")] public nint tool_finalize;
    [NativeTypeName("opal_pmix_base_module_get_version_fn_t")] public nint get_version;
    [NativeTypeName("opal_pmix_base_module_register_fn_t")] public nint register_evhandler;
    [NativeTypeName("opal_pmix_base_module_deregister_fn_t")] public nint deregister_evhandler;
    [NativeTypeName("opal_pmix_base_module_notify_event_fn_t")] public nint notify_event;
    [NativeTypeName("opal_pmix_base_module_store_fn_t")] public nint store_local;
    [NativeTypeName("opal_pmix_base_module_get_nspace_fn_t")] public nint get_nspace;
    [NativeTypeName("opal_pmix_base_module_register_jobid_fn_t")] public nint register_jobid;
}

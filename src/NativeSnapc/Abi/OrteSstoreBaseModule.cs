using System.Runtime.InteropServices;
using NativeSnapc.Protocol;

namespace NativeSnapc.Abi;

/// <summary>
/// <c>orte_sstore_base_module_t</c> (orte/mca/sstore/sstore.h), the type of the host global <c>orte_sstore</c>.
/// Every slot is NULL in a stock 4.1.4 process (the sstore framework is never selected).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
[NativeTypeName("orte_sstore_base_module_t")]
internal unsafe struct OrteSstoreBaseModule
{
    [NativeTypeName("orte_sstore_base_module_init_fn_t")] public nint sstore_init;
    [NativeTypeName("orte_sstore_base_module_finalize_fn_t")] public nint sstore_finalize;
    [NativeTypeName("orte_sstore_base_request_checkpoint_handle_fn_t")] public nint request_checkpoint_handle;
    [NativeTypeName("orte_sstore_base_request_restart_handle_fn_t")] public nint request_restart_handle;
    [NativeTypeName("orte_sstore_base_request_global_snapshot_data_fn_t")] public nint request_global_snapshot_data;
    /// <summary>(orte_sstore_base_handle_t handle).</summary>
    [NativeTypeName("orte_sstore_base_register_handle_fn_t")] public delegate* unmanaged[Cdecl]<uint, int> register_handle;
    /// <summary>(handle, orte_sstore_base_key_t key, char **value): value comes back malloc'ed.</summary>
    [NativeTypeName("orte_sstore_base_get_attribute_fn_t")] public delegate* unmanaged[Cdecl]<uint, uint, byte**, int> get_attr;
    /// <summary>(handle, orte_sstore_base_key_t key, char *value).</summary>
    [NativeTypeName("orte_sstore_base_set_attribute_fn_t")] public delegate* unmanaged[Cdecl]<uint, uint, byte*, int> set_attr;
    /// <summary>(orte_sstore_base_handle_t handle).</summary>
    [NativeTypeName("orte_sstore_base_sync_fn_t")] public delegate* unmanaged[Cdecl]<uint, int> sync;
    [NativeTypeName("orte_sstore_base_remove_fn_t")] public nint remove;
    [NativeTypeName("orte_sstore_base_pack_fn_t")] public nint pack_handle;
    [NativeTypeName("orte_sstore_base_unpack_fn_t")] public nint unpack_handle;
    [NativeTypeName("orte_sstore_base_fetch_app_deps_fn_t")] public nint fetch_app_deps;
    [NativeTypeName("orte_sstore_base_wait_all_deps_fn_t")] public nint wait_all_deps;
}

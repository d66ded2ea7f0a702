using System.Runtime.InteropServices;
using NativeSnapc.Protocol;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Abi;

/// <summary>
/// <c>opal_crs_base_module_t</c> (opal/mca/crs/crs.h): the CRS module table, copied by value into the
/// host's global <c>opal_crs</c> when a CRS component is selected.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
[NativeTypeName("opal_crs_base_module_t")]
internal unsafe struct OpalCrsBaseModule
{
    [NativeTypeName("opal_crs_base_module_init_fn_t")] public delegate* unmanaged[Cdecl]<int> crs_init;
    [NativeTypeName("opal_crs_base_module_finalize_fn_t")] public delegate* unmanaged[Cdecl]<int> crs_finalize;

    /// <summary>(pid_t pid, snapshot, options, opal_crs_state_type_t *state).</summary>
    [NativeTypeName("opal_crs_base_module_checkpoint_fn_t")]
    public delegate* unmanaged[Cdecl]<int, OpalCrsBaseSnapshot*, OpalCrsBaseCkptOptions*, OpalCrsState*, int> crs_checkpoint;

    /// <summary>(snapshot, bool spawn_child, pid_t *child_pid).</summary>
    [NativeTypeName("opal_crs_base_module_restart_fn_t")]
    public delegate* unmanaged[Cdecl]<OpalCrsBaseSnapshot*, byte, int*, int> crs_restart;

    [NativeTypeName("opal_crs_base_module_disable_checkpoint_fn_t")] public delegate* unmanaged[Cdecl]<int> crs_disable_checkpoint;
    [NativeTypeName("opal_crs_base_module_enable_checkpoint_fn_t")] public delegate* unmanaged[Cdecl]<int> crs_enable_checkpoint;

    /// <summary>(int32_t rank, char *base_snapshot_dir, char **app, char **cwd, char ***argv, char ***env).</summary>
    [NativeTypeName("opal_crs_base_module_prelaunch_fn_t")]
    public delegate* unmanaged[Cdecl]<int, byte*, byte**, byte**, byte***, byte***, int> crs_prelaunch;

    [NativeTypeName("opal_crs_base_module_reg_thread_fn_t")] public delegate* unmanaged[Cdecl]<int> crs_reg_thread;
}

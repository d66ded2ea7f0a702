using System.Runtime.InteropServices;
using NativeSnapc.Protocol;

namespace NativeSnapc.Abi;

/// <summary>
/// <c>orte_snapc_base_module_t</c> (orte/mca/snapc/snapc.h): the snapc module table, copied by value into the
/// host's global <c>orte_snapc</c>.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
[NativeTypeName("orte_snapc_base_module_t")]
internal unsafe struct OrteSnapcBaseModule
{
    /// <summary>(bool seed, bool app).</summary>
    [NativeTypeName("orte_snapc_base_module_init_fn_t")] public delegate* unmanaged[Cdecl]<byte, byte, int> snapc_init;
    [NativeTypeName("orte_snapc_base_module_finalize_fn_t")] public delegate* unmanaged[Cdecl]<int> snapc_finalize;
    /// <summary>(orte_jobid_t jobid).</summary>
    [NativeTypeName("orte_snapc_base_setup_job_fn_t")] public delegate* unmanaged[Cdecl]<uint, int> setup_job;
    /// <summary>(orte_jobid_t jobid).</summary>
    [NativeTypeName("orte_snapc_base_release_job_fn_t")] public delegate* unmanaged[Cdecl]<uint, int> release_job;
    /// <summary>(int state): an <see cref="OpalCrsState"/> value.</summary>
    [NativeTypeName("orte_snapc_base_ft_event_fn_t")] public delegate* unmanaged[Cdecl]<int, int> ft_event;
    /// <summary>(orte_snapc_base_quiesce_t *datum): global coordinator only, so the quiesce struct stays opaque.</summary>
    [NativeTypeName("orte_snapc_base_start_checkpoint_fn_t")] public delegate* unmanaged[Cdecl]<void*, int> start_ckpt;
    /// <summary>(orte_snapc_base_quiesce_t *datum).</summary>
    [NativeTypeName("orte_snapc_base_end_checkpoint_fn_t")] public delegate* unmanaged[Cdecl]<void*, int> end_ckpt;
    [NativeTypeName("orte_snapc_base_request_op_fn_t")] public delegate* unmanaged[Cdecl]<OrteSnapcBaseRequestOp*, int> request_op;
}

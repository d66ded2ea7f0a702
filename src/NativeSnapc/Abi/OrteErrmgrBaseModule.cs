using System.Runtime.InteropServices;
using NativeSnapc.Protocol;

namespace NativeSnapc.Abi;

/// <summary>
/// <c>orte_errmgr_base_module_t</c> (orte/mca/errmgr/errmgr.h), the type of the host global <c>orte_errmgr</c>;
/// ORTE_ERROR_LOG(rc) is <c>orte_errmgr.logfn(rc, __FILE__, __LINE__)</c>.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
[NativeTypeName("orte_errmgr_base_module_t")]
internal unsafe struct OrteErrmgrBaseModule
{
    [NativeTypeName("orte_errmgr_base_module_init_fn_t")] public nint init;
    [NativeTypeName("orte_errmgr_base_module_finalize_fn_t")] public nint finalize;
    /// <summary>(int error_code, char *filename, int line).</summary>
    [NativeTypeName("orte_errmgr_base_module_log_fn_t")] public delegate* unmanaged[Cdecl]<int, byte*, int, void> logfn;
    [NativeTypeName("orte_errmgr_base_module_abort_fn_t")] public nint abort;
    [NativeTypeName("orte_errmgr_base_module_abort_peers_fn_t")] public nint abort_peers;
}

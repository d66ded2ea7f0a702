using System.Runtime.InteropServices;
using NativeSnapc.Protocol;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Abi;

/// <summary>
/// <c>orte_snapc_base_request_op_t</c> (orte/mca/snapc/snapc.h): the datum of <c>request_op</c>. The
/// constructor leaves <c>mig_host_pref</c> uninitialised; the destructor frees <c>global_handle</c>.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
[NativeTypeName("orte_snapc_base_request_op_t")]
internal unsafe struct OrteSnapcBaseRequestOp
{
    [NativeTypeName("opal_object_t")] public OpalObject super;
    [NativeTypeName("orte_snapc_base_request_op_event_t")] public SnapcOpEvent @event;
    [NativeTypeName("bool")] public byte is_active;
    [NativeTypeName("int")] public int leader;
    [NativeTypeName("int")] public int seq_num;
    [NativeTypeName("char *")] public byte* global_handle;
    [NativeTypeName("orte_sstore_base_handle_t")] public uint ss_handle;
    [NativeTypeName("int")] public int mig_num;
    [NativeTypeName("int *")] public int* mig_vpids;
    /// <summary>Rows of OPAL_MAX_PROCESSOR_NAME chars: row i starts at byte i * <see cref="OpalConfig.MaxProcessorName"/>.</summary>
    [NativeTypeName("char (*)[OPAL_MAX_PROCESSOR_NAME]")] public byte* mig_host_pref;
    [NativeTypeName("int *")] public int* mig_vpid_pref;
    [NativeTypeName("int *")] public int* mig_off_node;
}

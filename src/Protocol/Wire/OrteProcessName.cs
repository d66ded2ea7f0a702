using System.Runtime.InteropServices;

namespace NativeSnapc.Protocol.Wire;

/// <summary><c>orte_process_name_t</c> = <c>opal_process_name_t</c>: 8 bytes, passed by value.</summary>
[StructLayout(LayoutKind.Sequential)]
[NativeTypeName("orte_process_name_t")]
internal struct OrteProcessName
{
    [NativeTypeName("orte_jobid_t")] public uint jobid;
    [NativeTypeName("orte_vpid_t")] public uint vpid;

    public OrteProcessName(uint jobid, uint vpid)
    {
        this.jobid = jobid;
        this.vpid = vpid;
    }

    // As ORTE_NAME_PRINT spells it: [[job family,local job],vpid].
    public override readonly string ToString() => $"[[{jobid >> 16},{jobid & 0xffff}],{vpid}]";
}

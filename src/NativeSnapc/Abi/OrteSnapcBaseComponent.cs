using System.Runtime.InteropServices;
using NativeSnapc.Protocol;

namespace NativeSnapc.Abi;

/// <summary><c>orte_snapc_base_component_t</c> (orte/mca/snapc/snapc.h): the component struct the MCA loader reads from the DSO.</summary>
[StructLayout(LayoutKind.Sequential)]
[NativeTypeName("orte_snapc_base_component_t")]
internal struct OrteSnapcBaseComponent
{
    [NativeTypeName("mca_base_component_t")] public McaBaseComponent base_version;
    [NativeTypeName("mca_base_component_data_t")] public McaBaseComponentData base_data;
    [NativeTypeName("int")] public int verbose;
    [NativeTypeName("int")] public int output_handle;
    [NativeTypeName("int")] public int priority;
}

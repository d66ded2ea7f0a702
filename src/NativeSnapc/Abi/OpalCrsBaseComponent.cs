using System.Runtime.InteropServices;
using NativeSnapc.Protocol;

namespace NativeSnapc.Abi;

/// <summary><c>opal_crs_base_component_t</c> (opal/mca/crs/crs.h): the component struct the MCA loader reads from the DSO.</summary>
[StructLayout(LayoutKind.Sequential)]
[NativeTypeName("opal_crs_base_component_t")]
internal struct OpalCrsBaseComponent
{
    [NativeTypeName("mca_base_component_t")] public McaBaseComponent base_version;
    [NativeTypeName("mca_base_component_data_t")] public McaBaseComponentData base_data;
    [NativeTypeName("int")] public int verbose;
    [NativeTypeName("int")] public int output_handle;
    [NativeTypeName("int")] public int priority;
}

using System.Runtime.InteropServices;
using NativeSnapc.Protocol;

namespace NativeSnapc.Abi;

/// <summary><c>mca_base_component_data_t</c> (opal/mca/mca.h): metadata flags (<see cref="McaMetadataParam"/>).</summary>
[StructLayout(LayoutKind.Sequential)]
[NativeTypeName("mca_base_component_data_t")]
internal unsafe struct McaBaseComponentData
{
    [NativeTypeName("uint32_t")] public uint param_field;
    [NativeTypeName("char[32]")] public fixed byte reserved[32];
}

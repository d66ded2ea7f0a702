using System.Runtime.InteropServices;
using NativeSnapc.Protocol;

namespace NativeSnapc.Abi;

/// <summary>
/// <c>mca_base_module_t</c> (opal/mca/mca.h): a placeholder type; modules are only handed around as
/// <c>mca_base_module_t *</c> and cast to the framework's own table.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
[NativeTypeName("mca_base_module_t")]
internal struct McaBaseModule
{
    [NativeTypeName("int")] public int dummy_value;
}

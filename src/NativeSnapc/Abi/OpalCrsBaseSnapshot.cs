using System.Runtime.InteropServices;
using NativeSnapc.Protocol;

namespace NativeSnapc.Abi;

/// <summary><c>opal_crs_base_snapshot_t</c> (opal/mca/crs/crs.h): a list item, so the class hierarchy is 3 deep.</summary>
[StructLayout(LayoutKind.Sequential)]
[NativeTypeName("opal_crs_base_snapshot_t")]
internal unsafe struct OpalCrsBaseSnapshot
{
    [NativeTypeName("opal_list_item_t")] public OpalListItem super;
    [NativeTypeName("char *")] public byte* component_name;
    [NativeTypeName("char *")] public byte* metadata_filename;
    [NativeTypeName("FILE *")] public void* metadata;
    [NativeTypeName("char *")] public byte* snapshot_directory;
    [NativeTypeName("bool")] public byte cold_start;
}

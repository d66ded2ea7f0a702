using System.Runtime.InteropServices;
using NativeSnapc.Protocol;

namespace NativeSnapc.Abi;

/// <summary><c>opal_list_item_t</c> (opal/class/opal_list.h), release build.</summary>
[StructLayout(LayoutKind.Sequential)]
[NativeTypeName("opal_list_item_t")]
internal unsafe struct OpalListItem
{
    [NativeTypeName("opal_object_t")] public OpalObject super;
    [NativeTypeName("volatile struct opal_list_item_t * volatile")] public OpalListItem* opal_list_next;
    [NativeTypeName("volatile struct opal_list_item_t * volatile")] public OpalListItem* opal_list_prev;
    [NativeTypeName("int32_t")] public int item_free;
}

using System.Runtime.InteropServices;
using NativeSnapc.Protocol;

namespace NativeSnapc.Abi;

/// <summary>
/// <c>opal_dss_t</c> (opal/dss/dss.h), the type of the host global <c>opal_dss</c>. Slots the coordinator
/// calls carry their exact signature; the others are opaque.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
[NativeTypeName("opal_dss_t")]
internal unsafe struct OpalDss
{
    /// <summary>(opal_buffer_t *buffer, const void *src, int32_t num_values, opal_data_type_t type).</summary>
    [NativeTypeName("opal_dss_pack_fn_t")] public delegate* unmanaged[Cdecl]<OpalBuffer*, void*, int, byte, int> pack;
    /// <summary>(opal_buffer_t *buffer, void *dest, int32_t *max_num_values, opal_data_type_t type).</summary>
    [NativeTypeName("opal_dss_unpack_fn_t")] public delegate* unmanaged[Cdecl]<OpalBuffer*, void*, int*, byte, int> unpack;
    [NativeTypeName("opal_dss_copy_fn_t")] public nint copy;
    [NativeTypeName("opal_dss_compare_fn_t")] public nint compare;
    [NativeTypeName("opal_dss_print_fn_t")] public nint print;
    [NativeTypeName("opal_dss_structured_fn_t")] public nint structured;
    [NativeTypeName("opal_dss_peek_next_item_fn_t")] public nint peek;
    /// <summary>(opal_buffer_t *buffer, void **payload, int32_t *size).</summary>
    [NativeTypeName("opal_dss_unload_fn_t")] public delegate* unmanaged[Cdecl]<OpalBuffer*, void**, int*, int> unload;
    /// <summary>(opal_buffer_t *buffer, void *payload, int32_t size): takes ownership of a malloc'ed payload.</summary>
    [NativeTypeName("opal_dss_load_fn_t")] public delegate* unmanaged[Cdecl]<OpalBuffer*, void*, int, int> load;
    [NativeTypeName("opal_dss_copy_payload_fn_t")] public nint copy_payload;
    [NativeTypeName("opal_dss_register_fn_t")] public nint register_type;
    [NativeTypeName("opal_dss_lookup_data_type_fn_t")] public nint lookup_data_type;
    [NativeTypeName("opal_dss_dump_data_types_fn_t")] public nint dump_data_types;
    [NativeTypeName("opal_dss_dump_fn_t")] public nint dump;
}

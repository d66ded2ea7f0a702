using System.Runtime.InteropServices;
using NativeSnapc.Protocol;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Abi;

/// <summary>
/// <c>opal_buffer_t</c> (opal/dss/dss_types.h). Its destructor frees <c>base_ptr</c> with libc <c>free</c>, so
/// whoever fills it must allocate with <c>malloc</c>.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
[NativeTypeName("opal_buffer_t")]
internal unsafe struct OpalBuffer
{
    [NativeTypeName("opal_object_t")] public OpalObject parent;
    [NativeTypeName("opal_dss_buffer_type_t")] public DssBufferType type;
    [NativeTypeName("char *")] public byte* base_ptr;
    [NativeTypeName("char *")] public byte* pack_ptr;
    [NativeTypeName("char *")] public byte* unpack_ptr;
    [NativeTypeName("size_t")] public nuint bytes_allocated;
    [NativeTypeName("size_t")] public nuint bytes_used;
}

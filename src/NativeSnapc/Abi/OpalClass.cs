using System.Runtime.InteropServices;
using NativeSnapc.Protocol;

namespace NativeSnapc.Abi;

/// <summary><c>opal_class_t</c> (opal/class/opal_object.h): a class descriptor such as <c>opal_buffer_t_class</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
[NativeTypeName("opal_class_t")]
internal unsafe struct OpalClass
{
    [NativeTypeName("const char *")] public byte* cls_name;
    [NativeTypeName("opal_class_t *")] public OpalClass* cls_parent;
    [NativeTypeName("opal_construct_t")] public delegate* unmanaged[Cdecl]<OpalObject*, void> cls_construct;
    [NativeTypeName("opal_destruct_t")] public delegate* unmanaged[Cdecl]<OpalObject*, void> cls_destruct;
    [NativeTypeName("int")] public int cls_initialized;
    [NativeTypeName("int")] public int cls_depth;
    [NativeTypeName("opal_construct_t *")] public delegate* unmanaged[Cdecl]<OpalObject*, void>* cls_construct_array;
    [NativeTypeName("opal_destruct_t *")] public delegate* unmanaged[Cdecl]<OpalObject*, void>* cls_destruct_array;
    [NativeTypeName("size_t")] public nuint cls_sizeof;
}

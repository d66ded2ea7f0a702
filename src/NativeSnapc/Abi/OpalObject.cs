using System.Runtime.InteropServices;
using NativeSnapc.Protocol;

namespace NativeSnapc.Abi;

/// <summary><c>opal_object_t</c> (opal/class/opal_object.h): the header of every OBJ_NEW object, release build.</summary>
[StructLayout(LayoutKind.Sequential)]
[NativeTypeName("opal_object_t")]
internal unsafe struct OpalObject
{
    [NativeTypeName("opal_class_t *")] public OpalClass* obj_class;
    [NativeTypeName("volatile int32_t")] public int obj_reference_count;
}

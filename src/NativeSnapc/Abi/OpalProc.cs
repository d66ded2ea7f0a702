using System.Runtime.InteropServices;
using NativeSnapc.Protocol;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Abi;

/// <summary><c>opal_proc_t</c> (opal/util/proc.h): the head of <see cref="OrteProcInfo"/>.</summary>
[StructLayout(LayoutKind.Sequential)]
[NativeTypeName("opal_proc_t")]
internal unsafe struct OpalProc
{
    [NativeTypeName("opal_list_item_t")] public OpalListItem super;
    [NativeTypeName("opal_process_name_t")] public OrteProcessName proc_name;
    [NativeTypeName("uint32_t")] public uint proc_arch;
    [NativeTypeName("opal_hwloc_locality_t")] public ushort proc_flags;
    [NativeTypeName("struct opal_convertor_t *")] public void* proc_convertor;
    [NativeTypeName("char *")] public byte* proc_hostname;
}

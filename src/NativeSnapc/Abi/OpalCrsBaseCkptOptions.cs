using System.Runtime.InteropServices;
using NativeSnapc.Protocol;

namespace NativeSnapc.Abi;

/// <summary>
/// <c>opal_crs_base_ckpt_options_t</c> (opal/mca/crs/crs.h). The CRDEBUG-only <c>attach_debugger</c> and
/// <c>detach_debugger</c> are absent: the Debian build has OPAL_ENABLE_CRDEBUG=0.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
[NativeTypeName("opal_crs_base_ckpt_options_t")]
internal struct OpalCrsBaseCkptOptions
{
    [NativeTypeName("opal_object_t")] public OpalObject super;
    [NativeTypeName("bool")] public byte term;
    [NativeTypeName("bool")] public byte stop;
    [NativeTypeName("bool")] public byte inc_prep_only;
    [NativeTypeName("bool")] public byte inc_recover_only;
}

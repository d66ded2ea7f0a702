using System.Runtime.InteropServices;
using NativeSnapc.Protocol;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Abi;

/// <summary>
/// <c>orte_rml_recv_cb_t</c> (orte/mca/rml/rml.h): the cbdata <c>orte_rml_recv_callback</c> fills; it clears
/// <c>active</c> once <c>data</c> holds the message. The constructor leaves <c>name</c> uninitialised.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
[NativeTypeName("orte_rml_recv_cb_t")]
internal struct OrteRmlRecvCb
{
    [NativeTypeName("opal_object_t")] public OpalObject super;
    [NativeTypeName("orte_process_name_t")] public OrteProcessName name;
    [NativeTypeName("opal_buffer_t")] public OpalBuffer data;
    [NativeTypeName("bool")] public byte active;
}

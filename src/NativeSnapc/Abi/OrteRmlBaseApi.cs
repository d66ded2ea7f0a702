using System.Runtime.InteropServices;
using NativeSnapc.Protocol;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Abi;

/// <summary>
/// <c>orte_rml_base_API_t</c> (orte/mca/rml/rml.h), the type of the host global <c>orte_rml</c>. In 4.1
/// <c>send_buffer_nb</c> takes a leading conduit id (uint16); <c>recv_buffer_nb</c> does not.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
[NativeTypeName("orte_rml_base_API_t")]
internal unsafe struct OrteRmlBaseApi
{
    [NativeTypeName("orte_rml_API_open_conduit_fn_t")] public nint open_conduit;
    [NativeTypeName("orte_rml_API_close_conduit_fn_t")] public nint close_conduit;
    [NativeTypeName("orte_rml_API_ping_fn_t")] public nint ping;
    [NativeTypeName("orte_rml_API_send_nb_fn_t")] public nint send_nb;

    /// <summary>
    /// (orte_rml_conduit_t conduit_id, orte_process_name_t *peer, opal_buffer_t *buffer, orte_rml_tag_t tag,
    /// orte_rml_buffer_callback_fn_t cbfunc, void *cbdata). On success the buffer belongs to the RML.
    /// </summary>
    [NativeTypeName("orte_rml_API_send_buffer_nb_fn_t")]
    public delegate* unmanaged[Cdecl]<ushort, OrteProcessName*, OpalBuffer*, uint, delegate* unmanaged[Cdecl]<int, OrteProcessName*, OpalBuffer*, uint, void*, void>, void*, int> send_buffer_nb;

    [NativeTypeName("orte_rml_API_recv_nb_fn_t")] public nint recv_nb;

    /// <summary>
    /// (orte_process_name_t *peer, orte_rml_tag_t tag, bool persistent, orte_rml_buffer_callback_fn_t cbfunc,
    /// void *cbdata).
    /// </summary>
    [NativeTypeName("orte_rml_API_recv_buffer_nb_fn_t")]
    public delegate* unmanaged[Cdecl]<OrteProcessName*, uint, byte, delegate* unmanaged[Cdecl]<int, OrteProcessName*, OpalBuffer*, uint, void*, void>, void*, void> recv_buffer_nb;

    /// <summary>(orte_process_name_t *peer, orte_rml_tag_t tag).</summary>
    [NativeTypeName("orte_rml_API_recv_cancel_fn_t")] public delegate* unmanaged[Cdecl]<OrteProcessName*, uint, void> recv_cancel;

    [NativeTypeName("orte_rml_API_purge_fn_t")] public nint purge;
    [NativeTypeName("orte_rml_API_query_transports_fn_t")] public nint query_transports;
    [NativeTypeName("orte_rml_API_query_routed_fn_t")] public nint get_routed;
}

using NativeSnapc.Protocol;

namespace NativeSnapc.Abi;

/// <summary>RML constants other than tags (orte/mca/rml/rml_types.h).</summary>
internal static class OrteRml
{
    /// <summary>The <c>bool persistent</c> argument of <c>recv_buffer_nb</c>, passed as one byte.</summary>
    [NativeName("ORTE_RML_PERSISTENT")] public const byte Persistent = 1;
    [NativeName("ORTE_RML_NON_PERSISTENT")] public const byte NonPersistent = 0;

    /// <summary>An <c>orte_rml_conduit_t</c> (uint16) no conduit has.</summary>
    [NativeName("ORTE_RML_CONDUIT_INVALID")] public const ushort ConduitInvalid = 0xff;
}

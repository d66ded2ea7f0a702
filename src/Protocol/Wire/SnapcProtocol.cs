namespace NativeSnapc.Protocol.Wire;

/// <summary><c>orte_snapc_base_request_op_event_t</c> (orte/mca/snapc/snapc.h).</summary>
internal enum SnapcOpEvent
{
    [NativeName("ORTE_SNAPC_OP_NONE")] None = 0,
    [NativeName("ORTE_SNAPC_OP_INIT")] Init = 1,
    [NativeName("ORTE_SNAPC_OP_FIN")] Fin = 2,
    [NativeName("ORTE_SNAPC_OP_FIN_ACK")] FinAck = 3,
    [NativeName("ORTE_SNAPC_OP_CHECKPOINT")] Checkpoint = 4,
    [NativeName("ORTE_SNAPC_OP_RESTART")] Restart = 5,
    [NativeName("ORTE_SNAPC_OP_MIGRATE")] Migrate = 6,
    [NativeName("ORTE_SNAPC_OP_QUIESCE_START")] QuiesceStart = 7,
    [NativeName("ORTE_SNAPC_OP_QUIESCE_CHECKPOINT")] QuiesceCheckpoint = 8,
    [NativeName("ORTE_SNAPC_OP_QUIESCE_END")] QuiesceEnd = 9,
}

/// <summary>
/// Command bytes: <c>orte_snapc_cmd_flag_t</c> (orte/mca/snapc/base/base.h) and the component-private
/// <c>orte_snapc_full_cmd_flag_t</c> (snapc_full.h at v4.1.4, not installed; value in docs/abi.md#constants).
/// </summary>
internal static class SnapcCommand
{
    [NativeName("ORTE_SNAPC_LOCAL_UPDATE_CMD")] public const byte LocalUpdate = 4;
    [NativeName("ORTE_SNAPC_LOCAL_FINISH_CMD")] public const byte LocalFinish = 5;
    /// <summary>ORTE_SNAPC_FULL_REQUEST_OP_CMD; snapc_full.h is component-private, so no header checks it.</summary>
    public const byte FullRequestOp = 8;
}

/// <summary>
/// <c>orte_snapc_full_cmd_flag_t</c> (uint8, packed as OPAL_UINT8): what the HNP and the daemons of snapc
/// "full" say to each other on tag 25 (snapc_full.h at v4.1.4, component-private, so no header checks these).
/// </summary>
internal static class SnapcFullCommand
{
    public const byte UpdateJobState = 1;
    public const byte UpdateJobStateQuick = 2;
    public const byte UpdateOrtedState = 3;
    public const byte UpdateOrtedStateQuick = 4;
    public const byte VpidAssoc = 5;
    public const byte EstablishDir = 6;
    public const byte RestartProcInfo = 7;
    public const byte RequestOp = SnapcCommand.FullRequestOp;
}

/// <summary>
/// <c>orte_sstore_central_cmd_flag_t</c> (uint8, OPAL_UINT8) of sstore/central on tag 44
/// (sstore_central.h at v4.1.4, component-private).
/// </summary>
internal static class SstoreCentralCommand
{
    public const byte Pull = 1;
    public const byte Push = 2;
}

/// <summary>RML tags the coordinators talk on (orte/mca/rml/rml_types.h).</summary>
internal static class RmlTag
{
    [NativeName("ORTE_RML_TAG_SNAPC")] public const uint Snapc = 24;
    [NativeName("ORTE_RML_TAG_SNAPC_FULL")] public const uint SnapcFull = 25;
    [NativeName("ORTE_RML_TAG_SSTORE_INTERNAL")] public const uint SstoreInternal = 44;
}

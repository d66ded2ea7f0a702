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
/// <c>orte_snapc_full_cmd_flag_t</c> (snapc_full.h at v4.1.4, not installed; value from spec/ABI.md §5.4).
/// </summary>
internal static class SnapcCommand
{
    [NativeName("ORTE_SNAPC_LOCAL_UPDATE_CMD")] public const byte LocalUpdate = 4;
    [NativeName("ORTE_SNAPC_LOCAL_FINISH_CMD")] public const byte LocalFinish = 5;
    /// <summary>ORTE_SNAPC_FULL_REQUEST_OP_CMD; snapc_full.h is component-private, so no header checks it.</summary>
    public const byte FullRequestOp = 8;
}

/// <summary>RML tags the coordinator talks on (orte/mca/rml/rml_types.h).</summary>
internal static class RmlTag
{
    [NativeName("ORTE_RML_TAG_SNAPC")] public const uint Snapc = 24;
    [NativeName("ORTE_RML_TAG_SNAPC_FULL")] public const uint SnapcFull = 25;
}

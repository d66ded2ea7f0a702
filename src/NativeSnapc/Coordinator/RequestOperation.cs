using System.Collections.Generic;
using NativeSnapc.Protocol.Snapc;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Coordinator;

/// <summary>
/// An <c>orte_snapc_base_request_op_t</c> in managed form. The host adapter reads it from the caller's
/// struct and writes <see cref="SeqNum"/> and, when <see cref="GlobalHandleChanged"/>, <see cref="GlobalHandle"/> back.
/// </summary>
internal sealed class RequestOperation
{
    /// <summary>The raw <c>event</c> value (may be outside the enum: the coordinator refuses those).</summary>
    public int Event { get; init; }

    public int Leader { get; init; }

    public int SeqNum { get; set; }

    public string? GlobalHandle { get; private set; }

    public bool GlobalHandleChanged { get; private set; }

    /// <summary>The raw <c>mig_num</c>.</summary>
    public int MigrationCount { get; init; }

    /// <summary>The migration table, or null when the caller's arrays are NULL or <c>mig_num</c> is out of range.</summary>
    public IReadOnlyList<SnapcMigrationEntry>? Migrations { get; init; }

    public SnapcOpEvent OpEvent => (SnapcOpEvent)Event;

    public RequestOperation(string? globalHandle = null)
    {
        GlobalHandle = globalHandle;
    }

    public void SetGlobalHandle(string? value)
    {
        GlobalHandle = value;
        GlobalHandleChanged = true;
    }
}

/// <summary>
/// The caller's <c>orte_snapc_base_request_op_t</c> as request_op receives it. The host adapter holds the pointer; it
/// is read only once a coordinator serves the request (a process without one leaves it alone) and written back after.
/// </summary>
internal interface IRequestOperationDatum
{
    /// <summary>The datum in managed form, or null for a NULL datum.</summary>
    RequestOperation? Read();

    /// <summary>Stores <c>seq_num</c> and, when the coordinator changed it, <c>global_handle</c>.</summary>
    void Write(RequestOperation operation);
}

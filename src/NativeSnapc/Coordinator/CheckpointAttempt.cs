using NativeSnapc.Abi;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Coordinator;

/// <summary>
/// What one checkpoint attempt knows while it runs: from the notify call that opens the handshake
/// (app_notify_resp_stage_1) to its stage 3, across a stalled re-entry, or up to QUIESCE_END for a quiesce.
/// The original keeps these in file-static variables of snapc_full_app.c, named in each member.
///
/// In meaning an attempt is created when it starts and dropped when it ends. The checkpoint hot path allocates
/// nothing after the first checkpoint (docs/architecture.md#the-checkpoint-hot-path), so the coordinator makes one
/// object and reuses it: <see cref="Begin"/> resets all of it, in this one place, when an attempt starts, and
/// <see cref="End"/> marks it ended. Once ended, its options and migration flags are still read by the rest of the
/// notify call that ended it (a migrating process runs stage 3 inside its final handshake), and its sstore handle by
/// request_op's leader after a restart; nothing else reads it until the next attempt begins. What request_op and the
/// next notify call learn from an attempt after it ended lives on the coordinator.
/// </summary>
internal sealed class CheckpointAttempt
{
    private volatile bool _quiescePrepared;

    /// <summary>Begun and its stage 3 not run yet.</summary>
    public bool InProgress { get; private set; }

    /// <summary>The sentinel was read: the local coordinator now waits for a final state.</summary>
    public bool HandshakeComplete { get; set; }

    /// <summary>The handshake's <c>all_migrating</c> (<c>currently_all_migrating</c>): the job is migrating.</summary>
    public bool AllMigrating { get; set; }

    /// <summary>The handshake's <c>migrating</c> (<c>currently_migrating</c>): this process is one that moves.</summary>
    public bool Migrating { get; set; }

    /// <summary>The options the handshake delivered (<c>current_options</c>); the checkpointer may rewrite them.</summary>
    public CheckpointOptions Options { get; } = new();

    /// <summary>The sstore handle the handshake delivered (<c>current_ss_handle</c>); invalid once stage 2 synced it.</summary>
    public uint SsHandle { get; set; }

    /// <summary>The snapshot made for <see cref="SsHandle"/> (<c>local_snapshot</c>); released in stage 3.</summary>
    public IOwnedCrsSnapshot? Snapshot { get; set; }

    /// <summary>
    /// The cr_state the checkpoint starts from: RUNNING once the handshake is done, kept across a stalled re-entry
    /// (notify_response's <c>static int cr_state</c>).
    /// </summary>
    public OpalCrsState StartingCrState { get; set; }

    /// <summary>
    /// QUIESCE_START stopped the attempt after INC prep: it waits for QUIESCE_END (<c>app_notif_processed</c>).
    /// request_op's loop polls it from another thread, so it is volatile and written after what it publishes.
    /// </summary>
    public bool QuiescePrepared
    {
        get => _quiescePrepared;
        set => _quiescePrepared = value;
    }

    /// <summary>A new attempt: everything of the previous one forgotten (a snapshot it left is released).</summary>
    public void Begin()
    {
        ReleaseSnapshot();
        HandshakeComplete = false;
        AllMigrating = false;
        Migrating = false;
        Options.Clear();
        SsHandle = SstoreHandle.Invalid;
        StartingCrState = OpalCrsState.None;
        QuiescePrepared = false;
        InProgress = true;
    }

    /// <summary>Stage 3 ran (or finalize gave the attempt up): nothing of it is live any more.</summary>
    public void End()
    {
        InProgress = false;
        QuiescePrepared = false;
    }

    public void ReleaseSnapshot()
    {
        Snapshot?.Dispose();
        Snapshot = null;
    }
}

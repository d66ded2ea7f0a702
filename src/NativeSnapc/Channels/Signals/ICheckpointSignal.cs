namespace NativeSnapc.Channels.Signals;

/// <summary>
/// The checkpoint entry-point signal (<c>opal_cr_entry_point_signal</c>, SIGUSR1 by default). Its handler is
/// C (src/shim), because no managed code may run in signal context: it only stores
/// OPAL_CR_STATUS_REQUESTED into the host's <c>opal_cr_checkpoint_request</c> and marks a checkpoint as
/// active, or — while one is active — counts the request as ignored. Only this one signal's disposition
/// is touched; the previous one is kept and put back by <see cref="Restore"/>.
/// </summary>
internal interface ICheckpointSignal
{
    /// <summary>Installs the handler for <paramref name="signalNumber"/>; the handler writes to <paramref name="requestCell"/> (an <c>int*</c>).</summary>
    ChannelResult Install(int signalNumber, nint requestCell);

    /// <summary>Puts the previous disposition back and disarms the handler. Idempotent.</summary>
    ChannelResult Restore();

    /// <summary>A request was accepted and its checkpoint has not ended (the original's <c>currently_checkpointing</c>).</summary>
    bool CheckpointActive { get; }

    /// <summary>Ends the active checkpoint: the next signal is a new request.</summary>
    void EndCheckpoint();

    /// <summary>How many signals were ignored because a checkpoint was active, since the last call.</summary>
    long TakeIgnoredRequests();
}

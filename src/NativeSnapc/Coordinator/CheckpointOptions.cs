namespace NativeSnapc.Coordinator;

/// <summary>The checkpoint options of <c>opal_crs_base_ckpt_options_t</c>, as the FIFO handshake delivers them.</summary>
internal sealed class CheckpointOptions
{
    public bool Term { get; set; }

    public bool Stop { get; set; }

    public bool IncPrepOnly { get; set; }

    public bool IncRecoverOnly { get; set; }

    /// <summary>All four cleared, for the next attempt (one instance serves them all).</summary>
    public void Clear() => Term = Stop = IncPrepOnly = IncRecoverOnly = false;
}

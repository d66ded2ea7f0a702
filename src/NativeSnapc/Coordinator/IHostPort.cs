using System;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Coordinator;

/// <summary>Where an RML message goes: this process's HNP (tag 25 traffic) or its own daemon (tag 24).</summary>
internal enum RmlPeer
{
    Hnp,
    Daemon,
}

/// <summary>
/// Everything the application coordinator needs from the MPI runtime it lives in. The Open MPI 4.1
/// implementation (Host/OpenMpi) binds each member to the host's symbols; tests use fakes. Status codes
/// are Open MPI's (<see cref="OpalStatus"/>). Nothing here throws for a host-side failure.
/// </summary>
internal interface IHostPort
{
    // ---- identity -------------------------------------------------------------------------------

    /// <summary><c>ORTE_PROC_MY_NAME</c>.</summary>
    OrteProcessName MyName { get; }

    /// <summary><c>orte_process_info.job_session_dir</c> (may be null).</summary>
    string? JobSessionDirectory { get; }

    /// <summary><c>getpid()</c>, read each time: a restarted process has a new pid.</summary>
    int GetPid();

    // ---- opal_cr (opal/runtime/opal_cr.h) -----------------------------------------------------

    /// <summary><c>opal_cr_entry_point_signal</c> (MCA <c>opal_cr_signal</c>).</summary>
    int EntryPointSignal { get; }

    /// <summary><c>opal_cr_pipe_dir</c> (MCA <c>opal_cr_tmp_dir</c>).</summary>
    string PipeDirectory { get; }

    /// <summary>The address of <c>opal_cr_checkpoint_request</c>, which the signal handler writes.</summary>
    nint CheckpointRequestCell { get; }

    /// <summary><c>opal_cr_checkpoint_request</c>.</summary>
    int CheckpointRequest { get; set; }

    /// <summary><c>opal_cr_checkpointing_state</c>.</summary>
    int CheckpointingState { get; set; }

    /// <summary><c>opal_cr_currently_stalled</c>.</summary>
    bool CurrentlyStalled { get; set; }

    /// <summary><c>opal_cr_stall_check</c>.</summary>
    bool StallCheck { get; set; }

    /// <summary><c>opal_cr_continue_like_restart</c>.</summary>
    bool ContinueLikeRestart { get; set; }

    /// <summary><c>orte_cr_flush_restart_files</c>.</summary>
    bool FlushRestartFiles { get; set; }

    /// <summary>
    /// <c>opal_cr_reg_notify_callback</c>: the host's <c>opal_cr_test_if_checkpoint_ready</c> will call
    /// <paramref name="callback"/> with an <c>opal_cr_ckpt_cmd_state_t</c>; the previous callback is kept.
    /// </summary>
    int RegisterNotifyCallback(Func<int, int> callback);

    /// <summary>Puts the previous notify callback back if there was one; otherwise ours stays registered.</summary>
    void UnregisterNotifyCallback();

    /// <summary><c>opal_cr_test_if_checkpoint_ready()</c>.</summary>
    void TestIfCheckpointReady();

    /// <summary><c>opal_progress()</c>.</summary>
    void Progress();

    /// <summary><c>opal_cr_inc_core_prep()</c>; <see cref="OpalStatus.Exists"/> means "stall".</summary>
    int IncCorePrep();

    /// <summary><c>opal_cr_inc_core_ckpt(pid, snapshot, options, &amp;state)</c>; copies <c>options</c> in and back.</summary>
    int IncCoreCkpt(int pid, IOwnedCrsSnapshot snapshot, CheckpointOptions options, ref int state);

    /// <summary><c>opal_cr_inc_core_recover(state)</c>.</summary>
    int IncCoreRecover(int state);

    /// <summary><c>opal_crs_base_selected_component.base_version.mca_component_name</c> ("" if none).</summary>
    string SelectedCrsComponentName { get; }

    /// <summary>The OPAL_CR_CLEAR_TIMERS / SET_TIMER / DISPLAY_ALL_TIMERS macros (no-ops unless timing is enabled).</summary>
    void ClearTimers(int myRank);

    void SetTimer(int index);

    void DisplayAllTimers();

    // ---- messaging (RML, PMIx) ------------------------------------------------------------------

    /// <summary>The DSS encoding the host's buffers use (non-described in release builds).</summary>
    DssBufferType BufferType { get; }

    /// <summary><c>opal_pmix.fence(NULL, 0)</c>.</summary>
    int Fence();

    /// <summary>Sends DSS bytes to the peer on a tag (<c>orte_rml.send_buffer_nb</c>).</summary>
    int Send(RmlPeer peer, uint tag, ReadOnlySpan<byte> payload);

    /// <summary>Receives one message from the peer on a tag, waiting at most <paramref name="bound"/>.</summary>
    int Receive(RmlPeer peer, uint tag, TimeSpan bound, out byte[] payload);

    // ---- sstore ---------------------------------------------------------------------------------

    /// <summary><c>orte_sstore_handle_current</c>.</summary>
    uint SstoreHandleCurrent { get; }

    int SstoreRegisterHandle(uint handle);

    /// <summary><c>orte_sstore.get_attr</c>; <paramref name="value"/> is null when the store has none.</summary>
    int SstoreGetAttr(uint handle, uint key, out string? value);

    int SstoreSetAttr(uint handle, uint key, string value);

    int SstoreSync(uint handle);

    // ---- CRS objects ----------------------------------------------------------------------------

    /// <summary>
    /// A new host <c>opal_crs_base_snapshot_t</c> for the checkpoint of sstore handle <paramref name="ssHandle"/>,
    /// released when disposed: its directory and metadata file name are what the sstore's <c>get_attr</c> gives for
    /// LOCAL_SNAP_LOC and LOCAL_SNAP_META, stored straight into the fields as the original does (left NULL when
    /// the sstore has none).
    /// </summary>
    IOwnedCrsSnapshot CreateSnapshot(uint ssHandle);
}

/// <summary>
/// An <c>opal_crs_base_snapshot_t</c> (mirror: <c>OpalCrsBaseSnapshot</c>) the host made for one attempt: the
/// coordinator owns it (Dispose releases it) and hands it to the CRS, which fills it. The CRS side's view of the
/// same C struct, passed in by its caller, is <c>Crs.ICallerCrsSnapshot</c>.
/// </summary>
internal interface IOwnedCrsSnapshot : IDisposable
{
    string? ComponentName { get; set; }

    string? SnapshotDirectory { get; set; }

    string? MetadataFilename { get; set; }
}

/// <summary>The checkpoint options of <c>opal_crs_base_ckpt_options_t</c>, as the FIFO handshake delivers them.</summary>
internal sealed class CheckpointOptions
{
    public bool Term { get; set; }

    public bool Stop { get; set; }

    public bool IncPrepOnly { get; set; }

    public bool IncRecoverOnly { get; set; }

    /// <summary>All four cleared, for the next attempt (one instance serves them all).</summary>
    public CheckpointOptions Cleared()
    {
        Term = Stop = IncPrepOnly = IncRecoverOnly = false;
        return this;
    }
}

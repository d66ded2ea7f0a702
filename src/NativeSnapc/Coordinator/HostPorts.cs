using System;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Coordinator;

// What the application coordinator needs from the MPI runtime it lives in, one interface per concern. The Open MPI
// 4.1 adapter (Host/OpenMpi/OpenMpiHost) binds each member to the host's symbols and converts to the C ints at the
// boundary; tests use fakes. Status codes are Open MPI's (OpalStatus). Nothing here throws for a host-side failure.

/// <summary>The whole host as the coordinator sees it: the sum of the concern ports below.</summary>
internal interface IHostPort : IHostIdentity, ICheckpointRequests, IIncCore, ICrsObjects, IHostMessaging, ISnapshotStore, ICheckpointTimers
{
}

/// <summary>Who and where this process is.</summary>
internal interface IHostIdentity
{
    /// <summary><c>ORTE_PROC_MY_NAME</c>.</summary>
    OrteProcessName MyName { get; }

    /// <summary><c>orte_process_info.job_session_dir</c> (may be null).</summary>
    string? JobSessionDirectory { get; }

    /// <summary><c>getpid()</c>, read each time: a restarted process has a new pid.</summary>
    int GetPid();
}

/// <summary>
/// How a checkpoint request reaches the coordinator and how the host tracks it (opal/runtime/opal_cr.h): the entry
/// signal and the request cell its handler writes, the request, running and stall states, the notify callback the
/// host's test point calls, and the test point and progress engine the coordinator's own waits drive.
/// </summary>
internal interface ICheckpointRequests
{
    /// <summary><c>opal_cr_entry_point_signal</c> (MCA <c>opal_cr_signal</c>).</summary>
    int EntryPointSignal { get; }

    /// <summary><c>opal_cr_pipe_dir</c> (MCA <c>opal_cr_tmp_dir</c>): where the handshake FIFOs are made.</summary>
    string PipeDirectory { get; }

    /// <summary>The address of <c>opal_cr_checkpoint_request</c>, which the signal handler writes.</summary>
    nint CheckpointRequestCell { get; }

    /// <summary><c>opal_cr_checkpoint_request</c> (an OPAL_CR_STATUS_* value).</summary>
    OpalCrCkptCmdState CheckpointRequest { get; set; }

    /// <summary><c>opal_cr_checkpointing_state</c> (an OPAL_CR_STATUS_* value).</summary>
    OpalCrCkptCmdState CheckpointingState { get; set; }

    /// <summary><c>opal_cr_currently_stalled</c>.</summary>
    bool CurrentlyStalled { get; set; }

    /// <summary><c>opal_cr_stall_check</c>.</summary>
    bool StallCheck { get; set; }

    /// <summary>
    /// <c>opal_cr_reg_notify_callback</c>: the host's <c>opal_cr_test_if_checkpoint_ready</c> will call
    /// <paramref name="callback"/> with an OPAL_CHECKPOINT_CMD_* value; the previous callback is kept.
    /// </summary>
    int RegisterNotifyCallback(Func<OpalCrCkptCmdState, int> callback);

    /// <summary>Puts the previous notify callback back if there was one; otherwise ours stays registered.</summary>
    void UnregisterNotifyCallback();

    /// <summary><c>opal_cr_test_if_checkpoint_ready()</c>.</summary>
    void TestIfCheckpointReady();

    /// <summary><c>opal_progress()</c>.</summary>
    void Progress();
}

/// <summary>
/// The INC phases around the checkpointer (<c>opal_cr_inc_core_*</c>, opal/runtime/opal_cr.h) and the two flags that
/// steer how the stack recovers.
/// </summary>
internal interface IIncCore
{
    /// <summary><c>opal_cr_continue_like_restart</c>.</summary>
    bool ContinueLikeRestart { get; set; }

    /// <summary><c>orte_cr_flush_restart_files</c>.</summary>
    bool FlushRestartFiles { get; set; }

    /// <summary><c>opal_cr_inc_core_prep()</c>; <see cref="OpalStatus.Exists"/> means "stall".</summary>
    int IncCorePrep();

    /// <summary><c>opal_cr_inc_core_ckpt(pid, snapshot, options, &amp;state)</c>; copies <c>options</c> in and back.</summary>
    int IncCoreCkpt(int pid, IOwnedCrsSnapshot snapshot, CheckpointOptions options, ref OpalCrsState state);

    /// <summary><c>opal_cr_inc_core_recover(state)</c>.</summary>
    int IncCoreRecover(OpalCrsState state);
}

/// <summary>The CRS as the coordinator meets it: the selected component, and the snapshot object it fills.</summary>
internal interface ICrsObjects
{
    /// <summary><c>opal_crs_base_selected_component.base_version.mca_component_name</c> ("" if none).</summary>
    string SelectedCrsComponentName { get; }

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

/// <summary>Where an RML message goes: this process's HNP (tag 25 traffic) or its own daemon (tag 24).</summary>
internal enum RmlPeer
{
    Hnp,
    Daemon,
}

/// <summary>Messages to the HNP and the daemon (RML), and the job-wide fence (PMIx).</summary>
internal interface IHostMessaging
{
    /// <summary>The DSS encoding the host's buffers use (non-described in release builds).</summary>
    DssBufferType BufferType { get; }

    /// <summary><c>opal_pmix.fence(NULL, 0)</c>.</summary>
    int Fence();

    /// <summary>Sends DSS bytes to the peer on a tag (<c>orte_rml.send_buffer_nb</c>).</summary>
    int Send(RmlPeer peer, uint tag, ReadOnlySpan<byte> payload);

    /// <summary>Receives one message from the peer on a tag, waiting at most <paramref name="bound"/>.</summary>
    int Receive(RmlPeer peer, uint tag, TimeSpan bound, out byte[] payload);

    /// <summary>
    /// <see cref="Receive"/>, calling <paramref name="whileWaiting"/> between polls: a wait during which the process
    /// must keep taking part in checkpoints (the leader of a migration or a restart request). When it returns false
    /// the wait ends as a timeout.
    /// </summary>
    int ReceiveServicing(RmlPeer peer, uint tag, TimeSpan bound, Func<bool> whileWaiting, out byte[] payload);
}

/// <summary>The snapshot store (<c>orte_sstore</c>): handles and their attributes (keys: <c>Abi.SstoreKey</c>).</summary>
internal interface ISnapshotStore
{
    /// <summary><c>orte_sstore_handle_current</c>.</summary>
    uint SstoreHandleCurrent { get; }

    int SstoreRegisterHandle(uint handle);

    /// <summary><c>orte_sstore.get_attr</c>; <paramref name="value"/> is null when the store has none.</summary>
    int SstoreGetAttr(uint handle, uint key, out string? value);

    int SstoreSetAttr(uint handle, uint key, string value);

    int SstoreSync(uint handle);
}

/// <summary>The OPAL_CR_CLEAR_TIMERS / SET_TIMER / DISPLAY_ALL_TIMERS macros (no-ops unless timing is enabled).</summary>
internal interface ICheckpointTimers
{
    /// <summary>OPAL_CR_CLEAR_TIMERS(), then <c>opal_cr_timing_my_rank = myRank</c>.</summary>
    void ClearTimers(int myRank);

    /// <summary>OPAL_CR_SET_TIMER(index) (<c>Abi.OpalCr.TimerEntry*</c>).</summary>
    void SetTimer(int index);

    void DisplayAllTimers();
}

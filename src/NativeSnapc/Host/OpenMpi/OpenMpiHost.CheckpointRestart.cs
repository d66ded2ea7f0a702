using System;
using System.Threading;
using NativeSnapc.Abi;
using NativeSnapc.Coordinator;
using NativeSnapc.Diagnostics;
using NativeSnapc.Interop;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Host.OpenMpi;

// IHostIdentity, ICheckpointRequests (the opal_cr globals and the notify callback), IIncCore, ICheckpointTimers and ICrsObjects.
internal sealed unsafe partial class OpenMpiHost
{
    // The notify entry point is a static C function (Exports), so the callback it comes back to is static too.
    private static volatile Func<OpalCrCkptCmdState, int>? s_notifyCallback;

    // The callback registered before ours (NULL in stock 4.1.4, whose opal_cr_init installs none).
    private nint _previousNotifyCallback;

    // ---- identity ---------------------------------------------------------------------------------

    public OrteProcessName MyName => _processInfo->my_name;

    // Read in every checkpoint (ft_event CHECKPOINT stores it as LOCAL_MKDIR): no allocation while it does not change.
    public string? JobSessionDirectory => HostString.ReadReusing(_processInfo->job_session_dir, ref _jobSessionDirectoryText);

    private string? _jobSessionDirectoryText;

    public int GetPid() => Libc.GetPid();

    // ---- opal_cr globals --------------------------------------------------------------------------

    public int EntryPointSignal => Volatile.Read(ref *_entryPointSignal);

    /// <summary>
    /// <c>opal_cr_pipe_dir</c>; while it is still NULL (opal_cr_init has not run) the value opal_cr_register
    /// would give it, <c>opal_tmp_directory()</c>: $TMPDIR, $TEMP, $TMP, else /tmp.
    /// </summary>
    public string PipeDirectory => HostString.ReadReusing(*_pipeDirectory, ref _pipeDirectoryText) ?? TemporaryDirectory();

    private string? _pipeDirectoryText;

    public nint CheckpointRequestCell => (nint)_checkpointRequest;

    // The signal handler writes opal_cr_checkpoint_request asynchronously: every access is volatile.
    public OpalCrCkptCmdState CheckpointRequest
    {
        get => (OpalCrCkptCmdState)Volatile.Read(ref *_checkpointRequest);
        set => Volatile.Write(ref *_checkpointRequest, (int)value);
    }

    public OpalCrCkptCmdState CheckpointingState
    {
        get => (OpalCrCkptCmdState)Volatile.Read(ref *_checkpointingState);
        set => Volatile.Write(ref *_checkpointingState, (int)value);
    }

    public bool CurrentlyStalled
    {
        get => ReadBool(_currentlyStalled);
        set => WriteBool(_currentlyStalled, value);
    }

    public bool StallCheck
    {
        get => ReadBool(_stallCheck);
        set => WriteBool(_stallCheck, value);
    }

    public bool ContinueLikeRestart
    {
        get => ReadBool(_continueLikeRestart);
        set => WriteBool(_continueLikeRestart, value);
    }

    public bool FlushRestartFiles
    {
        get => ReadBool(_flushRestartFiles);
        set => WriteBool(_flushRestartFiles, value);
    }

    public string SelectedCrsComponentName =>
        HostString.ReadBounded(_selectedCrsComponent->base_version.mca_component_name, McaBase.MaxComponentNameLength + 1);

    // ---- notify callback --------------------------------------------------------------------------

    public int RegisterNotifyCallback(Func<OpalCrCkptCmdState, int> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        s_notifyCallback = callback;
        nint previous = 0;
        var status = _regNotifyCallback(_notifyEntryPoint, &previous);
        // Registering again (a coordinator initialised twice) returns our own entry point: keep the host's one.
        if (status == OpalStatus.Success && previous != _notifyEntryPoint)
        {
            _previousNotifyCallback = previous;
        }
        return status;
    }

    public void UnregisterNotifyCallback()
    {
        // With no previous callback ours stays registered: opal_cr_test_if_checkpoint_ready calls the
        // callback without a NULL check, and the coordinator answers calls after finalize itself.
        if (_previousNotifyCallback == 0)
        {
            return;
        }
        nint replaced = 0;
        _regNotifyCallback(_previousNotifyCallback, &replaced);
        _previousNotifyCallback = 0;
    }

    /// <summary>Where the notify entry point the host calls comes in: to the callback registered last.</summary>
    public static int DispatchNotify(int state)
    {
        var callback = s_notifyCallback;
        if (callback is null)
        {
            Log.Error($"native-snapc: the checkpoint notify callback was called (state {state}) with no coordinator registered");
            return OpalStatus.Error;
        }
        return callback((OpalCrCkptCmdState)state);
    }

    // ---- opal_cr functions ------------------------------------------------------------------------

    public void TestIfCheckpointReady() => _testIfCheckpointReady();

    public void Progress() => _progress();

    public int IncCorePrep() => _incCorePrep();

    public int IncCoreCkpt(int pid, IOwnedCrsSnapshot snapshot, CheckpointOptions options, ref OpalCrsState state)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (snapshot is not OwnedCrsSnapshot owned || owned.Pointer == null)
        {
            Log.Error("native-snapc: opal_cr_inc_core_ckpt needs a live snapshot made by this host's CreateSnapshot");
            return OpalStatus.BadParam;
        }
        // opal_cr_inc_core_ckpt jumps through opal_crs.crs_checkpoint without a NULL check.
        if (_crs->crs_checkpoint == null)
        {
            return SlotIsNull("opal_crs.crs_checkpoint (no CRS component is selected)");
        }

        var hostOptions = (OpalCrsBaseCkptOptions*)_objects.New(_ckptOptionsClass);
        if (hostOptions == null)
        {
            return OpalStatus.OutOfResource;
        }
        hostOptions->term = ToByte(options.Term);
        hostOptions->stop = ToByte(options.Stop);
        hostOptions->inc_prep_only = ToByte(options.IncPrepOnly);
        hostOptions->inc_recover_only = ToByte(options.IncRecoverOnly);

        var hostState = (int)state;
        var status = _incCoreCkpt(pid, owned.Pointer, hostOptions, &hostState);
        state = (OpalCrsState)hostState;

        // The host rewrites term (cleared unless the CRS continued); copy all four back.
        options.Term = hostOptions->term != 0;
        options.Stop = hostOptions->stop != 0;
        options.IncPrepOnly = hostOptions->inc_prep_only != 0;
        options.IncRecoverOnly = hostOptions->inc_recover_only != 0;
        OpalObjects.Release(&hostOptions->super);
        return status;
    }

    public int IncCoreRecover(OpalCrsState state) => _incCoreRecover((int)state);

    // ---- timers: OPAL_CR_CLEAR_TIMERS / SET_TIMER / DISPLAY_ALL_TIMERS (opal/runtime/opal_cr.h) ----

    /// <summary>OPAL_CR_CLEAR_TIMERS(), then <c>opal_cr_timing_my_rank = myRank</c> (unconditional, as in the original).</summary>
    public void ClearTimers(int myRank)
    {
        if (TimingEnabled)
        {
            _clearTimers();
        }
        Volatile.Write(ref *_timingMyRank, myRank);
    }

    public void SetTimer(int index)
    {
        if (TimingEnabled)
        {
            _setTime(index);
        }
    }

    public void DisplayAllTimers()
    {
        if (TimingEnabled)
        {
            _displayAllTimers();
        }
    }

    private bool TimingEnabled => ReadBool(_timingEnabled);

    // ---- CRS objects ------------------------------------------------------------------------------

    public IOwnedCrsSnapshot CreateSnapshot(uint ssHandle)
    {
        var snapshot = (OpalCrsBaseSnapshot*)_objects.New(_snapshotClass);
        if (snapshot == null)
        {
            throw new OutOfMemoryException("OBJ_NEW(opal_crs_base_snapshot_t) failed: malloc returned NULL");
        }
        // get_attr hands over malloc'ed strings, which the snapshot's destructor frees (or leaves NULL alone).
        var getAttr = _sstore->get_attr;
        if (getAttr != null)
        {
            getAttr(ssHandle, SstoreKey.LocalSnapLoc, &snapshot->snapshot_directory);
            getAttr(ssHandle, SstoreKey.LocalSnapMeta, &snapshot->metadata_filename);
        }
        // One attempt's snapshot at a time: the wrapper of a released one is used again.
        if (_lastSnapshot is { Pointer: null } released)
        {
            released.Attach(snapshot);
            return released;
        }
        return _lastSnapshot = new OwnedCrsSnapshot(snapshot);
    }

    private OwnedCrsSnapshot? _lastSnapshot;

    // C bool globals are one byte; any non-zero byte is true.
    private static bool ReadBool(byte* cell) => Volatile.Read(ref *cell) != 0;

    private static void WriteBool(byte* cell, bool value) => Volatile.Write(ref *cell, ToByte(value));

    private static byte ToByte(bool value) => value ? (byte)1 : (byte)0;

    // opal_tmp_directory() (opal/util/opal_environ.c): the first of the variables that is set, even if empty.
    private static string TemporaryDirectory()
    {
        foreach (var name in (ReadOnlySpan<string>)["TMPDIR", "TEMP", "TMP"])
        {
            var value = Environment.GetEnvironmentVariable(name);
            if (value is not null)
            {
                return value;
            }
        }
        return "/tmp";
    }
}

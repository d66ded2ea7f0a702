using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Threading;
using NativeSnapc.Abi;
using NativeSnapc.Diagnostics;
using NativeSnapc.Protocol.Snapc;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Host.OpenMpi;

/// <summary>
/// What the runtime does to a rank of a stock Open MPI 4.1 job (docs/runtime.md): fills the parts the build
/// leaves dormant — the RML slots and a conduit, the sstore slots, the coordination callback,
/// <c>opal_cr_is_enabled</c> and <c>opal_cr_pipe_dir</c> — opens the real crs and snapc frameworks from a component
/// directory so that they select our components, and gives the runtime the host objects it needs (RML buffers,
/// request datums). Everything it changes it can put back. All layout knowledge is in the Abi mirrors.
/// </summary>
internal sealed unsafe class RankHost
{
    private const string BindErrorPrefix = "native-snapc: the runtime cannot bind to this Open MPI 4.1 process: ";

    /// <summary>Every symbol the runtime uses, looked up once by <see cref="TryBind"/> (the first missing one is named).</summary>
    public static IReadOnlyList<string> RequiredSymbols { get; } =
    [
        "orte_rml",
        "orte_mgmt_conduit",
        "orte_sstore",
        "orte_sstore_handle_current",
        "orte_process_info",
        "opal_dss",
        "opal_class_initialize",
        "opal_class_init_epoch",
        "opal_buffer_t_class",
        "orte_snapc_base_request_op_t_class",
        "opal_cr_is_enabled",
        "opal_cr_pipe_dir",
        "opal_cr_checkpoint_request",
        "opal_cr_currently_stalled",
        "opal_cr_test_if_checkpoint_ready",
        "opal_cr_reg_coord_callback",
        "opal_cr_coord",
        "opal_cr_user_inc_register_callback",
        "opal_crs",
        "opal_crs_base_selected_component",
        "orte_snapc",
        "mca_base_component_repository_add",
        "mca_base_framework_open",
        "mca_base_framework_close",
        "opal_crs_base_framework",
        "opal_crs_base_select",
        "orte_snapc_base_framework",
        "orte_snapc_base_select",
        "opal_progress",
        "opal_pmix",
    ];

    private readonly OpalObjects _objects;
    private readonly OrteRmlBaseApi* _rml;
    private readonly int* _mgmtConduit;
    private readonly OrteSstoreBaseModule* _sstore;
    private readonly uint* _sstoreHandleCurrent;
    private readonly OrteProcInfo* _processInfo;
    private readonly OpalDss* _dss;
    private readonly OpalClass* _bufferClass;
    private readonly OpalClass* _requestOpClass;
    private readonly byte* _crEnabled;
    private readonly byte** _pipeDirectory;
    private readonly int* _checkpointRequest;
    private readonly byte* _currentlyStalled;
    private readonly delegate* unmanaged[Cdecl]<void> _testIfCheckpointReady;
    private readonly delegate* unmanaged[Cdecl]<nint, nint*, int> _regCoordCallback;
    private readonly delegate* unmanaged[Cdecl]<int, int> _opalCrCoord;
    private readonly delegate* unmanaged[Cdecl]<int, nint, nint*, int> _userIncRegister;
    private readonly OpalCrsBaseModule* _crs;
    private readonly OpalCrsBaseComponent* _selectedCrs;
    private readonly OrteSnapcBaseModule* _snapc;
    private readonly delegate* unmanaged[Cdecl]<byte*, int> _repositoryAdd;
    private readonly delegate* unmanaged[Cdecl]<void*, int, int> _frameworkOpen;
    private readonly delegate* unmanaged[Cdecl]<void*, int> _frameworkClose;
    private readonly void* _crsFramework;
    private readonly delegate* unmanaged[Cdecl]<int> _crsSelect;
    private readonly void* _snapcFramework;
    private readonly delegate* unmanaged[Cdecl]<byte, byte, int> _snapcSelect;
    private readonly delegate* unmanaged[Cdecl]<void> _progress;
    private readonly OpalPmixBaseModule* _pmix;

    // What was there before the runtime filled it in.
    private OrteRmlBaseApi _savedRml;
    private int _savedConduit;
    private bool _rmlInstalled;
    private OrteSstoreBaseModule _savedSstore;
    private bool _sstoreInstalled;
    private byte _savedCrEnabled;
    private byte* _savedPipeDirectory;
    private byte* _ourPipeDirectory;
    private bool _crEnabledByUs;
    private nint _previousCoordCallback;
    private bool _coordCallbackInstalled;
    private bool _crsOpened;
    private bool _snapcOpened;

    private RankHost(IReadOnlyDictionary<string, nint> resolved)
    {
        _objects = new OpalObjects(resolved["opal_class_initialize"], resolved["opal_class_init_epoch"]);
        _rml = (OrteRmlBaseApi*)resolved["orte_rml"];
        _mgmtConduit = (int*)resolved["orte_mgmt_conduit"];
        _sstore = (OrteSstoreBaseModule*)resolved["orte_sstore"];
        _sstoreHandleCurrent = (uint*)resolved["orte_sstore_handle_current"];
        _processInfo = (OrteProcInfo*)resolved["orte_process_info"];
        _dss = (OpalDss*)resolved["opal_dss"];
        _bufferClass = (OpalClass*)resolved["opal_buffer_t_class"];
        _requestOpClass = (OpalClass*)resolved["orte_snapc_base_request_op_t_class"];
        _crEnabled = (byte*)resolved["opal_cr_is_enabled"];
        _pipeDirectory = (byte**)resolved["opal_cr_pipe_dir"];
        _checkpointRequest = (int*)resolved["opal_cr_checkpoint_request"];
        _currentlyStalled = (byte*)resolved["opal_cr_currently_stalled"];
        _testIfCheckpointReady = (delegate* unmanaged[Cdecl]<void>)resolved["opal_cr_test_if_checkpoint_ready"];
        _regCoordCallback = (delegate* unmanaged[Cdecl]<nint, nint*, int>)resolved["opal_cr_reg_coord_callback"];
        _opalCrCoord = (delegate* unmanaged[Cdecl]<int, int>)resolved["opal_cr_coord"];
        _userIncRegister = (delegate* unmanaged[Cdecl]<int, nint, nint*, int>)resolved["opal_cr_user_inc_register_callback"];
        _crs = (OpalCrsBaseModule*)resolved["opal_crs"];
        _selectedCrs = (OpalCrsBaseComponent*)resolved["opal_crs_base_selected_component"];
        _snapc = (OrteSnapcBaseModule*)resolved["orte_snapc"];
        _repositoryAdd = (delegate* unmanaged[Cdecl]<byte*, int>)resolved["mca_base_component_repository_add"];
        _frameworkOpen = (delegate* unmanaged[Cdecl]<void*, int, int>)resolved["mca_base_framework_open"];
        _frameworkClose = (delegate* unmanaged[Cdecl]<void*, int>)resolved["mca_base_framework_close"];
        _crsFramework = (void*)resolved["opal_crs_base_framework"];
        _crsSelect = (delegate* unmanaged[Cdecl]<int>)resolved["opal_crs_base_select"];
        _snapcFramework = (void*)resolved["orte_snapc_base_framework"];
        _snapcSelect = (delegate* unmanaged[Cdecl]<byte, byte, int>)resolved["orte_snapc_base_select"];
        _progress = (delegate* unmanaged[Cdecl]<void>)resolved["opal_progress"];
        _pmix = (OpalPmixBaseModule*)resolved["opal_pmix"];
    }

    /// <summary>
    /// Binds to the Open MPI 4.1 process this library runs in (after MPI_Init). On failure <paramref name="error"/>
    /// names the missing symbol or the refused layout; nothing was changed.
    /// </summary>
    public static bool TryBind([NotNullWhen(true)] out RankHost? host, out string error)
    {
        host = null;
        using var symbols = HostSymbols.Open();
        var resolved = new Dictionary<string, nint>(StringComparer.Ordinal);
        foreach (var name in RequiredSymbols)
        {
            var address = symbols.Resolve(name);
            if (address == 0)
            {
                error = $"{BindErrorPrefix}symbol '{name}' was not found in {symbols.DescribeSearch()}";
                return false;
            }
            resolved[name] = address;
        }
        var bufferSize = ((OpalClass*)resolved["opal_buffer_t_class"])->cls_sizeof;
        if (bufferSize != (nuint)sizeof(OpalBuffer))
        {
            error = $"{BindErrorPrefix}opal_buffer_t is {bufferSize} bytes here, not {sizeof(OpalBuffer)}: only release builds of Open MPI 4.1 are supported";
            return false;
        }
        host = new RankHost(resolved);
        var processName = host.MyName;
        if (processName.jobid != OrteName.JobIdInvalid && processName.vpid != OrteName.VpidInvalid)
        {
            StandardErrorLines.ProcessName = processName.ToString();
        }
        error = string.Empty;
        return true;
    }

    // ---- identity ------------------------------------------------------------------------------

    public OrteProcessName MyName => _processInfo->my_name;

    public OrteProcessName Daemon => _processInfo->my_daemon;

    public OrteProcessName Hnp => _processInfo->my_hnp;

    public uint ProcessCount => _processInfo->num_procs;

    /// <summary>The DSS encoding of the host's buffers (the default a new <c>opal_buffer_t</c> gets).</summary>
    public DssBufferType BufferType
    {
        get
        {
            var buffer = (OpalBuffer*)_objects.New(_bufferClass);
            if (buffer == null)
            {
                return DssBufferType.NonDescribed;
            }
            var type = buffer->type;
            OpalObjects.Release(&buffer->parent);
            return type;
        }
    }

    /// <summary>Whether <paramref name="peer"/> is the HNP's or the daemon's name field of orte_process_info (as ORTE_PROC_MY_HNP / _DAEMON pass them).</summary>
    public bool IsHnpField(OrteProcessName* peer) => peer == &_processInfo->my_hnp;

    public bool IsDaemonField(OrteProcessName* peer) => peer == &_processInfo->my_daemon;

    // ---- RML --------------------------------------------------------------------------------------

    /// <summary>
    /// Fills <c>orte_rml.send_buffer_nb</c>, <c>recv_buffer_nb</c> and <c>recv_cancel</c> with the runtime's, and
    /// gives <c>orte_mgmt_conduit</c> a value (stock 4.1 leaves it -1: "no RML").
    /// </summary>
    public void InstallRml(nint sendBufferNb, nint recvBufferNb, nint recvCancel)
    {
        if (!_rmlInstalled)
        {
            _savedRml = *_rml;
            _savedConduit = Volatile.Read(ref *_mgmtConduit);
            _rmlInstalled = true;
        }
        _rml->send_buffer_nb = (delegate* unmanaged[Cdecl]<ushort, OrteProcessName*, OpalBuffer*, uint, delegate* unmanaged[Cdecl]<int, OrteProcessName*, OpalBuffer*, uint, void*, void>, void*, int>)sendBufferNb;
        _rml->recv_buffer_nb = (delegate* unmanaged[Cdecl]<OrteProcessName*, uint, byte, delegate* unmanaged[Cdecl]<int, OrteProcessName*, OpalBuffer*, uint, void*, void>, void*, void>)recvBufferNb;
        _rml->recv_cancel = (delegate* unmanaged[Cdecl]<OrteProcessName*, uint, void>)recvCancel;
        Volatile.Write(ref *_mgmtConduit, 0);
    }

    public void RestoreRml()
    {
        if (!_rmlInstalled)
        {
            return;
        }
        _rml->send_buffer_nb = _savedRml.send_buffer_nb;
        _rml->recv_buffer_nb = _savedRml.recv_buffer_nb;
        _rml->recv_cancel = _savedRml.recv_cancel;
        Volatile.Write(ref *_mgmtConduit, _savedConduit);
        _rmlInstalled = false;
    }

    /// <summary>The bytes a sender put into <paramref name="buffer"/> (<c>base_ptr .. bytes_used</c>), as ORTE's OOB carries them.</summary>
    public static byte[] SentBytes(OpalBuffer* buffer) =>
        buffer == null || buffer->base_ptr == null || buffer->bytes_used == 0
            ? []
            : new ReadOnlySpan<byte>(buffer->base_ptr, checked((int)buffer->bytes_used)).ToArray();

    /// <summary>
    /// Delivers one message to a posted receive, as orte_rml_base_process_msg does: a temporary buffer around a
    /// malloc'ed copy of the bytes, the callback, then the buffer released.
    /// </summary>
    public void Deliver(nint callback, nint callbackData, int status, OrteProcessName sender, uint tag, byte[] payload)
    {
        var buffer = (OpalBuffer*)_objects.New(_bufferClass);
        if (buffer == null)
        {
            Log.Error($"native-snapc: out of memory delivering a message on RML tag {tag}; dropped");
            return;
        }
        if (payload.Length > 0)
        {
            var copy = (byte*)NativeMemory.Alloc((nuint)payload.Length);
            payload.CopyTo(new Span<byte>(copy, payload.Length));
            var load = _dss->load;
            if (load == null || load(buffer, copy, payload.Length) != OpalStatus.Success)
            {
                NativeMemory.Free(copy);
            }
        }
        var name = sender;
        ((delegate* unmanaged[Cdecl]<int, OrteProcessName*, OpalBuffer*, uint, void*, void>)callback)(status, &name, buffer, tag, (void*)callbackData);
        OpalObjects.Release(&buffer->parent);
    }

    /// <summary>Runs a send's completion callback (orte_rml_send_callback releases the buffer there).</summary>
    public static void CompleteSend(nint callback, nint callbackData, int status, OrteProcessName peer, nint buffer, uint tag)
    {
        if (callback == 0)
        {
            return;
        }
        var name = peer;
        ((delegate* unmanaged[Cdecl]<int, OrteProcessName*, OpalBuffer*, uint, void*, void>)callback)(status, &name, (OpalBuffer*)buffer, tag, (void*)callbackData);
    }

    // ---- sstore -----------------------------------------------------------------------------------

    public void InstallSstore(nint registerHandle, nint getAttr, nint setAttr, nint sync)
    {
        if (!_sstoreInstalled)
        {
            _savedSstore = *_sstore;
            _sstoreInstalled = true;
        }
        _sstore->register_handle = (delegate* unmanaged[Cdecl]<uint, int>)registerHandle;
        _sstore->get_attr = (delegate* unmanaged[Cdecl]<uint, uint, byte**, int>)getAttr;
        _sstore->set_attr = (delegate* unmanaged[Cdecl]<uint, uint, byte*, int>)setAttr;
        _sstore->sync = (delegate* unmanaged[Cdecl]<uint, int>)sync;
    }

    public void RestoreSstore()
    {
        if (_sstoreInstalled)
        {
            *_sstore = _savedSstore;
            _sstoreInstalled = false;
        }
    }

    /// <summary><c>orte_sstore_handle_current</c>: the handle being registered or synced.</summary>
    public uint SstoreHandleCurrent
    {
        get => Volatile.Read(ref *_sstoreHandleCurrent);
        set => Volatile.Write(ref *_sstoreHandleCurrent, value);
    }

    // ---- opal_cr ----------------------------------------------------------------------------------

    /// <summary>
    /// Turns checkpoint/restart on (<c>opal_cr_is_enabled</c>, which crs selection requires) and points the FIFOs
    /// at <paramref name="pipeDirectory"/> (<c>opal_cr_pipe_dir</c>).
    /// </summary>
    public void EnableCheckpointRestart(string pipeDirectory)
    {
        if (!_crEnabledByUs)
        {
            _savedCrEnabled = *_crEnabled;
            _savedPipeDirectory = *_pipeDirectory;
            _crEnabledByUs = true;
        }
        *_crEnabled = 1;
        var ours = HostString.Duplicate(pipeDirectory);
        *_pipeDirectory = ours;
        HostString.Free(_ourPipeDirectory);
        _ourPipeDirectory = ours;
    }

    public void RestoreCheckpointRestart()
    {
        if (!_crEnabledByUs)
        {
            return;
        }
        *_crEnabled = _savedCrEnabled;
        *_pipeDirectory = _savedPipeDirectory;
        // Our copy stays allocated: a host thread could still be reading the pointer it loaded.
        _crEnabledByUs = false;
    }

    /// <summary>Whether a checkpoint request is pending (the signal handler set REQUESTED) or a stalled one waits to resume.</summary>
    public bool CheckpointPending =>
        Volatile.Read(ref *_checkpointRequest) == (int)OpalCrCkptCmdState.StatusRequested || Volatile.Read(ref *_currentlyStalled) != 0;

    /// <summary><c>opal_cr_test_if_checkpoint_ready()</c>: takes part in a pending checkpoint.</summary>
    public void TestIfCheckpointReady() => _testIfCheckpointReady();

    /// <summary><c>opal_pmix.fence(NULL, 0)</c>, as the coordinator's init and finalize run it.</summary>
    public int Fence()
    {
        var fence = _pmix->fence;
        return fence == null ? OpalStatus.NotSupported : fence(null, 0);
    }

    /// <summary><c>opal_progress()</c>.</summary>
    public void Progress() => _progress();

    /// <summary>Registers <paramref name="callback"/> as the coordination callback; the previous one is kept to put back.</summary>
    public int InstallCoordinationCallback(nint callback)
    {
        nint previous = 0;
        var status = _regCoordCallback(callback, &previous);
        if (status == OpalStatus.Success && !_coordCallbackInstalled)
        {
            _previousCoordCallback = previous;
            _coordCallbackInstalled = true;
        }
        return status;
    }

    public void RestoreCoordinationCallback()
    {
        if (!_coordCallbackInstalled)
        {
            return;
        }
        nint replaced = 0;
        _regCoordCallback(_previousCoordCallback, &replaced);
        _coordCallbackInstalled = false;
    }

    /// <summary>The real <c>opal_cr_coord(state)</c>: OPAL's layer of the coordination chain.</summary>
    public int OpalCrCoord(int state) => _opalCrCoord(state);

    /// <summary><c>orte_snapc.ft_event(state)</c> of the selected snapc component (success when none is selected).</summary>
    public int SnapcFtEvent(int state)
    {
        var ftEvent = _snapc->ft_event;
        return ftEvent == null ? OpalStatus.Success : ftEvent(state);
    }

    /// <summary><c>opal_cr_user_inc_register_callback(event, function, &amp;previous)</c>.</summary>
    public int RegisterIncCallback(int incEvent, nint function, nint* previous) => _userIncRegister(incEvent, function, previous);

    // ---- the MCA frameworks -------------------------------------------------------------------------

    /// <summary><c>mca_base_component_repository_add(directory)</c>: what mca_base_component_path does at start-up.</summary>
    public int AddComponentDirectory(string directory)
    {
        var text = HostString.Duplicate(directory);
        try
        {
            return _repositoryAdd(text);
        }
        finally
        {
            HostString.Free(text);
        }
    }

    /// <summary>Opens the crs framework and runs <c>opal_crs_base_select</c> (query, copy the module into <c>opal_crs</c>, crs_init).</summary>
    public int SelectCrs()
    {
        var status = _frameworkOpen(_crsFramework, 0);
        if (status != OpalStatus.Success)
        {
            return status;
        }
        _crsOpened = true;
        return _crsSelect();
    }

    /// <summary>The name of the selected CRS component ("" when none), and whether it can checkpoint.</summary>
    public string SelectedCrsName => HostString.ReadBounded(_selectedCrs->base_version.mca_component_name, McaBase.MaxComponentNameLength + 1);

    public bool CrsCanCheckpoint => _crs->crs_checkpoint != null;

    /// <summary>Closes the crs framework (crs_finalize, the components unloaded; our library stays mapped).</summary>
    public void CloseCrs()
    {
        if (_crsOpened)
        {
            _frameworkClose(_crsFramework);
            _crsOpened = false;
        }
    }

    /// <summary>
    /// Opens the snapc framework and runs <c>orte_snapc_base_select(seed=false, app=true)</c>: the selected
    /// component's <c>snapc_init</c> starts the application coordinator.
    /// </summary>
    public int SelectSnapc()
    {
        var status = _frameworkOpen(_snapcFramework, 0);
        if (status != OpalStatus.Success)
        {
            return status;
        }
        _snapcOpened = true;
        return _snapcSelect(0, 1);
    }

    /// <summary>
    /// <c>orte_snapc.snapc_finalize()</c> (the coordinator's finalize), then the framework closed. The framework's
    /// close would finalize again, so the slot is cleared first. Returns the finalize status.
    /// </summary>
    public int FinalizeSnapc()
    {
        if (!_snapcOpened)
        {
            return OpalStatus.Success;
        }
        var finalize = _snapc->snapc_finalize;
        var status = finalize == null ? OpalStatus.Success : finalize();
        _snapc->snapc_finalize = null;
        _frameworkClose(_snapcFramework);
        _snapcOpened = false;
        return status;
    }

    /// <summary>
    /// Runs one request through <c>orte_snapc.request_op</c> with a datum built as ompi/mpiext/cr builds it
    /// (<c>OBJ_NEW</c>, <c>is_active</c>, the event, the leader), and reads back <c>seq_num</c> and
    /// <c>global_handle</c>.
    /// </summary>
    public int RequestOp(SnapcOpEvent opEvent, int leader, int seqNum, string? globalHandle, out int resultSeq, out string? resultHandle)
    {
        resultSeq = -1;
        resultHandle = null;
        var requestOp = _snapc->request_op;
        if (requestOp == null)
        {
            Log.Error("native-snapc: no snapc component is selected in this process (orte_snapc.request_op is NULL)");
            return OpalStatus.NotInitialized;
        }
        var datum = (OrteSnapcBaseRequestOp*)_objects.New(_requestOpClass);
        if (datum == null)
        {
            return OpalStatus.OutOfResource;
        }
        datum->@event = opEvent;
        datum->is_active = 1;
        datum->leader = leader;
        datum->seq_num = seqNum;
        datum->global_handle = HostString.Duplicate(globalHandle);
        var status = requestOp(datum);
        resultSeq = datum->seq_num;
        resultHandle = HostString.Read(datum->global_handle);
        OpalObjects.Release(&datum->super);
        return status;
    }

    /// <summary>
    /// A MIGRATE request led by <paramref name="leader"/> with the table ompi/mpiext/cr's OMPI_CR_Migrate gathers: the
    /// four arrays allocated as it allocates them (<c>mig_host_pref</c> rows of OPAL_MAX_PROCESSOR_NAME), freed after.
    /// </summary>
    public int RequestMigrate(int leader, IReadOnlyList<SnapcMigrationEntry> entries)
    {
        var requestOp = _snapc->request_op;
        if (requestOp == null)
        {
            Log.Error("native-snapc: no snapc component is selected in this process (orte_snapc.request_op is NULL)");
            return OpalStatus.NotInitialized;
        }
        var datum = (OrteSnapcBaseRequestOp*)_objects.New(_requestOpClass);
        if (datum == null)
        {
            return OpalStatus.OutOfResource;
        }
        var count = entries.Count;
        var vpids = (int*)NativeMemory.AllocZeroed((nuint)Math.Max(count, 1), sizeof(int));
        var hostPreferences = (byte*)NativeMemory.AllocZeroed((nuint)Math.Max(count, 1), OpalConfig.MaxProcessorName);
        var vpidPreferences = (int*)NativeMemory.AllocZeroed((nuint)Math.Max(count, 1), sizeof(int));
        var offNode = (int*)NativeMemory.AllocZeroed((nuint)Math.Max(count, 1), sizeof(int));
        for (var i = 0; i < count; i++)
        {
            vpids[i] = entries[i].Vpid;
            var name = System.Text.Encoding.UTF8.GetBytes(entries[i].HostPreference ?? "");
            name.AsSpan(0, Math.Min(name.Length, OpalConfig.MaxProcessorName - 1))
                .CopyTo(new Span<byte>(hostPreferences + (nint)i * OpalConfig.MaxProcessorName, OpalConfig.MaxProcessorName));
            vpidPreferences[i] = entries[i].VpidPreference;
            offNode[i] = entries[i].OffNode;
        }
        datum->@event = SnapcOpEvent.Migrate;
        datum->is_active = 1;
        datum->leader = leader;
        datum->mig_num = count;
        datum->mig_vpids = vpids;
        datum->mig_host_pref = hostPreferences;
        datum->mig_vpid_pref = vpidPreferences;
        datum->mig_off_node = offNode;
        var status = requestOp(datum);
        datum->mig_vpids = null;
        datum->mig_host_pref = null;
        datum->mig_vpid_pref = null;
        datum->mig_off_node = null;
        OpalObjects.Release(&datum->super);
        NativeMemory.Free(vpids);
        NativeMemory.Free(hostPreferences);
        NativeMemory.Free(vpidPreferences);
        NativeMemory.Free(offNode);
        return status;
    }
}

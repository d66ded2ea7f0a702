using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using NativeSnapc.Abi;
using NativeSnapc.Coordinator;
using NativeSnapc.Diagnostics;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Host.OpenMpi;

/// <summary>
/// The coordinator's port bound to a live Open MPI 4.1 process (release build). Every host symbol is looked up
/// by name once, in <see cref="TryBind"/>; a symbol that is missing, a function-table slot the coordinator
/// needs that is NULL, or an object layout other than the release one makes binding fail with a message
/// naming it. Function-table slots are read again at every call (a framework may replace the table), and a
/// slot found NULL then is reported, never called. All offsets and sizes come from the Abi mirror structs,
/// which the layout tests check against the real headers.
/// </summary>
internal sealed unsafe partial class OpenMpiHost : IHostPort
{
    private const string BindErrorPrefix = "native-snapc: cannot bind to the Open MPI 4.1 host: ";

    /// <summary>Every symbol the port uses, in the order binding looks them up (the first missing one is named).</summary>
    public static IReadOnlyList<string> RequiredSymbols { get; } =
    [
        "opal_pmix",
        "orte_rml",
        "orte_mgmt_conduit",
        "orte_rml_send_callback",
        "orte_rml_recv_callback",
        "orte_sstore",
        "orte_sstore_handle_current",
        "opal_dss",
        "orte_process_info",
        "opal_cr_entry_point_signal",
        "opal_cr_pipe_dir",
        "opal_cr_checkpoint_request",
        "opal_cr_checkpointing_state",
        "opal_cr_currently_stalled",
        "opal_cr_stall_check",
        "opal_cr_continue_like_restart",
        "orte_cr_flush_restart_files",
        "opal_cr_timing_enabled",
        "opal_cr_timing_my_rank",
        "opal_cr_set_time",
        "opal_cr_clear_timers",
        "opal_cr_display_all_timers",
        "opal_cr_reg_notify_callback",
        "opal_cr_inc_core_prep",
        "opal_cr_inc_core_ckpt",
        "opal_cr_inc_core_recover",
        "opal_cr_test_if_checkpoint_ready",
        "opal_crs",
        "opal_progress",
        "opal_output",
        "opal_class_initialize",
        "opal_class_init_epoch",
        "opal_crs_base_selected_component",
        "opal_buffer_t_class",
        "opal_crs_base_snapshot_t_class",
        "opal_crs_base_ckpt_options_t_class",
        "orte_rml_recv_cb_t_class",
    ];

    /// <summary>
    /// Symbols used when present: the MCA variable system (else settings come from the environment) and two
    /// more class descriptors whose size is checked (the object header itself, and the request_op datum).
    /// </summary>
    public static IReadOnlyList<string> OptionalSymbols { get; } =
    [
        "mca_base_var_find",
        "mca_base_var_get",
        "mca_base_var_get_value",
        "opal_object_t_class",
        "orte_snapc_base_request_op_t_class",
    ];

    // Class descriptors whose size is checked: release size (the mirror struct) and the debug-build size
    // (OPAL_ENABLE_DEBUG=1: 40-byte opal_object_t, 72-byte opal_list_item_t; docs/abi.md#debug-builds).
    private static readonly (string Symbol, string Type, int ReleaseSize, int DebugSize)[] s_checkedClasses =
    [
        ("opal_object_t_class", "opal_object_t", sizeof(OpalObject), 40),
        ("opal_buffer_t_class", "opal_buffer_t", sizeof(OpalBuffer), 88),
        ("opal_crs_base_snapshot_t_class", "opal_crs_base_snapshot_t", sizeof(OpalCrsBaseSnapshot), 112),
        ("opal_crs_base_ckpt_options_t_class", "opal_crs_base_ckpt_options_t", sizeof(OpalCrsBaseCkptOptions), 48),
        ("orte_rml_recv_cb_t_class", "orte_rml_recv_cb_t", sizeof(OrteRmlRecvCb), 144),
        ("orte_snapc_base_request_op_t_class", "orte_snapc_base_request_op_t", sizeof(OrteSnapcBaseRequestOp), 104),
    ];

    private readonly OpalObjects _objects;
    private readonly McaVariables? _mcaVariables;

    // Function tables (read at each call).
    private readonly OpalPmixBaseModule* _pmix;
    private readonly OrteRmlBaseApi* _rml;
    private readonly OrteSstoreBaseModule* _sstore;
    private readonly OpalDss* _dss;
    private readonly OpalCrsBaseModule* _crs;

    // Host globals.
    private readonly int* _mgmtConduit;
    private readonly uint* _sstoreHandleCurrent;
    private readonly OrteProcInfo* _processInfo;
    private readonly int* _entryPointSignal;
    private readonly byte** _pipeDirectory;
    private readonly int* _checkpointRequest;
    private readonly int* _checkpointingState;
    private readonly byte* _currentlyStalled;
    private readonly byte* _stallCheck;
    private readonly byte* _continueLikeRestart;
    private readonly byte* _flushRestartFiles;
    private readonly byte* _timingEnabled;
    private readonly int* _timingMyRank;
    private readonly OpalCrsBaseComponent* _selectedCrsComponent;

    // Class descriptors.
    private readonly OpalClass* _bufferClass;
    private readonly OpalClass* _snapshotClass;
    private readonly OpalClass* _ckptOptionsClass;
    private readonly OpalClass* _recvCbClass;

    // Functions.
    private readonly delegate* unmanaged[Cdecl]<int, OrteProcessName*, OpalBuffer*, uint, void*, void> _rmlSendCallback;
    private readonly delegate* unmanaged[Cdecl]<int, OrteProcessName*, OpalBuffer*, uint, void*, void> _rmlRecvCallback;
    private readonly delegate* unmanaged[Cdecl]<int, void> _setTime;
    private readonly delegate* unmanaged[Cdecl]<void> _clearTimers;
    private readonly delegate* unmanaged[Cdecl]<void> _displayAllTimers;
    private readonly delegate* unmanaged[Cdecl]<nint, nint*, int> _regNotifyCallback;
    private readonly delegate* unmanaged[Cdecl]<int> _incCorePrep;
    private readonly delegate* unmanaged[Cdecl]<int, OpalCrsBaseSnapshot*, OpalCrsBaseCkptOptions*, int*, int> _incCoreCkpt;
    private readonly delegate* unmanaged[Cdecl]<int, int> _incCoreRecover;
    private readonly delegate* unmanaged[Cdecl]<void> _testIfCheckpointReady;
    private readonly delegate* unmanaged[Cdecl]<void> _progress;
    private readonly nint _opalOutput;

    // The opal_cr_notify_callback_fn_t registered with the host; it calls DispatchNotify.
    private readonly nint _notifyEntryPoint;

    private OpenMpiHost(IReadOnlyDictionary<string, nint> resolved, nint notifyEntryPoint)
    {
        _notifyEntryPoint = notifyEntryPoint;
        _objects = new OpalObjects(resolved["opal_class_initialize"], resolved["opal_class_init_epoch"]);
        _mcaVariables = McaVariables.Create(
            resolved.GetValueOrDefault("mca_base_var_find"),
            resolved.GetValueOrDefault("mca_base_var_get"),
            resolved.GetValueOrDefault("mca_base_var_get_value"));

        _pmix = (OpalPmixBaseModule*)resolved["opal_pmix"];
        _rml = (OrteRmlBaseApi*)resolved["orte_rml"];
        _sstore = (OrteSstoreBaseModule*)resolved["orte_sstore"];
        _dss = (OpalDss*)resolved["opal_dss"];
        _crs = (OpalCrsBaseModule*)resolved["opal_crs"];

        _mgmtConduit = (int*)resolved["orte_mgmt_conduit"];
        _sstoreHandleCurrent = (uint*)resolved["orte_sstore_handle_current"];
        _processInfo = (OrteProcInfo*)resolved["orte_process_info"];
        _entryPointSignal = (int*)resolved["opal_cr_entry_point_signal"];
        _pipeDirectory = (byte**)resolved["opal_cr_pipe_dir"];
        _checkpointRequest = (int*)resolved["opal_cr_checkpoint_request"];
        _checkpointingState = (int*)resolved["opal_cr_checkpointing_state"];
        _currentlyStalled = (byte*)resolved["opal_cr_currently_stalled"];
        _stallCheck = (byte*)resolved["opal_cr_stall_check"];
        _continueLikeRestart = (byte*)resolved["opal_cr_continue_like_restart"];
        _flushRestartFiles = (byte*)resolved["orte_cr_flush_restart_files"];
        _timingEnabled = (byte*)resolved["opal_cr_timing_enabled"];
        _timingMyRank = (int*)resolved["opal_cr_timing_my_rank"];
        _selectedCrsComponent = (OpalCrsBaseComponent*)resolved["opal_crs_base_selected_component"];

        _bufferClass = (OpalClass*)resolved["opal_buffer_t_class"];
        _snapshotClass = (OpalClass*)resolved["opal_crs_base_snapshot_t_class"];
        _ckptOptionsClass = (OpalClass*)resolved["opal_crs_base_ckpt_options_t_class"];
        _recvCbClass = (OpalClass*)resolved["orte_rml_recv_cb_t_class"];

        _rmlSendCallback = (delegate* unmanaged[Cdecl]<int, OrteProcessName*, OpalBuffer*, uint, void*, void>)resolved["orte_rml_send_callback"];
        _rmlRecvCallback = (delegate* unmanaged[Cdecl]<int, OrteProcessName*, OpalBuffer*, uint, void*, void>)resolved["orte_rml_recv_callback"];
        _setTime = (delegate* unmanaged[Cdecl]<int, void>)resolved["opal_cr_set_time"];
        _clearTimers = (delegate* unmanaged[Cdecl]<void>)resolved["opal_cr_clear_timers"];
        _displayAllTimers = (delegate* unmanaged[Cdecl]<void>)resolved["opal_cr_display_all_timers"];
        _regNotifyCallback = (delegate* unmanaged[Cdecl]<nint, nint*, int>)resolved["opal_cr_reg_notify_callback"];
        _incCorePrep = (delegate* unmanaged[Cdecl]<int>)resolved["opal_cr_inc_core_prep"];
        _incCoreCkpt = (delegate* unmanaged[Cdecl]<int, OpalCrsBaseSnapshot*, OpalCrsBaseCkptOptions*, int*, int>)resolved["opal_cr_inc_core_ckpt"];
        _incCoreRecover = (delegate* unmanaged[Cdecl]<int, int>)resolved["opal_cr_inc_core_recover"];
        _testIfCheckpointReady = (delegate* unmanaged[Cdecl]<void>)resolved["opal_cr_test_if_checkpoint_ready"];
        _progress = (delegate* unmanaged[Cdecl]<void>)resolved["opal_progress"];
        _opalOutput = resolved["opal_output"];
    }

    /// <summary>
    /// Binds to the Open MPI 4.1 process this library was loaded into. On success the library's log
    /// (<see cref="Log.Sink"/>) is routed to the host's <c>opal_output</c>. On failure <paramref name="error"/>
    /// names the missing symbol, the NULL slot or the refused layout; nothing was changed.
    /// </summary>
    /// <param name="notifyEntryPoint">
    /// The C function to register as opal_cr's notify callback (an export, whose body is <see cref="DispatchNotify"/>).
    /// </param>
    /// <param name="host">The bound host.</param>
    /// <param name="error">Why binding failed.</param>
    public static bool TryBind(nint notifyEntryPoint, [NotNullWhen(true)] out OpenMpiHost? host, out string error)
    {
        host = null;
        var symbols = HostSymbols.Open();
        var resolved = new Dictionary<string, nint>(StringComparer.Ordinal);
        foreach (var name in RequiredSymbols)
        {
            var address = symbols.Resolve(name);
            if (address == 0)
            {
                error = $"{BindErrorPrefix}symbol '{name}' was not found in {symbols.DescribeSearch()}";
                symbols.Dispose();
                return false;
            }
            resolved[name] = address;
        }
        foreach (var name in OptionalSymbols)
        {
            var address = symbols.Resolve(name);
            if (address != 0)
            {
                resolved[name] = address;
            }
        }

        NameLogLines((OrteProcInfo*)resolved["orte_process_info"]);
        var refusal = CheckObjectLayouts(resolved) ?? CheckFunctionTables(resolved);
        if (refusal is not null)
        {
            error = BindErrorPrefix + refusal;
            symbols.Dispose();
            return false;
        }

        // The RTLD_NOLOAD references of `symbols` are deliberately never dropped: they keep a host's
        // RTLD_LOCAL copy of Open MPI, and so every address resolved from it, mapped for good.
        host = new OpenMpiHost(resolved, notifyEntryPoint);
        Log.Sink = HostOutput.CreateSink(host._opalOutput);
        error = string.Empty;
        return true;
    }

    /// <summary>
    /// The component's settings: each <c>snapc_full_*</c> variable from the host's MCA variable system when it
    /// is registered there, else from <c>OMPI_MCA_snapc_full_*</c>. Also sets <see cref="Log.Verbosity"/>.
    /// </summary>
    public CoordinatorSettings ReadSettings()
    {
        var settings = CoordinatorSettingsReader.Read(LookupSetting);
        Log.Verbosity = settings.Verbose;
        return settings;
    }

    /// <summary>The raw text of <c>snapc_full_&lt;variable&gt;</c>: the MCA value when registered, else the environment's.</summary>
    public string? LookupSetting(string variable) =>
        _mcaVariables?.TryRead(CoordinatorSettingsReader.Framework, CoordinatorSettingsReader.Component, variable)
        ?? CoordinatorSettingsReader.FromEnvironment(variable);

    private static string? CheckObjectLayouts(IReadOnlyDictionary<string, nint> resolved)
    {
        foreach (var (symbol, type, releaseSize, debugSize) in s_checkedClasses)
        {
            if (!resolved.TryGetValue(symbol, out var address))
            {
                continue;
            }
            var size = ((OpalClass*)address)->cls_sizeof;
            if (size == (nuint)releaseSize)
            {
                continue;
            }
            var what = size == (nuint)debugSize
                ? "the size it has in a debug build (OPAL_ENABLE_DEBUG=1, 40-byte opal_object_t)"
                : "an object layout native-snapc does not know";
            return $"{type} is {size} bytes in this process ({symbol}.cls_sizeof), {what}; "
                   + $"native-snapc supports only release builds of Open MPI 4.1 ({type} {releaseSize} bytes, 16-byte opal_object_t)";
        }
        return null;
    }

    private static string? CheckFunctionTables(IReadOnlyDictionary<string, nint> resolved)
    {
        var pmix = (OpalPmixBaseModule*)resolved["opal_pmix"];
        var rml = (OrteRmlBaseApi*)resolved["orte_rml"];
        var sstore = (OrteSstoreBaseModule*)resolved["orte_sstore"];
        var dss = (OpalDss*)resolved["opal_dss"];

        const string noPmix = "no PMIx component is active, the process has not been through orte_init or MPI_Init";
        const string noRml = "the RML API table is not filled in";
        const string noSstore = "no sstore component is selected, stock Open MPI 4.1 never selects one";
        const string noDss = "the DSS table is not filled in";
        (bool IsNull, string Slot, string Reason)[] slots =
        [
            (pmix->fence == null, "opal_pmix.fence", noPmix),
            (rml->send_buffer_nb == null, "orte_rml.send_buffer_nb", noRml),
            (rml->recv_buffer_nb == null, "orte_rml.recv_buffer_nb", noRml),
            (rml->recv_cancel == null, "orte_rml.recv_cancel", noRml),
            (sstore->register_handle == null, "orte_sstore.register_handle", noSstore),
            (sstore->get_attr == null, "orte_sstore.get_attr", noSstore),
            (sstore->set_attr == null, "orte_sstore.set_attr", noSstore),
            (sstore->sync == null, "orte_sstore.sync", noSstore),
            (dss->load == null, "opal_dss.load", noDss),
            (dss->unload == null, "opal_dss.unload", noDss),
        ];
        // Everything that is missing, in one line: a stock Open MPI 4.1 process lacks several pieces at once.
        var groups = new List<string>();
        foreach (var reason in new[] { noPmix, noRml, noSstore, noDss })
        {
            var names = new List<string>();
            foreach (var (isNull, slot, slotReason) in slots)
            {
                if (isNull && ReferenceEquals(slotReason, reason))
                {
                    names.Add(slot);
                }
            }
            if (names.Count > 0)
            {
                groups.Add($"{JoinNames(names)} {(names.Count == 1 ? "is" : "are")} NULL: {reason}");
            }
        }
        if (groups.Count == 0)
        {
            return null;
        }
        var noConduit = *(int*)resolved["orte_mgmt_conduit"] == -1 ? "; orte_mgmt_conduit is -1: no RML conduit" : "";
        return $"{string.Join("; ", groups)}{noConduit}. {HostHint}";
    }

    /// <summary>Lines the library writes to stderr itself carry the process name once orte_init has set it.</summary>
    private static void NameLogLines(OrteProcInfo* processInfo)
    {
        const uint Invalid = uint.MaxValue; // ORTE_JOBID_INVALID, ORTE_VPID_INVALID
        var name = processInfo->my_name;
        if (name.jobid != Invalid && name.vpid != Invalid)
        {
            StandardErrorLines.ProcessName = name.ToString();
        }
    }

    /// <summary>What to do about a process without the checkpoint/restart stack (stock Open MPI 4.1).</summary>
    public const string HostHint =
        "The coordinator needs Open MPI's checkpoint/restart stack, which stock Open MPI 4.1 leaves dormant: start the job with "
        + "`native-snapc run -- mpirun …`, which puts the native-snapc runtime into every rank; README.md, \"What a host must provide\", lists what it fills in";

    private static string JoinNames(List<string> names) =>
        names.Count == 1 ? names[0] : string.Join(", ", names.GetRange(0, names.Count - 1)) + " and " + names[^1];

    // A slot that was set at binding but is NULL now: report instead of jumping to address 0.
    private static int SlotIsNull(string slot)
    {
        Log.Error($"native-snapc: {slot} is NULL in this process; not calling it");
        return OpalStatus.NotSupported;
    }
}

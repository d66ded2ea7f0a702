using NativeSnapc.Abi;
using NativeSnapc.Diagnostics;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Coordinator;

/// <summary>The host state the snapc "full" module reads and writes (libopen-rte globals).</summary>
internal interface ISnapcFullHostState
{
    /// <summary>The host's <c>orte_snapc_coord_type</c>; null when the host has none (libopen-rte not loaded). Setting it then does nothing.</summary>
    uint? CoordType { get; set; }

    /// <summary>The host's <c>orte_initialized</c>; false without a host.</summary>
    bool OrteInitialized { get; }
}

/// <summary>The application coordinator's four entry points (app_coord_*), as the module calls them.</summary>
internal interface IAppCoordinatorEntry
{
    int Init();
    int Finalize();
    int FtEvent(int state);
    int RequestOp(IRequestOperationDatum datum);
}

/// <summary>
/// The 8-slot module of the snapc "full" component (orte/mca/snapc/full/snapc_full_module.c at v4.1.4), for
/// the one role this library provides: the application coordinator. init(seed=false, app=true) starts it once
/// ORTE is initialised (as the original: before that it returns success and does nothing), recording the role in
/// the host's <c>orte_snapc_coord_type</c>; finalize, ft_event and request_op reach it while that role is set.
/// The global (HNP) and local (orted) coordinators, and the operations only they perform (setup_job, release_job,
/// start_ckpt, end_ckpt), answer ORTE_ERR_NOT_SUPPORTED with a log line instead of pretending to work.
/// </summary>
internal sealed class SnapcFullModule
{
    private const string NotProvided = "native-snapc provides the application coordinator only";

    private readonly ISnapcFullHostState _host;
    private readonly IAppCoordinatorEntry _app;

    public SnapcFullModule(ISnapcFullHostState host, IAppCoordinatorEntry app)
    {
        _host = host;
        _app = app;
    }

    public int Init(bool seed, bool app)
    {
        Log.Verbose(10, $"snapc:full: module_init({(seed ? 1 : 0)}, {(app ? 1 : 0)})");
        if (seed)
        {
            return NotSupported("module_init", $"this process is the HNP, the global snapshot coordinator; {NotProvided}");
        }
        if (!app)
        {
            return NotSupported("module_init", $"this process is a daemon, the local snapshot coordinator; {NotProvided}");
        }
        if (_host.CoordType is not { } type)
        {
            Log.Error("snapc:full: module_init: Error: the host has no orte_snapc_coord_type (libopen-rte is not loaded in this process)");
            return OpalStatus.NotFound;
        }
        if (!_host.OrteInitialized)
        {
            // As the original: the application coordinator starts only after ORTE has initialized.
            Log.Verbose(5, "snapc:full: module_init: ORTE is not initialized yet; the application coordinator is not started");
            return OpalStatus.Success;
        }
        Log.Verbose(5, "snapc:full: module_init: Application Snapshot Coordinator");
        _host.CoordType = type | SnapcCoordType.App;
        return _app.Init();
    }

    public int Finalize()
    {
        Log.Verbose(10, "snapc:full: module_finalize()");
        if (_host.CoordType is not { } type)
        {
            return OpalStatus.Success;
        }
        if (type == SnapcCoordType.App)
        {
            var rc = _app.Finalize();
            if (rc != OpalStatus.Success)
            {
                Log.Verbose(5, $"snapc:full: module_finalize: app_coord_finalize returned {rc}");
            }
        }
        _host.CoordType = SnapcCoordType.Unassigned;
        return OpalStatus.Success;
    }

    /// <summary>The application coordinator's ft_event; nothing to do (success) in a process without one, as the original.</summary>
    public int FtEvent(int state) => IsApplicationCoordinator ? _app.FtEvent(state) : OpalStatus.Success;

    /// <summary>The application coordinator's request_op; without one the request cannot be served (the original returned success and did nothing).</summary>
    public int RequestOp(IRequestOperationDatum datum)
    {
        if (IsApplicationCoordinator)
        {
            return _app.RequestOp(datum);
        }
        Log.Error("snapc:full: request_op: Error: no application coordinator runs in this process "
                  + "(snapc_init was not called for an application process, or ORTE was not initialized then)");
        return OpalStatus.NotInitialized;
    }

    public int SetupJob(uint jobid) => NotSupported("setup_job", $"job {jobid}: a global or local coordinator operation; {NotProvided}");

    public int ReleaseJob(uint jobid) => NotSupported("release_job", $"job {jobid}: a global or local coordinator operation; {NotProvided}");

    public int StartCheckpoint() => NotSupported("start_ckpt", $"a global coordinator operation (applications use request_op); {NotProvided}");

    public int EndCheckpoint() => NotSupported("end_ckpt", $"a global coordinator operation (applications use request_op); {NotProvided}");

    private bool IsApplicationCoordinator => _host.CoordType == SnapcCoordType.App;

    private static int NotSupported(string operation, string why)
    {
        Log.Error($"snapc:full: {operation}: Error: not supported: {why}");
        return OpalStatus.NotSupported;
    }
}

using NativeSnapc.Abi;
using NativeSnapc.Coordinator;
using NativeSnapc.Diagnostics;
using NativeSnapc.Host.OpenMpi;
using NativeSnapc.Interop;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Composition;

/// <summary>
/// The snapc "full" component (mca_snapc_full_component, src/shim/mca_components.c): its variables, and its
/// module wired to the host's libopen-rte globals and to the application coordinator of <see cref="AppCoordinatorRoot"/>.
/// The component struct is read through the host adapter (<see cref="SnapcFullVariables"/>).
/// </summary>
internal static unsafe class SnapcFullComponent
{
    private static readonly SnapcFullVariables s_variables = new((OrteSnapcBaseComponent*)Shim.SnapcFullComponent(), Shim.SnapcFullSkipApp());
    private static readonly SnapcFullModule s_module = new(new SnapcFullHostState(), new AppCoordinatorRootEntry());

    public static int Register()
    {
        HostLogSink.AttachIfHostInitialized();
        return s_variables.Register(McaComponentRegistrar.Find());
    }

    public static int Open()
    {
        HostLogSink.AttachIfHostInitialized();
        // The module's own lines use snapc_full_verbose before app_coord_init reads the settings again.
        Log.Verbosity = s_variables.Verbose;
        Log.Verbose(10, "snapc:full: open()");
        Log.Verbose(20, $"snapc:full: open: priority    = {s_variables.Priority}");
        Log.Verbose(20, $"snapc:full: open: verbosity   = {s_variables.Verbose}");
        return OpalStatus.Success;
    }

    public static int Close()
    {
        Log.Verbose(10, "snapc:full: close()");
        return OpalStatus.Success;
    }

    public static int Query(McaBaseModule** module, int* priority)
    {
        Log.Verbose(10, "snapc:full: component_query()");
        if (module is null || priority is null)
        {
            Log.Error("snapc:full: component_query(): Error: NULL module or priority pointer");
            return OpalStatus.BadParam;
        }
        *priority = s_variables.Priority;
        *module = (McaBaseModule*)Shim.SnapcFullModule();
        return OpalStatus.Success;
    }

    public static int Init(bool seed, bool app) => s_module.Init(seed, app);

    public static int Finalize() => s_module.Finalize();

    public static int SetupJob(uint jobid) => s_module.SetupJob(jobid);

    public static int ReleaseJob(uint jobid) => s_module.ReleaseJob(jobid);

    public static int FtEvent(int state) => s_module.FtEvent(state);

    public static int StartCheckpoint() => s_module.StartCheckpoint();

    public static int EndCheckpoint() => s_module.EndCheckpoint();

    public static int RequestOp(OrteSnapcBaseRequestOp* datum) => s_module.RequestOp(new RequestOperationDatum(datum));

    /// <summary>The module's view of the application coordinator: the process's one coordinator in <see cref="AppCoordinatorRoot"/>.</summary>
    private sealed class AppCoordinatorRootEntry : IAppCoordinatorEntry
    {
        public int Init() => AppCoordinatorRoot.AppCoordInit();

        public int Finalize() => AppCoordinatorRoot.AppCoordFinalize();

        public int FtEvent(int state) => AppCoordinatorRoot.AppCoordFtEvent(state);

        public int RequestOp(IRequestOperationDatum datum) => AppCoordinatorRoot.AppCoordRequestOp(datum);
    }
}

using NativeSnapc.Abi;
using NativeSnapc.Channels.Fifo;
using NativeSnapc.Channels.Signals;
using NativeSnapc.Coordinator;
using NativeSnapc.Diagnostics;
using NativeSnapc.Exports;
using NativeSnapc.Host.OpenMpi;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Composition;

/// <summary>
/// The composition root of the application coordinator (beside <see cref="RankRuntimeRoot"/>): the process's one
/// <see cref="AppCoordinator"/>, wired to the Open MPI 4.1 host it was loaded into and to the real channels.
/// app_coord_init builds it; the other exports use it. Only init and finalize are serialised: ft_event and
/// request_op re-enter the coordinator through the host (a request_op loop calls opal_cr_test_if_checkpoint_ready,
/// which calls the notify callback).
/// </summary>
internal static class AppCoordinatorRoot
{
    private static readonly object s_lifecycle = new();
    private static volatile AppCoordinator? s_coordinator;

    public static int AppCoordInit()
    {
        lock (s_lifecycle)
        {
            if (s_coordinator is { IsInitialized: true } running)
            {
                return running.Init(); // reports the second call
            }
            if (!OpenMpiHost.TryBind(CoordinatorExports.NotifyCallbackAddress, out var host, out var error))
            {
                Log.Error($"App) init: Error: {error}");
                return OpalStatus.NotFound;
            }
            var coordinator = new AppCoordinator(host, new HandshakePipeFactory(), CheckpointSignal.Instance, host.ReadSettings());
            var status = coordinator.Init();
            if (status == OpalStatus.Success)
            {
                s_coordinator = coordinator;
            }
            return status;
        }
    }

    public static int AppCoordFinalize()
    {
        lock (s_lifecycle)
        {
            return Current("app_coord_finalize")?.Finalize() ?? OpalStatus.NotInitialized;
        }
    }

    /// <summary>The host called the notify callback at a test point: on to the callback the coordinator registered.</summary>
    public static int NotifyCallback(int state) => OpenMpiHost.DispatchNotify(state);

    public static int AppCoordFtEvent(int state) => Current("app_coord_ft_event")?.FtEvent(state) ?? OpalStatus.NotInitialized;

    public static unsafe int AppCoordRequestOp(OrteSnapcBaseRequestOp* datum) => AppCoordRequestOp(new RequestOperationDatum(datum));

    public static int AppCoordRequestOp(IRequestOperationDatum datum)
    {
        var coordinator = Current("app_coord_request_op");
        if (coordinator is null || !coordinator.IsInitialized)
        {
            // The same answer before init and after finalize, whatever the datum.
            return coordinator?.RequestOp(new RequestOperation()) ?? OpalStatus.NotInitialized;
        }
        var operation = datum.Read();
        if (operation is null)
        {
            Log.Error("App) request_op: Error: the request datum is NULL");
            return OpalStatus.BadParam;
        }
        var status = coordinator.RequestOp(operation);
        datum.Write(operation);
        return status;
    }

    /// <summary>The attempts the coordinator has ended so far and whether the last one succeeded (0, false without one).</summary>
    public static (int Finished, bool LastSucceeded) CheckpointAttempts =>
        s_coordinator is { } coordinator ? (coordinator.AttemptsFinished, coordinator.LastAttemptSucceeded) : (0, false);

    private static AppCoordinator? Current(string export)
    {
        var coordinator = s_coordinator;
        if (coordinator is null)
        {
            Log.Error($"App) {export}: Error: app_coord_init has not succeeded");
        }
        return coordinator;
    }
}

using System;
using System.Diagnostics;
using System.Threading;
using NativeSnapc.Channels.Files;
using NativeSnapc.Channels.Node;
using NativeSnapc.Coordinator;
using NativeSnapc.Diagnostics;
using NativeSnapc.Host.OpenMpi;
using NativeSnapc.Protocol.Frames;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Runtime;

/// <summary>What the runtime needs from the rest of the library and the process, given by the composition root.</summary>
internal sealed record RuntimeParts(
    Func<string, string?> GetEnvironment,
    Func<string?> GetHostName,
    Func<int> GetPid,
    string ComponentDirectory,
    Func<(int Finished, bool LastSucceeded)> CheckpointAttempts,
    Action AllowCrsSelectionWithoutCallbacks,
    nint RmlSend,
    nint RmlReceive,
    nint RmlCancel,
    nint SstoreRegisterHandle,
    nint SstoreGetAttr,
    nint SstoreSetAttr,
    nint SstoreSync,
    nint CoordinationCallback);

/// <summary>
/// The native-snapc runtime in one rank of a stock Open MPI 4.1 job (docs/runtime.md): started right after
/// PMPI_Init, it reaches the node's local coordinator, fills what the build leaves dormant (RML, sstore/central's
/// application side, the coordination callback, opal_cr_is_enabled, the FIFO directory), has the real crs and
/// snapc frameworks select CRS "self" and snapc "full" from the installed component directory — whose snapc_init
/// starts the application coordinator — and arms the test points. Stopped right before PMPI_Finalize. Every rank
/// decides together, inside MPI_Init, whether checkpointing is on; a rank whose connection later ends keeps
/// computing and gets errors from the C/R calls.
/// </summary>
internal sealed class RankRuntime
{
    private const int Off = 1;

    private static readonly object s_lifecycle = new();
    private static RankRuntime? s_active;
    private static bool s_startedOnce;

    [ThreadStatic] private static bool t_inTestPoint;

    private readonly RankHost _host;
    private readonly IMpiPort _mpi;
    private readonly RuntimeParts _parts;
    private readonly RuntimeEnvironment _environment;
    private readonly CoordinatorSettings _settings;
    private readonly object _checkpointGate = new();
    private NodeConnection? _connection;
    private RmlRouter? _router;
    private volatile bool _safePointSeen;

    private RankRuntime(RankHost host, IMpiPort mpi, RuntimeParts parts, RuntimeEnvironment environment, CoordinatorSettings settings)
    {
        _host = host;
        _mpi = mpi;
        _parts = parts;
        _environment = environment;
        _settings = settings;
    }

    /// <summary>The running runtime of this process, or null (not started, off, or stopped).</summary>
    public static RankRuntime? Active => Volatile.Read(ref s_active);

    public RankHost Host => _host;

    public IMpiPort Mpi => _mpi;

    public CoordinatorSettings Settings => _settings;

    public RmlRouter? Router => _router;

    public SstoreCentralApp? Sstore { get; private set; }

    /// <summary>
    /// Starts the runtime in this rank (collective over MPI_COMM_WORLD). 0: checkpointing is on; 1: it is off, and
    /// why was said on stderr (by rank 0 when the job was not started for it, by the rank concerned otherwise).
    /// </summary>
    public static int Start(IMpiPort mpi, RuntimeParts parts, CoordinatorSettings settings)
    {
        lock (s_lifecycle)
        {
            if (s_startedOnce)
            {
                Log.Error("native-snapc: the runtime was started twice in one process; the second start is ignored");
                return s_active is null ? Off : 0;
            }
            s_startedOnce = true;
            mpi.Rank(mpi.World, out var worldRank);
            var environment = RuntimeEnvironment.Read(parts.GetEnvironment);
            if (environment.PlacementProblem is { } placementProblem)
            {
                Log.Error("native-snapc: " + placementProblem);
            }

            RankRuntime? runtime = null;
            string? reason;
            var quietReason = false;
            if (environment.RuntimeDirectory is null)
            {
                reason = $"{RuntimeEnvironment.RuntimeDirectoryVariable} is not set: start the job with `native-snapc run -- mpirun …` (README)";
                quietReason = worldRank != 0; // the same on every rank: said once
            }
            else if (!RankHost.TryBind(out var host, out var bindError))
            {
                reason = bindError;
            }
            else
            {
                runtime = new RankRuntime(host, mpi, parts, environment, settings);
                reason = runtime.Connect();
            }

            // Either every rank takes part in checkpoints or none does: the ranks agree before anything is filled in.
            var agreed = mpi.AllreduceInt(reason is null ? 1 : 0, maximum: false, mpi.World, out var everyone);
            if (agreed != 0 || everyone == 0)
            {
                if (reason is not null && !quietReason)
                {
                    Log.Error($"native-snapc: checkpointing is off in this job: {reason}");
                }
                else if (reason is null && worldRank == 0)
                {
                    Log.Error("native-snapc: checkpointing is off in this job: another rank could not join it (its own line says why)");
                }
                runtime?.Disconnect();
                return Off;
            }

            // The slots the runtime fills reach it through Active, from the first message on.
            Volatile.Write(ref s_active, runtime);
            var status = runtime!.Install();
            if (status != OpalStatus.Success)
            {
                Volatile.Write(ref s_active, null);
                runtime.Uninstall();
                runtime.Disconnect();
                return Off;
            }
            mpi.ArmTestPoints(environment.Placement != CheckpointPlacement.SafePoints);
            Log.Verbose(5, $"native-snapc: runtime active (rank {worldRank}, checkpoints at {environment.Placement}, node {runtime._connection!.Path})");
            return 0;
        }
    }

    /// <summary>Finalizes the coordinator (collective) and puts back everything the runtime filled in.</summary>
    public static int Stop()
    {
        lock (s_lifecycle)
        {
            var runtime = Volatile.Read(ref s_active);
            if (runtime is null)
            {
                return OpalStatus.Success;
            }
            runtime._mpi.ArmTestPoints(false);
            if (runtime._router is not null)
            {
                runtime._router.Finishing = true;
            }
            var status = runtime._host.FinalizeSnapc();
            runtime.Uninstall();
            runtime.SendBye();
            runtime.Disconnect();
            Volatile.Write(ref s_active, null);
            return status;
        }
    }

    /// <summary>Reaches the node's local coordinator (starting it if this rank is the first); null, or why not.</summary>
    private string? Connect()
    {
        var hostName = _parts.GetHostName();
        if (string.IsNullOrEmpty(hostName))
        {
            return "the host name cannot be read";
        }
        var ensured = NodeDirectory.Ensure(_environment.RuntimeDirectory!, hostName, out var nodeDirectory);
        if (!ensured.Ok)
        {
            return ensured.Detail;
        }
        var connected = LocalCoordinatorLauncher.Connect(nodeDirectory, _environment.Command, _environment.JobFile, _settings.HandshakeTimeout, out var connection);
        if (!connected.Ok)
        {
            return connected.Detail;
        }
        _connection = connection!;
        var me = _host.MyName;
        var hello = new HelloPayload(_parts.GetPid(), _host.ProcessCount, _host.Daemon, _host.Hnp).Encode();
        var frame = FrameCodec.Encode(FrameKind.Hello, 0, me, FrameRole.App, _host.Daemon, FrameRole.Daemon, hello);
        var sent = _connection.Send(frame, _settings.HandshakeTimeout);
        if (!sent.Ok)
        {
            return $"cannot greet the local coordinator: {sent.Detail}";
        }
        _router = new RmlRouter(_connection, _host, me);
        var router = _router;
        _connection.StartReading(router.OnFrame, router.OnConnectionLost);
        NodeDirectoryPath = nodeDirectory;
        return null;
    }

    /// <summary>The node directory: the local coordinator's socket and the FIFOs.</summary>
    public string? NodeDirectoryPath { get; private set; }

    /// <summary>Fills the dormant parts and selects the components (the coordinator starts there). A status.</summary>
    private int Install()
    {
        Sstore = new SstoreCentralApp(_router!, _host, new SnapshotFiles(), _settings.HandshakeTimeout, _parts.GetPid);
        _host.InstallRml(_parts.RmlSend, _parts.RmlReceive, _parts.RmlCancel);
        _host.InstallSstore(_parts.SstoreRegisterHandle, _parts.SstoreGetAttr, _parts.SstoreSetAttr, _parts.SstoreSync);
        _host.EnableCheckpointRestart(NodeDirectoryPath!);
        var status = _host.InstallCoordinationCallback(_parts.CoordinationCallback);
        if (status != OpalStatus.Success)
        {
            Log.Error($"native-snapc: checkpointing is off in this job: cannot register the coordination callback ({status})");
            return status;
        }

        _parts.AllowCrsSelectionWithoutCallbacks();
        status = _host.AddComponentDirectory(_parts.ComponentDirectory);
        if (status == OpalStatus.Success)
        {
            status = _host.SelectCrs();
        }
        var crsReady = status == OpalStatus.Success && _host.CrsCanCheckpoint;
        var crsName = _host.SelectedCrsName;
        // The coordinator's init fences every rank: they must all get there, or none.
        _mpi.AllreduceInt(crsReady ? 1 : 0, maximum: false, _mpi.World, out var everyCrsReady);
        if (everyCrsReady == 0)
        {
            Log.Error(crsReady
                ? "native-snapc: checkpointing is off in this job: another rank could not select a checkpointer"
                : $"native-snapc: checkpointing is off in this job: no checkpointer (CRS) was selected from {_parts.ComponentDirectory} ({status}, selected \"{crsName}\")");
            return OpalStatus.Error;
        }
        if (crsName != "self")
        {
            Log.Error($"native-snapc: the checkpointer selected is \"{crsName}\", not native-snapc's \"self\" (MCA parameter crs?)");
        }

        status = _host.SelectSnapc();
        _mpi.AllreduceInt(status == OpalStatus.Success ? 1 : 0, maximum: false, _mpi.World, out var everyCoordinator);
        if (everyCoordinator != 0)
        {
            return OpalStatus.Success;
        }
        // Some coordinator did not start (after its start-up fence: sending INIT failed). The others finalize theirs,
        // whose fence this rank matches, so that no rank waits in a fence the others never reach.
        if (status == OpalStatus.Success)
        {
            _host.FinalizeSnapc();
            Log.Error("native-snapc: checkpointing is off in this job: another rank's application coordinator did not start");
        }
        else
        {
            _host.Fence();
            Log.Error($"native-snapc: checkpointing is off in this job: the snapc framework did not start the application coordinator ({status})");
        }
        return OpalStatus.Error;
    }

    private void Uninstall()
    {
        _host.CloseCrs();
        _host.RestoreCoordinationCallback();
        _host.RestoreSstore();
        _host.RestoreRml();
        _host.RestoreCheckpointRestart();
    }

    private void SendBye()
    {
        if (_connection is null || _router?.LostReason is not null)
        {
            return;
        }
        var bye = FrameCodec.Encode(FrameKind.Bye, 0, _host.MyName, FrameRole.App, _host.Daemon, FrameRole.Daemon, []);
        _connection.Send(bye, TimeSpan.FromSeconds(5));
    }

    private void Disconnect()
    {
        _connection?.Dispose();
        _connection = null;
    }

    // ---- taking part in checkpoints -------------------------------------------------------------------

    /// <summary>
    /// A test point found a request pending: take part in the checkpoint. One thread at a time; a checkpoint's own
    /// MPI calls (a program's callback calling MPI) do not start another.
    /// </summary>
    public void TestPoint()
    {
        if (t_inTestPoint || !Monitor.TryEnter(_checkpointGate))
        {
            return;
        }
        t_inTestPoint = true;
        try
        {
            _host.TestIfCheckpointReady();
        }
        finally
        {
            t_inTestPoint = false;
            Monitor.Exit(_checkpointGate);
        }
    }

    /// <summary>
    /// <c>native_snapc_safe_point(comm, &amp;checkpointed)</c>: every rank of <paramref name="comm"/> calls it at a
    /// consistent place. The ranks agree (one MPI_Allreduce) whether any has a checkpoint request; if one has, every
    /// rank waits for its own request and takes the checkpoint here. Returns an MPI status; <paramref name="checkpointed"/>
    /// says whether a checkpoint was taken (and succeeded) here.
    /// </summary>
    public int SafePoint(nint comm, out bool checkpointed)
    {
        checkpointed = false;
        if (!_safePointSeen)
        {
            _safePointSeen = true;
            if (_environment.Placement == CheckpointPlacement.Auto)
            {
                // The program says where its state is consistent: from now on checkpoints are taken only here.
                _mpi.ArmTestPoints(false);
            }
        }
        var status = _mpi.AllreduceInt(_host.CheckpointPending ? 1 : 0, maximum: true, comm, out var anyPending);
        if (status != 0 || anyPending == 0)
        {
            return status;
        }
        checkpointed = TakeCheckpointHere(_settings.HandshakeTimeout);
        return 0;
    }

    /// <summary>Waits (bounded) for this rank's own request, then takes part in the checkpoint; whether one succeeded here.</summary>
    private bool TakeCheckpointHere(TimeSpan bound)
    {
        var clock = Stopwatch.StartNew();
        var before = _parts.CheckpointAttempts().Finished;
        lock (_checkpointGate)
        {
            t_inTestPoint = true;
            try
            {
                while (clock.Elapsed < bound)
                {
                    if (_host.CheckpointPending)
                    {
                        _host.TestIfCheckpointReady();
                    }
                    var (finished, succeeded) = _parts.CheckpointAttempts();
                    if (finished != before && !_host.CheckpointPending)
                    {
                        return succeeded;
                    }
                    if (_router?.LostReason is not null)
                    {
                        return false;
                    }
                    Thread.Sleep(1);
                }
            }
            finally
            {
                t_inTestPoint = false;
            }
        }
        Log.Error($"native-snapc: safe point: another rank had a checkpoint request, but none reached this rank within {bound.TotalSeconds:0} s");
        return false;
    }

    /// <summary>
    /// Services checkpoints while waiting for <paramref name="done"/> (the C/R calls' non-leaders wait for their
    /// leader this way: a rank blocked in MPI could not take part in the checkpoint its leader waits for).
    /// </summary>
    public bool WaitServicingCheckpoints(Func<bool> done, TimeSpan bound)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            if (clock.Elapsed >= bound)
            {
                return false;
            }
            if (_host.CheckpointPending)
            {
                TestPoint();
            }
            else
            {
                Thread.Sleep(1);
            }
        }
        return true;
    }
}

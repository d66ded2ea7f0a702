using NativeSnapc.Abi;
using NativeSnapc.Channels.Files;
using NativeSnapc.Crs;
using NativeSnapc.Diagnostics;
using NativeSnapc.Host.OpenMpi;
using NativeSnapc.Interop;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Composition;

/// <summary>
/// The CRS "self" component (mca_crs_self_component, src/shim/mca_components.c) wired to its one checkpointer
/// per process: the variables live in the component struct and a native block, the checkpointer sees the
/// process through the Open MPI host adapter and the file system through <see cref="MetadataFiles"/>. The
/// component functions and the module slots of the exports land here; host structs are read through the
/// Host/OpenMpi accessors.
/// </summary>
internal static unsafe class CrsSelfComponent
{
    private static readonly CrsSelfVariables s_variables = new((OpalCrsBaseComponent*)Shim.CrsSelfComponent());
    private static readonly SelfCheckpointer s_checkpointer = new(new CrsSelfHost(), new MetadataFiles(), s_variables.Read);

    public static int Register()
    {
        HostLogSink.AttachIfHostInitialized();
        return s_variables.Register(McaComponentRegistrar.Find());
    }

    public static int Open()
    {
        HostLogSink.AttachIfHostInitialized();
        var settings = s_variables.Read();
        if (settings.Verbose >= 10)
        {
            Log.Write("crs:self: open()");
        }
        if (settings.Verbose >= 20)
        {
            Log.Write($"crs:self: open: priority   = {settings.Priority}");
            Log.Write($"crs:self: open: verbosity  = {settings.Verbose}");
            Log.Write($"crs:self: open: prefix     = {settings.Prefix}");
            Log.Write($"crs:self: open: do_restart = {(settings.DoRestart ? 1 : 0)}");
        }
        return OpalStatus.Success;
    }

    public static int Close()
    {
        if (s_variables.Read().Verbose >= 10)
        {
            Log.Write("crs:self: close()");
        }
        return OpalStatus.Success;
    }

    public static int Query(McaBaseModule** module, int* priority)
    {
        if (module is null || priority is null)
        {
            Log.Error("crs:self: component_query(): Error: NULL module or priority pointer");
            return OpalStatus.BadParam;
        }
        var answer = s_checkpointer.Query();
        *priority = answer.Priority;
        *module = answer.Available ? (McaBaseModule*)Shim.CrsSelfModule() : null;
        return answer.Status;
    }

    public static int Init() => s_checkpointer.Init();

    public static int Finalize() => s_checkpointer.Finalize();

    public static int Checkpoint(int pid, OpalCrsBaseSnapshot* snapshot, OpalCrsBaseCkptOptions* options, OpalCrsState* state)
    {
        if (state is null)
        {
            Log.Error("crs:self: checkpoint(): Error: the state pointer is NULL");
            return OpalStatus.BadParam;
        }
        var result = s_checkpointer.Checkpoint(pid, CallerCrsSnapshot.Wrap(snapshot), CallerCkptOptions.Stop(options));
        *state = result.State;
        return result.Status;
    }

    public static int Restart(OpalCrsBaseSnapshot* snapshot, bool spawnChild, int* childPid)
    {
        if (snapshot is null || (spawnChild && childPid is null))
        {
            Log.Error($"crs:self: restart(): Error: the {(snapshot is null ? "snapshot" : "child pid")} pointer is NULL; nothing was run");
            return OpalStatus.BadParam;
        }
        var status = s_checkpointer.Restart(CallerCrsSnapshot.Wrap(snapshot)!.MetadataFilename, spawnChild, out var pid);
        if (status == OpalStatus.Success && spawnChild)
        {
            *childPid = pid;
        }
        return status;
    }

    public static int DisableCheckpoint() => s_checkpointer.DisableCheckpoint();

    public static int EnableCheckpoint() => s_checkpointer.EnableCheckpoint();

    public static int Prelaunch(byte*** environment) => s_checkpointer.Prelaunch(HostEnvironmentArray.Wrap(environment));

    public static int RegThread() => s_checkpointer.RegThread();

    /// <summary>The runtime selects the component in MPI_Init, before a program registers its callbacks.</summary>
    public static void AllowSelectionWithoutCallbacks() => s_checkpointer.SelectableWithoutCallbacks = true;

    /// <summary>OMPI_CR_self_register_*_callback: stores the callback; a restart callback may be owed a call.</summary>
    public static int RegisterCheckpointCallback(nint function)
    {
        SelfCallbackRegistry.Checkpoint = function;
        return OpalStatus.Success;
    }

    public static int RegisterContinueCallback(nint function)
    {
        SelfCallbackRegistry.Continue = function;
        return OpalStatus.Success;
    }

    public static int RegisterRestartCallback(nint function)
    {
        SelfCallbackRegistry.Restart = function;
        return function == 0 ? OpalStatus.Success : s_checkpointer.RestartCallbackRegistered();
    }

    /// <summary>native_snapc_crs_self_snapshot_directory: the published directory, or NULL.</summary>
    public static byte* SnapshotDirectoryInProgress() => (byte*)CheckpointInProgress.SnapshotDirectory;
}

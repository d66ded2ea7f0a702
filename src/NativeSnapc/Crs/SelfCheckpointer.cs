using System;
using NativeSnapc.Channels.Files;
using NativeSnapc.Diagnostics;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Crs;

/// <summary>The answer of the component's query: status, priority, and whether the module is offered.</summary>
internal readonly record struct SelfQueryResult(int Status, int Priority, bool Available);

/// <summary>A checkpoint's status and the state to report (CONTINUE on success, ERROR otherwise).</summary>
internal readonly record struct SelfCheckpointResult(int Status, OpalCrsState State);

/// <summary>
/// The CRS "self" checkpointer (opal/mca/crs/self at v4.1.4, docs/crs.md#crs-self): the application saves and
/// restores its own state through three callbacks it defines; the checkpointer records in the snapshot metadata
/// which checkpointer wrote the snapshot and the command that restarts it, and restarts by running that command.
/// Differences from the original (README, "Differences from the original"): a working default prefix; the
/// metadata written completely and durably before success (temporary file, fsync, rename, fsync of the
/// directory) and the component name set on the caller's snapshot; a checkpoint callback that fails fails the
/// checkpoint; restart reads the metadata read-only and runs nothing unless it is a complete "self" snapshot;
/// a spawned restart uses posix_spawnp; every failure reports OPAL_CRS_ERROR with a log line.
/// </summary>
/// <remarks>
/// Disabled checkpoints: crs_disable_checkpoint makes every checkpoint fail at once (state ERROR) until
/// crs_enable_checkpoint. Waiting would not help: the checkpoint runs in the thread that services the request,
/// which is the application's own thread (opal_cr_test_if_checkpoint_ready) or the FT thread while the
/// application thread that disabled checkpoints is outside the library - either way, the thread that would
/// enable them again is not going to run while this one waits.
/// </remarks>
internal sealed class SelfCheckpointer
{
    public const string ComponentName = "self";

    private readonly ISelfHost _host;
    private readonly IMetadataFiles _files;
    private readonly Func<SelfSettings> _settings;
    private volatile bool _enabled = true;

    public SelfCheckpointer(ISelfHost host, IMetadataFiles files, Func<SelfSettings> settings)
    {
        _host = host;
        _files = files;
        _settings = settings;
    }

    /// <summary>Whether checkpoints are enabled (crs_disable_checkpoint / crs_enable_checkpoint).</summary>
    public bool CheckpointsEnabled => _enabled;

    /// <summary>
    /// Offer the module even when the application has no checkpoint callback yet: the native-snapc runtime selects
    /// the component inside MPI_Init, and a program using Open MPI's C/R API registers its callbacks after that. A
    /// checkpoint without a callback then fails with a clear error.
    /// </summary>
    public bool SelectableWithoutCallbacks { get; set; }

    /// <summary>A restarted program (crs_self_do_restart) had no restart callback at init: the first one registered is called.</summary>
    private bool _restartOwed;

    /// <summary>
    /// The component's query. A tool gets priority 0 and the module (so a tool such as opal-restart can still
    /// select "self" by name to restart). Otherwise the module is offered, with crs_self_priority, only if the
    /// application defines its checkpoint callback and checkpoints are enabled, as in the original.
    /// </summary>
    public SelfQueryResult Query()
    {
        var settings = _settings();
        Verbose(settings, 10, "component_query()");
        if (_host.IsTool)
        {
            return new SelfQueryResult(OpalStatus.Success, 0, true);
        }
        var callbacks = _host.FindCallbacks(settings.Prefix);
        if (!callbacks.HasCheckpoint && !SelectableWithoutCallbacks)
        {
            Verbose(settings, 1, $"component_query(): not available: {MissingCheckpointCallback(callbacks)}");
            return new SelfQueryResult(OpalStatus.Error, -1, false);
        }
        if (!_enabled)
        {
            Verbose(settings, 1, "component_query(): not available: checkpoints are disabled");
            return new SelfQueryResult(OpalStatus.Error, -1, false);
        }
        return new SelfQueryResult(OpalStatus.Success, settings.Priority, true);
    }

    /// <summary>
    /// crs_init. With crs_self_do_restart set (a restarted program), calls the application's restart callback:
    /// that is how the program learns it is restarting. A restart callback that fails fails the initialisation
    /// (the original ignored it and ran on with whatever state it had).
    /// </summary>
    public int Init()
    {
        var settings = _settings();
        Verbose(settings, 10, "module_init()");
        if (_host.IsTool)
        {
            return OpalStatus.Success;
        }
        var callbacks = _host.FindCallbacks(settings.Prefix);
        if (!(callbacks.HasCheckpoint && callbacks.HasContinue && callbacks.HasRestart))
        {
            Verbose(settings, 1,
                $"module_init(): the application defines {Describe(callbacks, callbacks.HasCheckpoint, "checkpoint")}, "
                + $"{Describe(callbacks, callbacks.HasContinue, "continue")} and {Describe(callbacks, callbacks.HasRestart, "restart")} "
                + $"(crs_self_prefix \"{settings.Prefix}\"; the default prefix is {SelfSettings.DefaultPrefix})");
        }
        if (!settings.DoRestart)
        {
            return OpalStatus.Success;
        }
        if (!callbacks.HasRestart)
        {
            Verbose(settings, 1, $"module_init(): crs_self_do_restart is set but {callbacks.Prefix}_restart is not defined: "
                                 + "the first restart callback registered with OMPI_CR_self_register_restart_callback will be called");
            _restartOwed = true;
            return OpalStatus.Success;
        }
        Verbose(settings, 10, "module_init: Call their restart function");
        return CallRestart(callbacks);
    }

    /// <summary>
    /// A restart callback was registered (OMPI_CR_self_register_restart_callback). In a restarted program that had
    /// none when the checkpointer initialised, it is called now, once: that is how such a program learns it is
    /// restarting. Otherwise nothing happens.
    /// </summary>
    public int RestartCallbackRegistered()
    {
        if (!_restartOwed)
        {
            return OpalStatus.Success;
        }
        var callbacks = _host.FindCallbacks(_settings().Prefix);
        if (!callbacks.HasRestart)
        {
            return OpalStatus.Success;
        }
        _restartOwed = false;
        return CallRestart(callbacks);
    }

    private static int CallRestart(ISelfCallbacks callbacks)
    {
        var rc = callbacks.Restart();
        if (rc != 0)
        {
            Log.Error($"crs:self: module_init(): Error: the application's restart callback {callbacks.Prefix}_restart returned {rc}: "
                      + "the restarted program could not restore its state");
            return OpalStatus.Error;
        }
        return OpalStatus.Success;
    }

    public int Finalize()
    {
        Verbose(_settings(), 10, "module_finalize()");
        return OpalStatus.Success;
    }

    /// <summary>
    /// crs_checkpoint: the application's checkpoint callback saves its state and gives the restart command; then
    /// the metadata file becomes the sstore's lines plus <c># OPAL CRS Component: self</c> and
    /// <c># CONTEXT: &lt;command&gt;</c>, replaced atomically and durably; then the caller's snapshot is named "self",
    /// the state is CONTINUE and the continue callback runs. Any failure: an error, state ERROR, a log line, and
    /// the metadata file as it was.
    /// </summary>
    public SelfCheckpointResult Checkpoint(int pid, ICallerCrsSnapshot? snapshot, bool stop)
    {
        var settings = _settings();
        Verbose(settings, 10, $"checkpoint({pid}, ---)");
        if (_host.IsTool)
        {
            return Fail(OpalStatus.NotSupported, "a tool process does not checkpoint");
        }
        if (stop)
        {
            Log.Error("crs:self: checkpoint(): Error: SIGSTOP Not currently supported!");
        }
        if (snapshot is null)
        {
            return Fail(OpalStatus.BadParam, "the snapshot is NULL");
        }
        if (!_enabled)
        {
            return Fail(OpalStatus.Error,
                "checkpoints are disabled (crs_disable_checkpoint); the checkpoint fails at once, since only the thread that disabled them can enable them again");
        }
        var metadataPath = snapshot.MetadataFilename;
        if (string.IsNullOrEmpty(metadataPath))
        {
            return Fail(OpalStatus.Error, "the snapshot names no metadata file (metadata_filename is NULL)");
        }
        var callbacks = _host.FindCallbacks(settings.Prefix);
        if (!callbacks.HasCheckpoint)
        {
            return Fail(OpalStatus.Error, MissingCheckpointCallback(callbacks));
        }

        var outcome = callbacks.Checkpoint(snapshot.SnapshotDirectory);
        if (outcome.ReturnCode != 0)
        {
            return Fail(OpalStatus.Error, $"the application's checkpoint callback {callbacks.Prefix}_checkpoint returned {outcome.ReturnCode}");
        }
        if (SnapshotMetadata.TryReadRestartCommand(outcome.RestartCommand, out var command) is { } commandProblem)
        {
            return Fail(OpalStatus.Error, $"{callbacks.Prefix}_checkpoint: {commandProblem.Message}; without a restart command the snapshot cannot be restarted");
        }
        Verbose(settings, 10, $"checkpoint: Restart Command ({command})");

        snapshot.FlushMetadataStream();
        var existing = _files.Read(metadataPath, SnapshotMetadata.MaxBytes);
        if (existing.Error is { } readError)
        {
            return Fail(OpalStatus.Error, $"cannot read the snapshot metadata {metadataPath}: {readError}");
        }
        if (SnapshotMetadata.TryCompose(existing.Content ?? [], ComponentName, command!, out var content) is { } composeProblem)
        {
            return Fail(OpalStatus.Error,
                $"the snapshot metadata {metadataPath} is not well-formed ({composeProblem.Message}); a snapshot that could not be restarted is not written");
        }
        if (_files.ReplaceDurably(metadataPath, content!) is { } writeError)
        {
            return Fail(OpalStatus.Error, $"cannot write the snapshot metadata {metadataPath}: {writeError}");
        }
        snapshot.CloseMetadataStream();
        snapshot.SetComponentName(ComponentName);

        if (callbacks.HasContinue)
        {
            var rc = callbacks.Continue();
            if (rc != 0)
            {
                // The snapshot is complete and durable: the checkpoint stands.
                Log.Error($"crs:self: checkpoint(): the application's continue callback {callbacks.Prefix}_continue returned {rc}");
            }
        }
        return new SelfCheckpointResult(OpalStatus.Success, OpalCrsState.Continue);
    }

    /// <summary>
    /// crs_restart: reads the snapshot's metadata file (read-only) and, only if it is a complete "self" snapshot,
    /// sets OMPI_MCA_crs=self, OMPI_MCA_crs_self_do_restart=1 and OMPI_MCA_crs_self_prefix in the process
    /// environment and runs the restart command split on spaces: in place of this process (returns only on
    /// failure), or as a child whose pid is returned.
    /// </summary>
    public int Restart(string? metadataPath, bool spawnChild, out int childPid)
    {
        childPid = 0;
        var settings = _settings();
        Verbose(settings, 10, $"restart({(spawnChild ? 1 : 0)})");
        if (string.IsNullOrEmpty(metadataPath))
        {
            return RestartFailed(OpalStatus.BadParam, "the snapshot names no metadata file (metadata_filename is NULL)");
        }
        var file = _files.Read(metadataPath, SnapshotMetadata.MaxBytes);
        if (file.Missing)
        {
            return RestartFailed(OpalStatus.Error, $"the snapshot metadata {metadataPath} does not exist; nothing was run");
        }
        if (file.Error is { } readError)
        {
            return RestartFailed(OpalStatus.Error, $"cannot read the snapshot metadata {metadataPath}: {readError}; nothing was run");
        }
        if (SnapshotMetadata.TryReadRestartRecord(file.Content, ComponentName, out var record) is { } problem)
        {
            return RestartFailed(OpalStatus.Error, $"the snapshot metadata {metadataPath} is not a complete \"self\" snapshot: {problem.Message}; nothing was run");
        }

        (string Parameter, string Value)[] environment =
        [
            ("crs", ComponentName),
            ("crs_self_do_restart", "1"),
            ("crs_self_prefix", settings.Prefix),
        ];
        foreach (var (parameter, value) in environment)
        {
            var name = _host.EnvironmentName(parameter);
            if (_host.SetEnvironment(name, value) is { } error)
            {
                return RestartFailed(OpalStatus.Error, $"cannot set {name}={value}: {error}; nothing was run");
            }
        }

        var argv = record!.Arguments;
        if (!spawnChild)
        {
            Verbose(settings, 10, $"self_restart: SELF: exec :({argv[0]}, {string.Join(' ', argv)}):");
            var execError = _host.Exec(argv);
            return RestartFailed(OpalStatus.Error, $"cannot execute the restart command \"{record.Command}\": {execError}");
        }
        Verbose(settings, 10, $"self_restart: CHILD: spawn :({argv[0]}, {string.Join(' ', argv)}):");
        if (_host.Spawn(argv, out var pid) is { } spawnError)
        {
            return RestartFailed(OpalStatus.Error, $"cannot start the restart command \"{record.Command}\": {spawnError}");
        }
        childPid = pid;
        return OpalStatus.Success;
    }

    public int DisableCheckpoint()
    {
        Verbose(_settings(), 10, "disable_checkpoint()");
        if (_host.IsTool)
        {
            return OpalStatus.NotSupported;
        }
        _enabled = false;
        return OpalStatus.Success;
    }

    public int EnableCheckpoint()
    {
        Verbose(_settings(), 10, "enable_checkpoint()");
        if (_host.IsTool)
        {
            return OpalStatus.NotSupported;
        }
        _enabled = true;
        return OpalStatus.Success;
    }

    /// <summary>crs_prelaunch: the launched process is not a tool (OMPI_MCA_opal_cr_is_tool=0 in its environment).</summary>
    public int Prelaunch(IEnvironmentArray? environment)
    {
        if (_host.IsTool)
        {
            return OpalStatus.NotSupported;
        }
        if (environment is null)
        {
            Log.Error("crs:self: prelaunch(): Error: the environment array (char ***env) is NULL");
            return OpalStatus.BadParam;
        }
        var name = _host.EnvironmentName("opal_cr_is_tool");
        if (environment.Set(name, "0") is { } error)
        {
            Log.Error($"crs:self: prelaunch(): Error: cannot set {name}=0 in the launched process's environment: {error}");
            return OpalStatus.Error;
        }
        return OpalStatus.Success;
    }

    public int RegThread() => _host.IsTool ? OpalStatus.NotSupported : OpalStatus.Success;

    private static SelfCheckpointResult Fail(int status, string message)
    {
        Log.Error($"crs:self: checkpoint(): Error: {message}");
        return new SelfCheckpointResult(status, OpalCrsState.Error);
    }

    private static int RestartFailed(int status, string message)
    {
        Log.Error($"crs:self: restart(): Error: {message}");
        return status;
    }

    private static string MissingCheckpointCallback(ISelfCallbacks callbacks) =>
        string.IsNullOrEmpty(callbacks.Prefix)
            ? "crs_self_prefix is empty, so there is no checkpoint callback to look up"
            : $"the application has no checkpoint callback: it registered none (OMPI_CR_self_register_checkpoint_callback) and defines no "
              + $"{callbacks.Prefix}_checkpoint (which must be visible in the process's global scope: link the executable with -rdynamic, "
              + "or set crs_self_prefix)";

    private static string Describe(ISelfCallbacks callbacks, bool found, string suffix) =>
        $"{(found ? "" : "no ")}{callbacks.Prefix}_{suffix}";

    private static void Verbose(SelfSettings settings, int level, string message)
    {
        if (level <= settings.Verbose)
        {
            Log.Write("crs:self: " + message);
        }
    }
}

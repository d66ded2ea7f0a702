using System.Collections.Generic;

namespace NativeSnapc.Crs;

/// <summary>
/// What the "self" checkpointer needs from the process it runs in (the Open MPI host adapter implements it;
/// tests use fakes): the tool flag, the application's callbacks, the environment, and starting the restart
/// command. Errors come back as text for the log.
/// </summary>
internal interface ISelfHost
{
    /// <summary>The host's <c>opal_cr_is_tool</c> (a tool such as opal-restart only restarts); false without a host.</summary>
    bool IsTool { get; }

    /// <summary>
    /// The application's <c>&lt;prefix&gt;_checkpoint</c>, <c>_continue</c> and <c>_restart</c>, looked up in the process's
    /// global scope now; an empty prefix finds nothing.
    /// </summary>
    ISelfCallbacks FindCallbacks(string prefix);

    /// <summary>The environment variable of an MCA parameter (<c>mca_base_var_env_name</c>: "OMPI_MCA_" + name).</summary>
    string EnvironmentName(string parameter);

    /// <summary>Sets a variable in the process's native environment (inherited by exec and spawn); null or the error.</summary>
    string? SetEnvironment(string name, string value);

    /// <summary>Replaces the process image with <paramref name="argv"/> (argv[0] searched in PATH); returns only on failure, with the error.</summary>
    string Exec(IReadOnlyList<string> argv);

    /// <summary>Starts <paramref name="argv"/> as a child process (posix_spawnp); null and its pid, or the error.</summary>
    string? Spawn(IReadOnlyList<string> argv, out int pid);
}

/// <summary>The application's three callbacks (crs_self.h), as found for one prefix.</summary>
internal interface ISelfCallbacks
{
    /// <summary>The prefix the names were built from.</summary>
    string Prefix { get; }

    bool HasCheckpoint { get; }
    bool HasContinue { get; }
    bool HasRestart { get; }

    /// <summary>
    /// <c>int &lt;prefix&gt;_checkpoint(char **restart_cmd)</c>, with <paramref name="snapshotDirectory"/> published to the
    /// application for the duration of the call (native_snapc_crs_self_snapshot_directory). The command the
    /// callback malloc'ed is copied and freed.
    /// </summary>
    SelfCheckpointCallbackResult Checkpoint(string? snapshotDirectory);

    /// <summary><c>int &lt;prefix&gt;_continue(void)</c>.</summary>
    int Continue();

    /// <summary><c>int &lt;prefix&gt;_restart(void)</c>.</summary>
    int Restart();
}

/// <summary>The checkpoint callback's return value and the bytes of its restart command (null when it left it NULL).</summary>
internal readonly record struct SelfCheckpointCallbackResult(int ReturnCode, byte[]? RestartCommand);

/// <summary>
/// The <c>opal_crs_base_snapshot_t</c> (mirror: <c>OpalCrsBaseSnapshot</c>) a CRS caller passes to a checkpoint: the
/// checkpointer fills it in place and never owns it. The coordinator's view of the same C struct, which it owns, is
/// <c>Coordinator.IOwnedCrsSnapshot</c>.
/// </summary>
internal interface ICallerCrsSnapshot
{
    string? MetadataFilename { get; }
    string? SnapshotDirectory { get; }

    /// <summary>Flushes the caller's open metadata stream, if any, so that its lines are in the file that is read.</summary>
    void FlushMetadataStream();

    /// <summary>Closes the caller's metadata stream, if any: after the file is replaced it would write into the old one.</summary>
    void CloseMetadataStream();

    /// <summary>Sets <c>component_name</c> (a malloc'ed copy; the previous one is freed).</summary>
    void SetComponentName(string name);
}

/// <summary>An environment array of a process to be launched (prelaunch's <c>char ***env</c>).</summary>
internal interface IEnvironmentArray
{
    /// <summary>Sets NAME=value, replacing an existing NAME; null or the error.</summary>
    string? Set(string name, string value);
}

/// <summary>The MCA parameters of the "self" component (crs_self_*), as read now.</summary>
internal sealed record SelfSettings
{
    /// <summary>The working default of crs_self_prefix (the original's effective default was NULL).</summary>
    public const string DefaultPrefix = "opal_crs_self_user";
    public const int DefaultPriority = 20;

    public string Prefix { get; init; } = DefaultPrefix;
    public bool DoRestart { get; init; }
    public int Verbose { get; init; }
    public int Priority { get; init; } = DefaultPriority;
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using NativeSnapc.Command.Diagnostics;
using NativeSnapc.Interop;

namespace NativeSnapc.Command.Restart;

/// <summary>What `native-snapc restart-rank` was asked (by `native-snapc restart`, through mpirun).</summary>
internal sealed record RestartRankOptions(string GlobalDirectory, int? Seq, int? Rank, string ComponentDirectory);

/// <summary>
/// `native-snapc restart-rank` (internal): one rank of a restarted job, started by mpirun so that the restarted
/// program inherits the rank's launch environment and its place in the job. It does what opal-restart
/// (opal/tools/opal-restart/opal-restart.c, v4.1.4) does for one process: opal_init as a tool, the checkpointer the
/// rank's local snapshot names, the real crs framework selecting it from the installed component directory, and
/// its crs_restart on a cold-start snapshot — which execs the restart command the program recorded. The rank is
/// OMPI_COMM_WORLD_RANK. Nothing goes to stdout (it becomes the program's); a refusal is one line on stderr and
/// exit 3, so mpirun ends the whole job.
/// </summary>
internal static class RestartRankCommand
{
    public const int ExitFailed = 3;

    /// <summary>LD_PRELOAD of the restarted program: not this process's (the runtime must not load into the command).</summary>
    public const string PreloadVariable = "NATIVE_SNAPC_RESTART_PRELOAD";

    /// <summary>
    /// The entry point, before System.CommandLine or System.Console is touched: .NET's console writes terminal
    /// control sequences to standard output when that is a terminal (mpirun gives ranks a pty), and this process's
    /// standard output becomes the restarted program's. Arguments: [--seq N] [--rank N] [--component-dir DIR] GLOBAL_DIR.
    /// </summary>
    public static int Run(IReadOnlyList<string> arguments, string defaultComponentDirectory)
    {
        int? seq = null, rank = null;
        string? components = null, global = null;
        for (var i = 0; i < arguments.Count; i++)
        {
            var value = i + 1 < arguments.Count ? arguments[i + 1] : null;
            switch (arguments[i])
            {
                case "--seq" when Number(value) is { } n:
                    seq = n;
                    i++;
                    break;
                case "--rank" when Number(value) is { } n:
                    rank = n;
                    i++;
                    break;
                case "--component-dir" when value is not null:
                    components = value;
                    i++;
                    break;
                case var positional when !positional.StartsWith('-') && global is null:
                    global = positional;
                    break;
                default:
                    WriteError("usage: native-snapc restart-rank [--seq N] [--rank N] [--component-dir DIR] GLOBAL_SNAPSHOT_DIR (started by native-snapc restart)");
                    return 2;
            }
        }
        if (global is null)
        {
            WriteError("usage: native-snapc restart-rank [--seq N] [--rank N] [--component-dir DIR] GLOBAL_SNAPSHOT_DIR (started by native-snapc restart)");
            return 2;
        }
        return Execute(new RestartRankOptions(Path.GetFullPath(global), seq, rank, components ?? defaultComponentDirectory));

        static int? Number(string? text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    public static int Execute(RestartRankOptions options)
    {
        Log.Role = "restart-rank";
        var rank = options.Rank;
        if (rank is null && int.TryParse(Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_RANK"), NumberStyles.None, CultureInfo.InvariantCulture, out var worldRank))
        {
            rank = worldRank;
        }
        if (rank is null)
        {
            return Fail(-1, "OMPI_COMM_WORLD_RANK is not set: restart-rank runs as a rank under mpirun (use native-snapc restart)");
        }
        var plan = GlobalSnapshot.Plan(options.GlobalDirectory, options.Seq, out var planError, onlyRank: rank);
        if (plan is null)
        {
            return Fail(rank.Value, planError);
        }
        string format;
        try
        {
            format = GlobalSnapshot.LocalFormat(File.ReadAllText(Path.Combine(plan.GlobalDirectory, Store.GlobalMetadata.FileName)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(rank.Value, e.Message);
        }
        var local = GlobalSnapshot.LocalDirectory(plan.GlobalDirectory, plan.Seq, format, rank.Value);
        var metadata = Path.Combine(local, GlobalSnapshot.LocalMetadataName);

        var host = OpalRestartHost.Bind(out var bindError);
        if (host is null)
        {
            return Fail(rank.Value, bindError);
        }
        var status = host.Init("native-snapc");
        if (status != 0)
        {
            return Fail(rank.Value, $"opal_init failed (Open MPI status {status})");
        }
        host.MarkAsTool();
        var expected = host.ExpectedComponent(metadata, out var previousPid, out var componentError);
        if (expected is null)
        {
            return Fail(rank.Value, componentError);
        }
        // The framework selects exactly the checkpointer the snapshot was taken with, or none.
        var set = Libc.Setenv(host.EnvironmentName("crs"), expected);
        if (set.IsError)
        {
            return Fail(rank.Value, $"cannot set the crs parameter: {set}");
        }
        var selected = host.SelectCrs(options.ComponentDirectory, out var selectError);
        if (selected is null)
        {
            return Fail(rank.Value, $"the snapshot needs checkpointer \"{expected}\": {selectError}");
        }
        if (selected != expected)
        {
            return Fail(rank.Value, $"the snapshot needs checkpointer \"{expected}\", the crs framework selected \"{selected}\" from {options.ComponentDirectory}");
        }
        if (Environment.GetEnvironmentVariable(PreloadVariable) is { Length: > 0 } preload)
        {
            Libc.Setenv("LD_PRELOAD", preload);
        }
        Log.Verbose(2, $"rank {rank}: seq {plan.Seq}, {local}, checkpointer {selected}, previous pid {previousPid}: restarting");
        Libc.RestoreDefault(Libc.SIGPIPE);
        status = host.Restart(local, metadata);
        // crs_restart execs the program's restart command: being here is a failure.
        return Fail(rank.Value, $"the checkpointer \"{selected}\" could not restart {local} (crs_restart: {status}; its own line above says why)");
    }

    private static int Fail(int rank, string why)
    {
        WriteError($"native-snapc restart: rank {rank}: {why}");
        return ExitFailed;
    }

    /// <summary>One line to descriptor 2 with write(2): System.Console is never used here (see <see cref="Run"/>).</summary>
    private static void WriteError(string line) => Log.WriteStandardError(line);
}

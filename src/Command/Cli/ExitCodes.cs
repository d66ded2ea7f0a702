namespace NativeSnapc.Command.Cli;

/// <summary>The command's exit codes, one per kind of outcome (docs/runtime.md lists them).</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The checkpoint failed (a rank failed, died or the job was not checkpointable in time).</summary>
    public const int CheckpointFailed = 1;
    /// <summary>Bad arguments.</summary>
    public const int Usage = 2;
    /// <summary>No such job of this user, or several when none was named.</summary>
    public const int NoJob = 3;
    /// <summary>The job's control socket did not answer.</summary>
    public const int JobUnreachable = 4;
    /// <summary>Nothing to list: the snapshot directory is missing or unreadable.</summary>
    public const int NoSnapshots = 6;
    /// <summary>`restart` (or `run --resume`): the snapshot cannot be restarted (none finished, torn, a rank's snapshot or the checkpointer missing).</summary>
    public const int NotRestartable = 7;
    /// <summary>`run --checkpoint-on`: the signal came, the job was checkpointed and stopped; `run --resume` or `restart` goes on (EX_TEMPFAIL: try again later).</summary>
    public const int CheckpointedAndStopped = 75;
    /// <summary>`run --checkpoint-on`: the signal came, the checkpoint failed, the job was stopped anyway (a resume takes the previous finished sequence, if any).</summary>
    public const int StoppedWithoutCheckpoint = 76;
    /// <summary>`run` could not set up its coordinator (runtime directory, listener, job file).</summary>
    public const int RunSetupFailed = 125;
    /// <summary>`run` could not start mpirun.</summary>
    public const int MpirunNotStarted = 127;
}

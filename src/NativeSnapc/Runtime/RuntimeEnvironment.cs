using System;

namespace NativeSnapc.Runtime;

/// <summary>Where an external checkpoint request is taken in a rank (docs/runtime.md, "Where a checkpoint is taken").</summary>
internal enum CheckpointPlacement
{
    /// <summary>At test points on MPI calls until the program's first safe point, then only at safe points.</summary>
    Auto,

    /// <summary>Open MPI's own semantics: a test point on entry to MPI calls (and at safe points).</summary>
    MpiCalls,

    /// <summary>Only at <c>native_snapc_safe_point</c> (and inside the C/R API calls).</summary>
    SafePoints,
}

/// <summary>
/// What a rank's runtime reads from its environment (docs/runtime.md, "The contract between a rank and its node"):
/// the runtime directory, how to start the node's local coordinator, the job file, and where checkpoints are
/// taken (MCA parameter <c>snapc_full_checkpoint_at</c>: <c>auto</c>, <c>mpi_calls</c> or <c>safe_points</c>).
/// </summary>
internal sealed record RuntimeEnvironment(string? RuntimeDirectory, string? Command, string? JobFile, CheckpointPlacement Placement, string? PlacementProblem)
{
    public const string RuntimeDirectoryVariable = "NATIVE_SNAPC_RUNTIME_DIR";
    public const string CommandVariable = "NATIVE_SNAPC_COMMAND";
    public const string JobFileVariable = "NATIVE_SNAPC_JOB_FILE";
    public const string PlacementVariable = "OMPI_MCA_snapc_full_checkpoint_at";

    public static RuntimeEnvironment Read(Func<string, string?> getenv)
    {
        var placementText = NonEmpty(getenv(PlacementVariable));
        string? problem = null;
        var placement = placementText?.Trim().ToLowerInvariant() switch
        {
            null or "auto" => CheckpointPlacement.Auto,
            "mpi_calls" or "mpi-calls" => CheckpointPlacement.MpiCalls,
            "safe_points" or "safe-points" => CheckpointPlacement.SafePoints,
            _ => Invalid(placementText!, out problem),
        };
        return new RuntimeEnvironment(NonEmpty(getenv(RuntimeDirectoryVariable)), NonEmpty(getenv(CommandVariable)),
            NonEmpty(getenv(JobFileVariable)), placement, problem);
    }

    private static CheckpointPlacement Invalid(string text, out string problem)
    {
        problem = $"MCA parameter snapc_full_checkpoint_at=\"{text}\" is not auto, mpi_calls or safe_points; using auto";
        return CheckpointPlacement.Auto;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

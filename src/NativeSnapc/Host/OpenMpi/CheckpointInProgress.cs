using System.Threading;

namespace NativeSnapc.Host.OpenMpi;

/// <summary>
/// The snapshot directory the CRS "self" publishes while the application's checkpoint callback runs
/// (native_snapc_crs_self_snapshot_directory): a C string owned by the checkpointer, 0 at any other time.
/// </summary>
internal static class CheckpointInProgress
{
    private static nint s_snapshotDirectory;

    public static nint SnapshotDirectory => Volatile.Read(ref s_snapshotDirectory);

    public static void Publish(nint snapshotDirectory) => Volatile.Write(ref s_snapshotDirectory, snapshotDirectory);
}

using System;
using NativeSnapc.Protocol.Dss;
using NativeSnapc.Protocol.Snapc;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Tests.Protocol.Snapc;

/// <summary>
/// Snapc messages only the tests build, as shorthands over <see cref="SnapcMessages"/>: the library's coordinator sends
/// these requests through <see cref="SnapcMessages.BuildRequestOp"/> and LOCAL_FINISH through a reused writer, and the
/// command's HNP never answers a migration.
/// </summary>
internal static class SnapcTestMessages
{
    public static int BuildCheckpoint(DssBufferType bufferType, uint jobId, out byte[] payload)
        => SnapcMessages.BuildRequestOp(bufferType, jobId, SnapcOpEvent.Checkpoint, out payload);

    public static int BuildQuiesceStart(DssBufferType bufferType, uint jobId, out byte[] payload)
        => SnapcMessages.BuildRequestOp(bufferType, jobId, SnapcOpEvent.QuiesceStart, out payload);

    public static int BuildQuiesceEnd(DssBufferType bufferType, uint jobId, out byte[] payload)
        => SnapcMessages.BuildRequestOp(bufferType, jobId, SnapcOpEvent.QuiesceEnd, out payload);

    /// <summary>LOCAL_FINISH (cmd 5, cr_state) in a buffer of its own.</summary>
    public static int BuildLocalFinish(DssBufferType bufferType, int crState, out byte[] payload)
    {
        var writer = new DssWriter(bufferType);
        var status = SnapcMessages.WriteLocalFinish(writer, crState);
        payload = status == OpalStatus.Success ? writer.ToArray() : Array.Empty<byte>();
        return status;
    }

    /// <summary>MIGRATE done: cmd 8, event MIGRATE, op_state 0 (Open MPI's HNP sends nothing on failure).</summary>
    public static int BuildMigrateDone(DssBufferType bufferType, out byte[] payload)
        => SnapcMessages.BuildRequestOpDone(bufferType, SnapcOpEvent.Migrate, 0, out payload);
}

using System;
using System.Collections.Generic;
using NativeSnapc.Protocol.Dss;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Protocol.Snapc;

/// <summary>One row of a MIGRATE request (<c>mig_vpids[i]</c>, <c>mig_host_pref[i]</c>, <c>mig_vpid_pref[i]</c>, <c>mig_off_node[i]</c>).</summary>
internal readonly record struct SnapcMigrationEntry(int Vpid, string? HostPreference, int VpidPreference, int OffNode);

/// <summary>A reply from the HNP on tag 25: FIN_ACK (no op_state) or CHECKPOINT/MIGRATE done.</summary>
internal sealed record SnapcRequestOpReply(byte Command, SnapcOpEvent Event, int? OpState);

/// <summary>
/// The snapc "full" messages of docs/protocol.md#rml-messages (bytes: docs/dss.md): builders pack exactly the items the
/// C code packs, in its order, with its DSS types; parsers unpack them in the order the receiving C code does
/// (snapc_full_global.c, snapc_full_local.c, snapc_full_app.c) and stop at the first failing unpack, returning its
/// status. Like the C receivers, parsers check neither command bytes nor trailing bytes. Builders return a status and
/// the payload (empty on failure); nothing here throws.
///
/// This file is the application's side (snapc_full_app.c; the library's coordinator): what it sends to the HNP and to
/// its own daemon, and the HNP's replies it unpacks. SnapcMessages.Peers.cs is the other side (snapc_full_global.c,
/// snapc_full_local.c; the command's coordinators in src/Command): what they unpack from the application and the
/// replies the HNP sends it.
/// </summary>
internal static partial class SnapcMessages
{
    // ---- sent by the application to the HNP, tag 25: REQUEST_OP ---------------------------------

    public static int BuildInit(DssBufferType bufferType, uint jobId, out byte[] payload)
        => BuildRequestOp(bufferType, jobId, SnapcOpEvent.Init, out payload);

    public static int BuildFin(DssBufferType bufferType, uint jobId, out byte[] payload)
        => BuildRequestOp(bufferType, jobId, SnapcOpEvent.Fin, out payload);

    /// <summary>
    /// A REQUEST_OP without event-specific items: cmd 8 (UINT8), jobid (ORTE_JOBID), event (OPAL_INT).
    /// RESTART and MIGRATE always carry more, so they are refused here (<see cref="OpalStatus.BadParam"/>).
    /// </summary>
    public static int BuildRequestOp(DssBufferType bufferType, uint jobId, SnapcOpEvent opEvent, out byte[] payload)
    {
        payload = Array.Empty<byte>();
        if (opEvent is SnapcOpEvent.Restart or SnapcOpEvent.Migrate)
        {
            return OpalStatus.BadParam;
        }
        var writer = new DssWriter(bufferType);
        var status = PackRequestOpHead(writer, jobId, opEvent);
        return Finish(status, writer, out payload);
    }

    /// <summary>RESTART: the head, then seq_num (OPAL_INT) and global_handle (OPAL_STRING, null = NULL).</summary>
    public static int BuildRestart(DssBufferType bufferType, uint jobId, int seqNum, string? globalHandle, out byte[] payload)
    {
        var writer = new DssWriter(bufferType);
        var status = PackRequestOpHead(writer, jobId, SnapcOpEvent.Restart);
        status = Then(status, () => writer.PackInt(seqNum));
        status = Then(status, () => writer.PackString(globalHandle));
        return Finish(status, writer, out payload);
    }

    /// <summary>
    /// MIGRATE: the head, mig_num (OPAL_INT) = the number of entries, then per entry vpid (OPAL_INT),
    /// host preference (OPAL_STRING; the C code packs strdup of a char[256] row, so normally not null),
    /// vpid preference (OPAL_INT), off_node (OPAL_INT).
    /// </summary>
    public static int BuildMigrate(DssBufferType bufferType, uint jobId, IReadOnlyList<SnapcMigrationEntry> entries, out byte[] payload)
    {
        if (entries is null)
        {
            payload = Array.Empty<byte>();
            return OpalStatus.BadParam;
        }
        var writer = new DssWriter(bufferType);
        var status = PackRequestOpHead(writer, jobId, SnapcOpEvent.Migrate);
        status = Then(status, () => writer.PackInt(entries.Count));
        for (var i = 0; i < entries.Count && status == OpalStatus.Success; i++)
        {
            var entry = entries[i];
            status = Then(status, () => writer.PackInt(entry.Vpid));
            status = Then(status, () => writer.PackString(entry.HostPreference));
            status = Then(status, () => writer.PackInt(entry.VpidPreference));
            status = Then(status, () => writer.PackInt(entry.OffNode));
        }
        return Finish(status, writer, out payload);
    }

    private static int PackRequestOpHead(DssWriter writer, uint jobId, SnapcOpEvent opEvent)
    {
        var status = writer.PackUInt8(SnapcCommand.FullRequestOp);
        status = Then(status, () => writer.PackJobId(jobId));
        return Then(status, () => writer.PackInt((int)opEvent));
    }

    // ---- sent by the application to its own daemon, tag 24 -------------------------------------

    /// <summary>
    /// LOCAL_FINISH: cmd 5 (ORTE_SNAPC_CMD), cr_state (OPAL_INT), into <paramref name="writer"/>, emptied first: what
    /// every checkpoint sends, without allocating.
    /// </summary>
    public static int WriteLocalFinish(DssWriter writer, int crState)
    {
        writer.Reset();
        var status = writer.PackUInt8(SnapcCommand.LocalFinish);
        return status == OpalStatus.Success ? writer.PackInt(crState) : status;
    }

    /// <summary>
    /// LOCAL_UPDATE: cmd 4 (ORTE_SNAPC_CMD), own name (ORTE_NAME), pid (OPAL_PID), and in CRDEBUG builds
    /// MPIR_debug_with_checkpoint (OPAL_BOOL) — pass null for the default (non-CRDEBUG) shape.
    /// </summary>
    public static int BuildLocalUpdate(DssBufferType bufferType, OrteProcessName name, int pid, bool? crdebugFlag, out byte[] payload)
    {
        var writer = new DssWriter(bufferType);
        var status = writer.PackUInt8(SnapcCommand.LocalUpdate);
        status = Then(status, () => writer.PackName(name));
        status = Then(status, () => writer.PackPid(pid));
        if (crdebugFlag is { } flag)
        {
            status = Then(status, () => writer.PackBool(flag));
        }
        return Finish(status, writer, out payload);
    }

    // ---- unpacked by the application: the HNP's replies, tag 25 ---------------------------------

    /// <summary>What app_coord_finalize unpacks: cmd (UINT8), op_event (OPAL_INT).</summary>
    public static int ParseFinAck(ReadOnlyMemory<byte> payload, DssBufferType bufferType, out SnapcRequestOpReply? reply)
    {
        reply = null;
        var reader = new DssReader(payload, bufferType);
        var status = reader.UnpackUInt8(out var command);
        if (status != OpalStatus.Success) return status;
        status = reader.UnpackInt(out var opEvent);
        if (status != OpalStatus.Success) return status;
        reply = new SnapcRequestOpReply(command, (SnapcOpEvent)opEvent, null);
        return OpalStatus.Success;
    }

    /// <summary>What app_coord_request_op unpacks after CHECKPOINT or MIGRATE: cmd, op_event, op_state.</summary>
    public static int ParseRequestOpDone(ReadOnlyMemory<byte> payload, DssBufferType bufferType, out SnapcRequestOpReply? reply)
    {
        reply = null;
        var reader = new DssReader(payload, bufferType);
        var status = reader.UnpackUInt8(out var command);
        if (status != OpalStatus.Success) return status;
        status = reader.UnpackInt(out var opEvent);
        if (status != OpalStatus.Success) return status;
        status = reader.UnpackInt(out var opState);
        if (status != OpalStatus.Success) return status;
        reply = new SnapcRequestOpReply(command, (SnapcOpEvent)opEvent, opState);
        return OpalStatus.Success;
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static int Then(int status, Func<int> next) => status == OpalStatus.Success ? next() : status;

    private static int Finish(int status, DssWriter writer, out byte[] payload)
    {
        payload = status == OpalStatus.Success ? writer.ToArray() : Array.Empty<byte>();
        return status;
    }
}

using System;
using System.Collections.Generic;
using NativeSnapc.Protocol.Dss;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Protocol.Snapc;

/// <summary>A REQUEST_OP message (app → HNP, tag 25) as the HNP unpacks it.</summary>
internal sealed record SnapcRequestOp(
    byte Command,
    uint JobId,
    SnapcOpEvent Event,
    int SeqNum,
    string? GlobalHandle,
    int MigrationCount,
    IReadOnlyList<SnapcMigrationEntry> Migrations);

/// <summary>LOCAL_FINISH (app → own daemon, tag 24).</summary>
internal sealed record SnapcLocalFinish(byte Command, int CrState);

/// <summary>LOCAL_UPDATE (app → own daemon, tag 24); the bool only in CRDEBUG builds.</summary>
internal sealed record SnapcLocalUpdate(byte Command, OrteProcessName Name, int Pid, bool? CrdebugFlag);

/// <summary>The peers' side of <see cref="SnapcMessages"/>: the HNP and the daemon, as src/Command plays them.</summary>
internal static partial class SnapcMessages
{
    // ---- unpacked by the HNP: the application's REQUEST_OP, tag 25 --------------------------------

    /// <summary>The HNP side (snapc_full_global.c): cmd, jobid, event, then what the event carries.</summary>
    public static int ParseRequestOp(ReadOnlyMemory<byte> payload, DssBufferType bufferType, out SnapcRequestOp? request)
    {
        request = null;
        var reader = new DssReader(payload, bufferType);
        var status = reader.UnpackUInt8(out var command);
        if (status != OpalStatus.Success) return status;
        status = reader.UnpackJobId(out var jobId);
        if (status != OpalStatus.Success) return status;
        status = reader.UnpackInt(out var opEvent);
        if (status != OpalStatus.Success) return status;

        var seqNum = 0;
        string? handle = null;
        var migrationCount = 0;
        var migrations = new List<SnapcMigrationEntry>();
        if (opEvent == (int)SnapcOpEvent.Restart)
        {
            status = reader.UnpackInt(out seqNum);
            if (status != OpalStatus.Success) return status;
            status = reader.UnpackString(out handle);
            if (status != OpalStatus.Success) return status;
        }
        else if (opEvent == (int)SnapcOpEvent.Migrate)
        {
            status = reader.UnpackInt(out migrationCount);
            if (status != OpalStatus.Success) return status;
            // Grows per entry read: every entry consumes payload bytes, so a garbled count cannot make
            // this allocate more than the payload justifies.
            for (var i = 0; i < migrationCount; i++)
            {
                status = reader.UnpackInt(out var vpid);
                if (status != OpalStatus.Success) return status;
                status = reader.UnpackString(out var host);
                if (status != OpalStatus.Success) return status;
                status = reader.UnpackInt(out var vpidPreference);
                if (status != OpalStatus.Success) return status;
                status = reader.UnpackInt(out var offNode);
                if (status != OpalStatus.Success) return status;
                migrations.Add(new SnapcMigrationEntry(vpid, host, vpidPreference, offNode));
            }
        }
        request = new SnapcRequestOp(command, jobId, (SnapcOpEvent)opEvent, seqNum, handle, migrationCount, migrations);
        return OpalStatus.Success;
    }

    // ---- unpacked by the daemon: the application's messages, tag 24 -------------------------------

    public static int ParseLocalFinish(ReadOnlyMemory<byte> payload, DssBufferType bufferType, out SnapcLocalFinish? message)
    {
        message = null;
        var reader = new DssReader(payload, bufferType);
        var status = reader.UnpackUInt8(out var command);
        if (status != OpalStatus.Success) return status;
        status = reader.UnpackInt(out var crState);
        if (status != OpalStatus.Success) return status;
        message = new SnapcLocalFinish(command, crState);
        return OpalStatus.Success;
    }

    public static int ParseLocalUpdate(ReadOnlyMemory<byte> payload, DssBufferType bufferType, bool withCrdebugFlag, out SnapcLocalUpdate? message)
    {
        message = null;
        var reader = new DssReader(payload, bufferType);
        var status = reader.UnpackUInt8(out var command);
        if (status != OpalStatus.Success) return status;
        status = reader.UnpackName(out var name);
        if (status != OpalStatus.Success) return status;
        status = reader.UnpackPid(out var pid);
        if (status != OpalStatus.Success) return status;
        bool? flag = null;
        if (withCrdebugFlag)
        {
            status = reader.UnpackBool(out var value);
            if (status != OpalStatus.Success) return status;
            flag = value;
        }
        message = new SnapcLocalUpdate(command, name, pid, flag);
        return OpalStatus.Success;
    }

    // ---- sent by the HNP to the application, tag 25: replies --------------------------------------

    /// <summary>FIN_ACK: cmd 8 (UINT8), event FIN_ACK (OPAL_INT) — two items only.</summary>
    public static int BuildFinAck(DssBufferType bufferType, out byte[] payload)
    {
        var writer = new DssWriter(bufferType);
        var status = writer.PackUInt8(SnapcCommand.FullRequestOp);
        status = Then(status, () => writer.PackInt((int)SnapcOpEvent.FinAck));
        return Finish(status, writer, out payload);
    }

    /// <summary>CHECKPOINT done: cmd 8, event CHECKPOINT (echoed), op_state (0 ok, -1 if the job went to ERROR).</summary>
    public static int BuildCheckpointDone(DssBufferType bufferType, int opState, out byte[] payload)
        => BuildRequestOpDone(bufferType, SnapcOpEvent.Checkpoint, opState, out payload);

    /// <summary>A completion reply to REQUEST_OP: cmd 8, the event echoed, op_state.</summary>
    public static int BuildRequestOpDone(DssBufferType bufferType, SnapcOpEvent opEvent, int opState, out byte[] payload)
    {
        var writer = new DssWriter(bufferType);
        var status = writer.PackUInt8(SnapcCommand.FullRequestOp);
        status = Then(status, () => writer.PackInt((int)opEvent));
        status = Then(status, () => writer.PackInt(opState));
        return Finish(status, writer, out payload);
    }
}

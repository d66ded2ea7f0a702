using System;
using System.Collections.Generic;
using NativeSnapc.Protocol.Dss;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Protocol.Snapc;

/// <summary>The checkpoint options the HNP sends to its daemons (<c>orte_snapc_base_pack_options</c>, non-CRDEBUG).</summary>
internal readonly record struct SnapcCheckpointOptions(bool Term, bool Stop, bool IncPrepOnly, bool IncRecoverOnly)
{
    public static SnapcCheckpointOptions None => default;
}

/// <summary>
/// What sstore/central's HNP side packs for a handle (<c>orte_sstore_central_global_pack</c>): the handle, the
/// sequence number, the global reference and the format of each rank's local snapshot directory, whose
/// <c>%d</c> is the vpid.
/// </summary>
internal sealed record SstoreCentralHandleInfo(uint Handle, int Seq, string? GlobalReference, string? AppLocationFormat);

/// <summary>
/// An UPDATE_JOB_STATE (long) or UPDATE_JOB_STATE_QUICK message from the HNP to every daemon. The long form
/// carries the sstore handle, the options and the migration list; the quick form only job and state.
/// </summary>
internal sealed record SnapcJobStateUpdate(
    byte Command,
    uint JobId,
    int State,
    SstoreCentralHandleInfo? Handle,
    SnapcCheckpointOptions Options,
    bool Migrating,
    IReadOnlyList<OrteProcessName> MigratingProcesses)
{
    public bool IsQuick => Command == SnapcFullCommand.UpdateJobStateQuick;
}

/// <summary>An UPDATE_ORTED_STATE (long) or UPDATE_ORTED_STATE_QUICK message from a daemon to the HNP: both carry only the state.</summary>
internal sealed record SnapcOrtedStateUpdate(byte Command, int State);

/// <summary>
/// The HNP ↔ daemon messages of snapc "full" on tag 25 (snapc_full_global.c
/// <c>orte_snapc_full_global_set_job_ckpt_info</c>, snapc_full_local.c <c>snapc_full_local_update_coord</c> and
/// the receivers <c>snapc_full_local_process_job_update_cmd</c>, <c>snapc_full_process_orted_update_cmd</c>),
/// packed item by item as the C code packs them. Parsers read the command byte too (the C receivers unpack it
/// first to dispatch) and stop at the first failing unpack. Nothing here throws.
/// </summary>
internal static class CoordinatorMessages
{
    /// <summary>The leading command byte of any snapc or sstore message (OPAL_UINT8), to dispatch on.</summary>
    public static int ParseCommand(ReadOnlyMemory<byte> payload, DssBufferType bufferType, out byte command)
        => new DssReader(payload, bufferType).UnpackUInt8(out command);

    /// <summary>
    /// UPDATE_JOB_STATE (long): cmd 1, jobid (ORTE_JOBID), state (OPAL_INT), the handle as sstore/central packs
    /// it (uint32 handle, int seq, string reference, string location format), the options as four OPAL_BOOLs,
    /// migrating (OPAL_BOOL) and, when migrating, the number of processes (OPAL_SIZE) and their names (ORTE_NAME).
    /// </summary>
    public static int BuildJobStateUpdate(DssBufferType bufferType, uint jobId, int state, SstoreCentralHandleInfo handle,
        SnapcCheckpointOptions options, IReadOnlyList<OrteProcessName>? migratingProcesses, out byte[] payload)
    {
        payload = Array.Empty<byte>();
        if (handle is null)
        {
            return OpalStatus.BadParam;
        }
        var writer = new DssWriter(bufferType);
        var status = PackJobStateHead(writer, SnapcFullCommand.UpdateJobState, jobId, state);
        status = Then(status, () => PackHandle(writer, handle));
        status = Then(status, () => writer.PackBool(options.Term));
        status = Then(status, () => writer.PackBool(options.Stop));
        status = Then(status, () => writer.PackBool(options.IncPrepOnly));
        status = Then(status, () => writer.PackBool(options.IncRecoverOnly));
        var migrating = migratingProcesses is not null;
        status = Then(status, () => writer.PackBool(migrating));
        if (migratingProcesses is not null)
        {
            status = Then(status, () => writer.PackSize((ulong)migratingProcesses.Count));
            for (var i = 0; i < migratingProcesses.Count && status == OpalStatus.Success; i++)
            {
                var name = migratingProcesses[i];
                status = writer.PackName(name);
            }
        }
        return Finish(status, writer, out payload);
    }

    /// <summary>UPDATE_JOB_STATE_QUICK: cmd 2, jobid (ORTE_JOBID), state (OPAL_INT).</summary>
    public static int BuildJobStateUpdateQuick(DssBufferType bufferType, uint jobId, int state, out byte[] payload)
    {
        var writer = new DssWriter(bufferType);
        var status = PackJobStateHead(writer, SnapcFullCommand.UpdateJobStateQuick, jobId, state);
        return Finish(status, writer, out payload);
    }

    /// <summary>
    /// The daemon side: the command, then the quick or the long body by the command. Any other command is
    /// refused with <see cref="OpalStatus.BadParam"/> (the daemon logs a value out of bounds).
    /// </summary>
    public static int ParseJobStateUpdate(ReadOnlyMemory<byte> payload, DssBufferType bufferType, out SnapcJobStateUpdate? update)
    {
        update = null;
        var reader = new DssReader(payload, bufferType);
        var status = reader.UnpackUInt8(out var command);
        if (status != OpalStatus.Success) return status;
        if (command is not (SnapcFullCommand.UpdateJobState or SnapcFullCommand.UpdateJobStateQuick)) return OpalStatus.BadParam;
        status = reader.UnpackJobId(out var jobId);
        if (status != OpalStatus.Success) return status;
        status = reader.UnpackInt(out var state);
        if (status != OpalStatus.Success) return status;
        if (command == SnapcFullCommand.UpdateJobStateQuick)
        {
            update = new SnapcJobStateUpdate(command, jobId, state, null, default, false, Array.Empty<OrteProcessName>());
            return OpalStatus.Success;
        }
        status = UnpackHandle(reader, out var handle);
        if (status != OpalStatus.Success) return status;
        status = reader.UnpackBool(out var term);
        if (status != OpalStatus.Success) return status;
        status = reader.UnpackBool(out var stop);
        if (status != OpalStatus.Success) return status;
        status = reader.UnpackBool(out var incPrepOnly);
        if (status != OpalStatus.Success) return status;
        status = reader.UnpackBool(out var incRecoverOnly);
        if (status != OpalStatus.Success) return status;
        status = reader.UnpackBool(out var migrating);
        if (status != OpalStatus.Success) return status;
        var names = new List<OrteProcessName>();
        if (migrating)
        {
            status = reader.UnpackSize(out var count);
            if (status != OpalStatus.Success) return status;
            // Grows per name read: a garbled count cannot allocate more than the payload holds.
            for (ulong i = 0; i < count; i++)
            {
                status = reader.UnpackName(out var name);
                if (status != OpalStatus.Success) return status;
                names.Add(name);
            }
        }
        update = new SnapcJobStateUpdate(command, jobId, state, handle,
            new SnapcCheckpointOptions(term, stop, incPrepOnly, incRecoverOnly), migrating, names);
        return OpalStatus.Success;
    }

    /// <summary>UPDATE_ORTED_STATE (cmd 3) or its quick form (cmd 4): the command and the state (OPAL_INT), nothing more in 4.1.</summary>
    public static int BuildOrtedStateUpdate(DssBufferType bufferType, int state, bool quick, out byte[] payload)
    {
        var writer = new DssWriter(bufferType);
        var status = writer.PackUInt8(quick ? SnapcFullCommand.UpdateOrtedStateQuick : SnapcFullCommand.UpdateOrtedState);
        status = Then(status, () => writer.PackInt(state));
        return Finish(status, writer, out payload);
    }

    /// <summary>The HNP side of an orted state update; other commands are refused with <see cref="OpalStatus.BadParam"/>.</summary>
    public static int ParseOrtedStateUpdate(ReadOnlyMemory<byte> payload, DssBufferType bufferType, out SnapcOrtedStateUpdate? update)
    {
        update = null;
        var reader = new DssReader(payload, bufferType);
        var status = reader.UnpackUInt8(out var command);
        if (status != OpalStatus.Success) return status;
        if (command is not (SnapcFullCommand.UpdateOrtedState or SnapcFullCommand.UpdateOrtedStateQuick)) return OpalStatus.BadParam;
        status = reader.UnpackInt(out var state);
        if (status != OpalStatus.Success) return status;
        update = new SnapcOrtedStateUpdate(command, state);
        return OpalStatus.Success;
    }

    /// <summary><c>orte_sstore_central_global_pack</c>: handle (ORTE_SSTORE_HANDLE = UINT32), seq (OPAL_INT), reference and location format (OPAL_STRING).</summary>
    public static int PackHandle(DssWriter writer, SstoreCentralHandleInfo handle)
    {
        var status = writer.PackUInt32(handle.Handle);
        status = Then(status, () => writer.PackInt(handle.Seq));
        status = Then(status, () => writer.PackString(handle.GlobalReference));
        return Then(status, () => writer.PackString(handle.AppLocationFormat));
    }

    /// <summary><c>orte_sstore_central_local_unpack</c>: the same four items.</summary>
    public static int UnpackHandle(DssReader reader, out SstoreCentralHandleInfo? handle)
    {
        handle = null;
        var status = reader.UnpackUInt32(out var id);
        if (status != OpalStatus.Success) return status;
        status = reader.UnpackInt(out var seq);
        if (status != OpalStatus.Success) return status;
        status = reader.UnpackString(out var reference);
        if (status != OpalStatus.Success) return status;
        status = reader.UnpackString(out var format);
        if (status != OpalStatus.Success) return status;
        handle = new SstoreCentralHandleInfo(id, seq, reference, format);
        return OpalStatus.Success;
    }

    private static int PackJobStateHead(DssWriter writer, byte command, uint jobId, int state)
    {
        var status = writer.PackUInt8(command);
        status = Then(status, () => writer.PackJobId(jobId));
        return Then(status, () => writer.PackInt(state));
    }

    private static int Then(int status, Func<int> next) => status == OpalStatus.Success ? next() : status;

    private static int Finish(int status, DssWriter writer, out byte[] payload)
    {
        payload = status == OpalStatus.Success ? writer.ToArray() : Array.Empty<byte>();
        return status;
    }
}

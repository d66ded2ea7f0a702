using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;
using NativeSnapc.Diagnostics;
using NativeSnapc.Protocol.Snapc;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Runtime;

/// <summary>The outcome of a C/R API call: an MPI status, and for checkpoints the global snapshot and sequence.</summary>
internal readonly record struct CrResult(int Status, string? Handle, int Seq);

/// <summary>
/// Open MPI's C/R application API (ompi/mpiext/cr/c at v4.1.4; include/native_snapc/mpiext_cr.h) on the runtime:
/// the same collectives, leader (the vpid of rank 0) and requests through <c>orte_snapc.request_op</c>. Where the
/// original went wrong this differs (README, "Differences"): a failure returns MPI_ERR_OTHER instead of invoking the
/// communicator's error handler (by default it aborted the job, after freeing the datum it then used), and ranks that
/// wait for their leader keep taking part in checkpoints while they wait (blocked in MPI_Bcast they could not take
/// part in the checkpoint their leader waits for).
/// </summary>
internal sealed class CrApi
{
    /// <summary>MPI_SUCCESS and MPI_ERR_OTHER (Open MPI's values).</summary>
    public const int MpiSuccess = 0;
    public const int MpiErrOther = 16;

    /// <summary>Open MPI's HANDLE_SIZE_MAX: what the leader broadcasts of the global snapshot reference.</summary>
    public const int HandleBytes = 256;

    /// <summary>OPAL_MAX_PROCESSOR_NAME: a host preference of a migration.</summary>
    private const int HostNameBytes = 256;

    private readonly RankRuntime _runtime;

    public CrApi(RankRuntime runtime) => _runtime = runtime;

    private IMpiPort Mpi => _runtime.Mpi;

    /// <summary>OMPI_CR_Checkpoint: a checkpoint of the whole job, collective over MPI_COMM_WORLD.</summary>
    public CrResult Checkpoint()
    {
        var world = Mpi.World;
        var leader = LeaderOf(world);
        var status = Mpi.Barrier(world);
        if (status != MpiSuccess)
        {
            return new CrResult(status, null, -1);
        }
        var rc = OpalStatus.Success;
        int seq = -1;
        string? handle = null;
        if (leader is not null)
        {
            rc = _runtime.Host.RequestOp(SnapcOpEvent.Checkpoint, leader.Value, -1, null, out seq, out handle);
        }
        else
        {
            _runtime.Host.RequestOp(SnapcOpEvent.Checkpoint, -1, -1, null, out _, out _);
        }
        return Commit("OMPI_CR_Checkpoint", world, rc, seq, handle);
    }

    /// <summary>OMPI_CR_Restart: not collective; the caller leads. The job is restarted and this process ended, so it returns only on failure.</summary>
    public int Restart(string handle, int seq)
    {
        var rc = _runtime.Host.RequestOp(SnapcOpEvent.Restart, (int)_runtime.Host.MyName.vpid, seq, handle, out _, out _);
        return Report("OMPI_CR_Restart", rc);
    }

    /// <summary>OMPI_CR_Quiesce_start: collective over MPI_COMM_WORLD (the communicator given is ignored, as in Open MPI).</summary>
    public int QuiesceStart()
    {
        var world = Mpi.World;
        var leader = LeaderOf(world);
        var status = Mpi.Barrier(world);
        if (status != MpiSuccess)
        {
            return status;
        }
        var rc = _runtime.Host.RequestOp(SnapcOpEvent.QuiesceStart, leader ?? -1, -1, null, out _, out _);
        return Report("OMPI_CR_Quiesce_start", rc);
    }

    /// <summary>OMPI_CR_Quiesce_checkpoint: a local checkpoint inside the quiesced region; every rank gets the snapshot and sequence.</summary>
    public CrResult QuiesceCheckpoint()
    {
        var leader = LeaderOf(Mpi.World);
        var rc = _runtime.Host.RequestOp(SnapcOpEvent.QuiesceCheckpoint, leader ?? -1, -1, null, out var seq, out var handle);
        return new CrResult(Report("OMPI_CR_Quiesce_checkpoint", rc), handle, seq);
    }

    /// <summary>OMPI_CR_Quiesce_end: every rank recovers, the leader tells the HNP, then a barrier.</summary>
    public int QuiesceEnd()
    {
        var world = Mpi.World;
        var leader = LeaderOf(world);
        var rc = _runtime.Host.RequestOp(SnapcOpEvent.QuiesceEnd, leader ?? -1, -1, null, out _, out _);
        var status = Mpi.Barrier(world);
        return rc != OpalStatus.Success ? Report("OMPI_CR_Quiesce_end", rc) : status;
    }

    /// <summary>
    /// OMPI_CR_Migrate: rank 0 of <paramref name="comm"/> gathers every rank's (vpid, host preference, vpid
    /// preference = own vpid, off_node) and leads the request; the others take part in the migration checkpoint
    /// while they wait for its outcome (Open MPI made them wait in MPI_Barrier). The rank argument is ignored, as in
    /// Open MPI.
    /// </summary>
    public int Migrate(nint comm, string? hostName, bool offNode)
    {
        var status = Mpi.Rank(comm, out var rank);
        if (status == MpiSuccess)
        {
            status = Mpi.Size(comm, out var size);
            if (status == MpiSuccess)
            {
                return MigrateWith(comm, rank, size, hostName, offNode);
            }
        }
        return status;
    }

    private int MigrateWith(nint comm, int rank, int size, string? hostName, bool offNode)
    {
        var vpid = (int)_runtime.Host.MyName.vpid;
        // One record per rank: vpid, host preference (256 chars), vpid preference, off_node.
        var record = new byte[12 + HostNameBytes];
        BinaryPrimitives.WriteInt32LittleEndian(record, vpid);
        var host = Encoding.UTF8.GetBytes(hostName ?? "");
        host.AsSpan(0, Math.Min(host.Length, HostNameBytes - 1)).CopyTo(record.AsSpan(4));
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(4 + HostNameBytes), vpid);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(8 + HostNameBytes), offNode ? 1 : 0);
        var all = rank == 0 ? new byte[record.Length * size] : null;
        var status = Mpi.GatherBytes(record, all, 0, comm);
        if (status != MpiSuccess)
        {
            return status;
        }
        var rc = OpalStatus.Success;
        if (rank == 0)
        {
            var entries = new List<SnapcMigrationEntry>(size);
            for (var i = 0; i < size; i++)
            {
                var r = all.AsSpan(i * record.Length, record.Length);
                var name = Encoding.UTF8.GetString(r.Slice(4, HostNameBytes).TrimEnd((byte)0));
                entries.Add(new SnapcMigrationEntry(BinaryPrimitives.ReadInt32LittleEndian(r), name,
                    BinaryPrimitives.ReadInt32LittleEndian(r[(4 + HostNameBytes)..]), BinaryPrimitives.ReadInt32LittleEndian(r[(8 + HostNameBytes)..])));
            }
            rc = _runtime.Host.RequestMigrate(vpid, entries);
        }
        else
        {
            _runtime.Host.RequestOp(SnapcOpEvent.Migrate, -1, -1, null, out _, out _);
        }
        return Commit("OMPI_CR_Migrate", comm, rc, -1, null).Status;
    }

    /// <summary>The leader of a request over <paramref name="comm"/>: this process's vpid on its rank 0, null elsewhere.</summary>
    private int? LeaderOf(nint comm)
    {
        Mpi.Rank(comm, out var rank);
        return rank == 0 ? (int)_runtime.Host.MyName.vpid : null;
    }

    /// <summary>
    /// Rank 0 of <paramref name="comm"/> broadcasts the request's outcome — state, sequence and handle, as
    /// checkpoint.c's three MPI_Bcast — through one MPI_Ibcast that the others complete while they take part in
    /// checkpoints.
    /// </summary>
    private CrResult Commit(string call, nint comm, int rc, int seq, string? handle)
    {
        Mpi.Rank(comm, out var rank);
        var record = new byte[8 + HandleBytes];
        if (rank == 0)
        {
            BinaryPrimitives.WriteInt32LittleEndian(record, rc == OpalStatus.Success ? 0 : MpiErrOther);
            BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(4), seq);
            var text = Encoding.UTF8.GetBytes(handle ?? "");
            text.AsSpan(0, Math.Min(text.Length, HandleBytes - 1)).CopyTo(record.AsSpan(8));
        }
        using var broadcast = Mpi.StartBroadcast(record, 0, comm);
        var bound = _runtime.Settings.ReleaseTimeout + _runtime.Settings.ReplyTimeout;
        var mpiStatus = 0;
        if (!_runtime.WaitServicingCheckpoints(() => broadcast.Test(out mpiStatus), bound))
        {
            Log.Error($"native-snapc: {call}: rank 0 did not report the outcome within {bound.TotalSeconds:0} s");
            return new CrResult(MpiErrOther, null, -1);
        }
        if (mpiStatus != MpiSuccess)
        {
            return new CrResult(mpiStatus, null, -1);
        }
        var state = BinaryPrimitives.ReadInt32LittleEndian(broadcast.Data);
        if (rank == 0 && rc != OpalStatus.Success)
        {
            Log.Error($"native-snapc: {call} failed ({rc})");
        }
        if (state != 0)
        {
            return new CrResult(MpiErrOther, null, -1);
        }
        var resultHandle = Encoding.UTF8.GetString(broadcast.Data.AsSpan(8, HandleBytes).TrimEnd((byte)0));
        return new CrResult(MpiSuccess, resultHandle, BinaryPrimitives.ReadInt32LittleEndian(broadcast.Data.AsSpan(4)));
    }

    private static int Report(string call, int rc)
    {
        if (rc == OpalStatus.Success)
        {
            return MpiSuccess;
        }
        Log.Error($"native-snapc: {call} failed ({rc})");
        return MpiErrOther;
    }
}

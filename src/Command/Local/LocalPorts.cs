using System;
using System.Collections.Generic;
using NativeSnapc.Protocol.Snapc;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Command.Local;

/// <summary>One rank of this node as its HELLO described it.</summary>
internal sealed class LocalRank(OrteProcessName name, int pid, uint processCount, OrteProcessName daemon, OrteProcessName hnp, object link)
{
    public OrteProcessName Name { get; } = name;
    public int Pid { get; set; } = pid;
    public uint ProcessCount { get; } = processCount;
    public OrteProcessName Daemon { get; } = daemon;
    public OrteProcessName Hnp { get; } = hnp;

    /// <summary>The connection the rank speaks on (opaque to the coordinator).</summary>
    public object Link { get; } = link;

    /// <summary>The id of the next FIFO pair (snapc_full_local's <c>unique_pipe_id</c>): 0 for a new process, +1 per signal.</summary>
    public int NextPipeId { get; set; }

    public bool Connected { get; set; } = true;

    public override string ToString() => $"{Name} (pid {Pid})";
}

/// <summary>What one FIFO handshake is asked to do (Pass 2-5 of snapc_full_local.c for one rank).</summary>
internal sealed record HandshakeRequest(
    LocalRank Rank,
    int Pid,
    int PipeId,
    string ReadFifo,
    string WriteFifo,
    int Signal,
    bool AllMigrating,
    bool Migrating,
    SnapcCheckpointOptions Options,
    uint Handle);

/// <summary>A running handshake: released after FINISHED_LOCAL, or abandoned when the checkpoint fails.</summary>
internal interface IHandshake
{
    /// <summary>Writes the release (int 0) on the first FIFO, then closes both ends.</summary>
    void Release();

    /// <summary>Closes both ends without a release: the rank notices (POLLHUP/EPIPE) and fails its attempt.</summary>
    void Abort(string reason);
}

/// <summary>What a handshake reports, from its own thread.</summary>
internal interface IHandshakeEvents
{
    /// <summary>The rank answered START and got the sentinel: its checkpoint runs.</summary>
    void Running(LocalRank rank);

    /// <summary>The rank wrote 6 (RUNNING) under inc_prep_only: it is quiesced and keeps its FIFOs.</summary>
    void Prepared(LocalRank rank);

    /// <summary>The rank's final state: 7 is an error, anything else finished.</summary>
    void Final(LocalRank rank, int state);

    /// <summary>The handshake could not go on: timeout, refusal, a dead rank, an I/O error.</summary>
    void Failed(LocalRank rank, string reason);
}

/// <summary>The local coordinator's ways out: to its ranks, to the global coordinator, to the FIFOs.</summary>
internal interface ILocalPorts
{
    /// <summary>An RML message to a rank, sent as its daemon or as the HNP (a relayed reply).</summary>
    void SendToRank(LocalRank rank, uint tag, bool asHnp, byte[] payload);

    /// <summary>A whole NSRF frame to the global coordinator.</summary>
    void SendToGlobal(byte[] frame);

    /// <summary>
    /// Pass 2-5 for every rank of a checkpoint: all of them are signalled first, in one loop, then each handshake
    /// runs on its own (a rank's signal never waits for another rank's handshake to be set up). One handshake per
    /// request, in order.
    /// </summary>
    IReadOnlyList<IHandshake> StartHandshakes(IReadOnlyList<HandshakeRequest> requests, IHandshakeEvents events);

    DateTime Now { get; }
}

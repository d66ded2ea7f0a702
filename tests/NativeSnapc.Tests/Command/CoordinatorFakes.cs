extern alias command;

using System;
using System.Collections.Generic;
using System.Linq;
using command::NativeSnapc.Command.Global;
using command::NativeSnapc.Command.Local;
using command::NativeSnapc.Command.Store;
using command::NativeSnapc.Protocol.Dss;
using command::NativeSnapc.Protocol.Frames;
using command::NativeSnapc.Protocol.Snapc;
using command::NativeSnapc.Protocol.Sstore;
using command::NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Tests.Command;

/// <summary>A decoded frame the fake ports saw.</summary>
internal sealed record SentFrame(FrameHeader Header, byte[] Payload)
{
    public static SentFrame Decode(byte[] frame)
    {
        if (!FrameCodec.TryDecodeHeader(frame, out var header, out var error))
        {
            throw new InvalidOperationException(error);
        }
        return new SentFrame(header, frame[FrameCodec.HeaderBytes..]);
    }

    public byte Command
    {
        get
        {
            CoordinatorMessages.ParseCommand(Payload, DssBufferType.NonDescribed, out var command);
            return command;
        }
    }

    public SnapcOrtedStateUpdate OrtedState()
    {
        CoordinatorMessages.ParseOrtedStateUpdate(Payload, DssBufferType.NonDescribed, out var update);
        return update ?? throw new InvalidOperationException("not an orted state update");
    }

    public SnapcJobStateUpdate JobState()
    {
        CoordinatorMessages.ParseJobStateUpdate(Payload, DssBufferType.NonDescribed, out var update);
        return update ?? throw new InvalidOperationException("not a job state update");
    }
}

internal sealed class FakeHandshake(HandshakeRequest request) : IHandshake
{
    public HandshakeRequest Request { get; } = request;
    public bool Released { get; private set; }
    public string? Aborted { get; private set; }

    public void Release() => Released = true;

    public void Abort(string reason) => Aborted = reason;
}

internal sealed class FakeLocalPorts : ILocalPorts
{
    public List<SentFrame> ToGlobal { get; } = new();
    public List<(LocalRank Rank, uint Tag, bool AsHnp, byte[] Payload)> ToRanks { get; } = new();
    public List<FakeHandshake> Handshakes { get; } = new();
    public DateTime Now { get; set; } = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public void SendToRank(LocalRank rank, uint tag, bool asHnp, byte[] payload) => ToRanks.Add((rank, tag, asHnp, payload));

    public void SendToGlobal(byte[] frame) => ToGlobal.Add(SentFrame.Decode(frame));

    public IReadOnlyList<IHandshake> StartHandshakes(IReadOnlyList<HandshakeRequest> requests, IHandshakeEvents events)
    {
        var started = requests.Select(r => new FakeHandshake(r)).ToList();
        Handshakes.AddRange(started);
        return started;
    }

    /// <summary>The local coordinator's own messages to the HNP on tag 25 (as the daemon).</summary>
    public IReadOnlyList<SnapcOrtedStateUpdate> OrtedStates() => ToGlobal
        .Where(f => f.Header.Kind == FrameKind.Rml && f.Header.SourceRole == FrameRole.Daemon && f.Header.Tag == RmlTag.SnapcFull)
        .Select(f => f.OrtedState()).ToList();
}

internal sealed class FakeGlobalPorts : IGlobalPorts
{
    public List<(object Node, SentFrame Frame)> Sent { get; } = new();
    public int Terminations { get; private set; }
    public DateTime Now { get; set; } = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public bool SendToNode(object node, byte[] frame)
    {
        Sent.Add((node, SentFrame.Decode(frame)));
        return true;
    }

    public void TerminateJob() => Terminations++;

    public IReadOnlyList<SnapcJobStateUpdate> JobStates(object node) => Sent
        .Where(s => s.Node == node && s.Frame.Header.DestinationRole == FrameRole.Daemon)
        .Select(s => s.Frame.JobState()).ToList();

    public IReadOnlyList<SentFrame> ToRank(object node, uint vpid) => Sent
        .Where(s => s.Node == node && s.Frame.Header.DestinationRole == FrameRole.App && s.Frame.Header.Destination.vpid == vpid)
        .Select(s => s.Frame).ToList();
}

internal sealed class FakeStore : ISnapshotStore
{
    public List<string> Lines { get; } = new();
    public int Next { get; set; }
    public string GlobalDirectory => "/snapshots/ompi_global_snapshot_1.ckpt";
    public string Reference => "ompi_global_snapshot_1.ckpt";

    public string AppLocationFormat(int seq) => $"{GlobalDirectory}/{seq}/opal_snapshot_%d.ckpt";

    public int NextSeq() => Next;

    public bool Begin(int seq)
    {
        Lines.Add($"begin {seq}");
        Next = seq + 1;
        return true;
    }

    public bool End(int seq, bool finished, IReadOnlyList<(string Process, string Component)> processes)
    {
        foreach (var (process, component) in processes)
        {
            Lines.Add($"process {process} {component}");
        }
        Lines.Add($"end {seq} {(finished ? "finished" : "unfinished")}");
        return true;
    }

    public IReadOnlyList<int> Prune(int keep) => Array.Empty<int>();
}

/// <summary>Payloads as the ranks and local coordinators send them.</summary>
internal static class Payloads
{
    public const uint Job = 0x1a2b0001;
    public static readonly OrteProcessName Hnp = new(0x1a2b0000, 0);
    public static readonly OrteProcessName Daemon = new(0x1a2b0000, 0);

    public static OrteProcessName Rank(uint vpid) => new(Job, vpid);

    public static HelloPayload Hello(int pid, uint processes) => new(pid, processes, Daemon, Hnp);

    public static byte[] RequestOp(SnapcOpEvent opEvent)
    {
        SnapcMessages.BuildRequestOp(DssBufferType.NonDescribed, Job, opEvent, out var bytes);
        return bytes;
    }

    public static byte[] LocalFinish(int crState)
    {
        var writer = new DssWriter(DssBufferType.NonDescribed);
        SnapcMessages.WriteLocalFinish(writer, crState);
        return writer.ToArray();
    }

    public static byte[] AppPush(uint handle, string component)
    {
        SstoreCentralMessages.BuildAppPush(DssBufferType.NonDescribed, handle, false, component, out var bytes);
        return bytes;
    }

    public static byte[] AppPull(uint handle)
    {
        SstoreCentralMessages.BuildAppPull(DssBufferType.NonDescribed, handle, out var bytes);
        return bytes;
    }

    public static byte[] JobState(int state, SstoreCentralHandleInfo? handle = null, SnapcCheckpointOptions options = default)
    {
        byte[] bytes;
        if (handle is null)
        {
            CoordinatorMessages.BuildJobStateUpdateQuick(DssBufferType.NonDescribed, Job, state, out bytes);
        }
        else
        {
            CoordinatorMessages.BuildJobStateUpdate(DssBufferType.NonDescribed, Job, state, handle, options, null, out bytes);
        }
        return bytes;
    }

    public static byte[] OrtedState(int state, bool quick)
    {
        CoordinatorMessages.BuildOrtedStateUpdate(DssBufferType.NonDescribed, state, quick, out var bytes);
        return bytes;
    }

    public static byte[] LocalPush(uint handle, params uint[] vpids)
    {
        SstoreCentralMessages.BuildLocalPush(DssBufferType.NonDescribed, handle,
            vpids.Select(v => new SstoreLocalPushEntry(Rank(v), false, "self")).ToArray(), out var bytes);
        return bytes;
    }

    public static FrameHeader FromHnp(uint tag = RmlTag.SnapcFull) => new(FrameKind.Rml, tag, Hnp, FrameRole.Hnp, Daemon, FrameRole.Daemon, 0);

    public static FrameHeader FromRank(uint vpid, uint tag) => new(FrameKind.Rml, tag, Rank(vpid), FrameRole.App, Daemon, FrameRole.Daemon, 0);

    public static FrameHeader FromDaemon(uint tag) => new(FrameKind.Rml, tag, Daemon, FrameRole.Daemon, Hnp, FrameRole.Hnp, 0);
}

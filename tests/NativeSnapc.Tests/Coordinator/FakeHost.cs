using System;
using System.Collections.Generic;
using NativeSnapc.Abi;
using NativeSnapc.Coordinator;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Tests.Coordinator;

/// <summary>
/// An in-memory MPI runtime for the coordinator: records what the coordinator asks of it, and behaves like
/// Open MPI 4.1 where the coordinator depends on it — in particular <see cref="TestIfCheckpointReady"/>
/// follows opal_cr_test_if_checkpoint_ready (docs/protocol.md#test_if_checkpoint_ready).
/// </summary>
internal sealed class FakeHost : IHostPort
{
    public record SentMessage(RmlPeer Peer, uint Tag, byte[] Payload);

    public record SstoreCall(string Operation, uint Handle, uint Key = 0, string? Value = null);

    public OrteProcessName MyName { get; set; } = new(0x1a2b0001, 0);
    public string? JobSessionDirectory { get; set; } = "/tmp/ompi.test/1";
    public int Pid { get; set; } = 4242;
    public int GetPid() => Pid;

    public int EntryPointSignal { get; set; } = 10;
    public string PipeDirectory { get; set; } = "/tmp";
    public nint CheckpointRequestCell => 0x1000;
    public OpalCrCkptCmdState CheckpointRequest { get; set; } = OpalCrCkptCmdState.StatusNone;
    public OpalCrCkptCmdState CheckpointingState { get; set; } = OpalCrCkptCmdState.StatusNone;
    public bool CurrentlyStalled { get; set; }
    public bool StallCheck { get; set; }
    public bool ContinueLikeRestart { get; set; }
    public bool FlushRestartFiles { get; set; } = true;

    public Func<OpalCrCkptCmdState, int>? NotifyCallback { get; private set; }
    public bool NotifyUnregistered { get; private set; }
    public bool HasCrs { get; set; } = true;

    public int RegisterNotifyCallback(Func<OpalCrCkptCmdState, int> callback)
    {
        NotifyCallback = callback;
        NotifyUnregistered = false;
        return OpalStatus.Success;
    }

    public void UnregisterNotifyCallback() => NotifyUnregistered = true;

    public List<int> NotifyResults { get; } = new();

    /// <summary>Runs before each test point: lets a test act as the signal or the peer at the right moment.</summary>
    public Action? OnTestPoint { get; set; }

    public void TestIfCheckpointReady()
    {
        OnTestPoint?.Invoke();
        if (NotifyCallback is null)
        {
            return;
        }
        if (CurrentlyStalled)
        {
            NotifyResults.Add(NotifyCallback(OpalCrCkptCmdState.CmdStart));
            return;
        }
        if (CheckpointRequest != OpalCrCkptCmdState.StatusRequested)
        {
            return;
        }
        if (CheckpointingState == OpalCrCkptCmdState.StatusRunning)
        {
            NotifyResults.Add(NotifyCallback(OpalCrCkptCmdState.CmdInProgress));
            CheckpointRequest = OpalCrCkptCmdState.StatusNone;
            return;
        }
        if (!HasCrs)
        {
            NotifyResults.Add(NotifyCallback(OpalCrCkptCmdState.CmdNull));
            CheckpointRequest = OpalCrCkptCmdState.StatusNone;
            return;
        }
        CheckpointingState = OpalCrCkptCmdState.StatusRunning;
        CheckpointRequest = OpalCrCkptCmdState.StatusNone;
        NotifyResults.Add(NotifyCallback(OpalCrCkptCmdState.CmdStart));
    }

    public int ProgressCalls { get; private set; }
    public void Progress() => ProgressCalls++;

    public Queue<int> IncCorePrepResults { get; } = new();
    public int IncCorePrepCalls { get; private set; }

    public int IncCorePrep()
    {
        IncCorePrepCalls++;
        return IncCorePrepResults.Count > 0 ? IncCorePrepResults.Dequeue() : OpalStatus.Success;
    }

    /// <summary>What the checkpointer does: (return code, the state it writes as the C int); null leaves the state alone.</summary>
    public Func<CheckpointOptions, (int Status, int? State)> Checkpointer { get; set; } =
        _ => (OpalStatus.Success, (int)OpalCrsState.Continue);

    public List<(int Pid, CheckpointOptions Options)> IncCoreCkptCalls { get; } = new();

    public int IncCoreCkpt(int pid, IOwnedCrsSnapshot snapshot, CheckpointOptions options, ref OpalCrsState state)
    {
        IncCoreCkptCalls.Add((pid, options));
        var (status, newState) = Checkpointer(options);
        if (newState is { } value)
        {
            state = (OpalCrsState)value;
        }
        if (state == OpalCrsState.Continue && options.Term)
        {
            state = OpalCrsState.Term; // as opal_cr_inc_core_ckpt does
        }
        if (status == OpalStatus.Success && state == OpalCrsState.Continue)
        {
            snapshot.ComponentName ??= "fakecrs";
        }
        return status;
    }

    /// <summary>The states recovery was called with, as the C ints opal_cr_inc_core_recover gets.</summary>
    public List<int> IncCoreRecoverCalls { get; } = new();

    public int IncCoreRecover(OpalCrsState state)
    {
        IncCoreRecoverCalls.Add((int)state);
        return OpalStatus.Success;
    }

    public string SelectedCrsComponentName { get; set; } = "fakecrs";
    public void ClearTimers(int myRank) { }
    public void SetTimer(int index) { }
    public void DisplayAllTimers() { }

    public DssBufferType BufferType { get; set; } = DssBufferType.NonDescribed;
    public int FenceResult { get; set; } = OpalStatus.Success;
    public int FenceCalls { get; private set; }

    public int Fence()
    {
        FenceCalls++;
        return FenceResult;
    }

    public List<SentMessage> Sent { get; } = new();
    public int SendResult { get; set; } = OpalStatus.Success;

    /// <summary>Runs after a message was sent: e.g. the HNP starting a checkpoint when it gets a request.</summary>
    public Action<SentMessage>? OnSend { get; set; }

    public int Send(RmlPeer peer, uint tag, ReadOnlySpan<byte> payload)
    {
        if (SendResult != OpalStatus.Success)
        {
            return SendResult;
        }
        var message = new SentMessage(peer, tag, payload.ToArray());
        Sent.Add(message);
        OnSend?.Invoke(message);
        return OpalStatus.Success;
    }

    /// <summary>Replies the HNP will give, in order; an empty queue means "never replies".</summary>
    public Queue<byte[]> Replies { get; } = new();
    public List<TimeSpan> ReceiveBounds { get; } = new();

    public int Receive(RmlPeer peer, uint tag, TimeSpan bound, out byte[] payload)
    {
        ReceiveBounds.Add(bound);
        if (Replies.Count == 0)
        {
            payload = Array.Empty<byte>();
            return OpalStatus.Timeout;
        }
        payload = Replies.Dequeue();
        return OpalStatus.Success;
    }

    /// <summary>How many times a servicing receive runs its callback before it gives up (the fake's "bound").</summary>
    public int ServicingPolls { get; set; } = 50;

    public int ReceiveServicing(RmlPeer peer, uint tag, TimeSpan bound, Func<bool> whileWaiting, out byte[] payload)
    {
        ServicingReceives++;
        for (var poll = 0; Replies.Count == 0 && poll < ServicingPolls; poll++)
        {
            if (!whileWaiting())
            {
                break;
            }
        }
        return Receive(peer, tag, bound, out payload);
    }

    public int ServicingReceives { get; private set; }

    public uint SstoreHandleCurrent { get; set; } = 3;
    public List<SstoreCall> SstoreCalls { get; } = new();
    public int RegisterResult { get; set; } = OpalStatus.Success;
    public int SyncResult { get; set; } = OpalStatus.Success;
    public Dictionary<uint, string> Attributes { get; } = new()
    {
        [SstoreKey.GlobalSnapSeq] = "5",
        [SstoreKey.GlobalSnapRef] = "ompi_global_snapshot_77.ckpt",
        [SstoreKey.LocalSnapLoc] = "/snap/5/opal_snapshot_0.ckpt",
        [SstoreKey.LocalSnapMeta] = "/snap/5/opal_snapshot_0.ckpt/snapshot_meta.data",
    };

    public int SstoreRegisterHandle(uint handle)
    {
        SstoreCalls.Add(new("register", handle));
        return RegisterResult;
    }

    public int SstoreGetAttr(uint handle, uint key, out string? value)
    {
        SstoreCalls.Add(new("get", handle, key));
        return Attributes.TryGetValue(key, out value) ? OpalStatus.Success : OpalStatus.NotSupported;
    }

    public int SstoreSetAttr(uint handle, uint key, string value)
    {
        SstoreCalls.Add(new("set", handle, key, value));
        return OpalStatus.Success;
    }

    public int SstoreSync(uint handle)
    {
        SstoreCalls.Add(new("sync", handle));
        return SyncResult;
    }

    public List<FakeOwnedCrsSnapshot> Snapshots { get; } = new();

    public IOwnedCrsSnapshot CreateSnapshot(uint ssHandle)
    {
        SstoreGetAttr(ssHandle, SstoreKey.LocalSnapLoc, out var directory);
        SstoreGetAttr(ssHandle, SstoreKey.LocalSnapMeta, out var metadata);
        var snapshot = new FakeOwnedCrsSnapshot { SnapshotDirectory = directory, MetadataFilename = metadata };
        Snapshots.Add(snapshot);
        return snapshot;
    }

    internal sealed class FakeOwnedCrsSnapshot : IOwnedCrsSnapshot
    {
        public string? ComponentName { get; set; }
        public string? SnapshotDirectory { get; set; }
        public string? MetadataFilename { get; set; }
        public bool Disposed { get; private set; }
        public void Dispose() => Disposed = true;
    }
}

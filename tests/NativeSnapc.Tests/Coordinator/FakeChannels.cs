using System;
using System.Collections.Generic;
using NativeSnapc.Channels;
using NativeSnapc.Channels.Fifo;
using NativeSnapc.Channels.Signals;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Tests.Coordinator;

/// <summary>
/// A pipe pair whose far end is a script: the ints the local coordinator "writes" wait in <see cref="ToApp"/>,
/// what the application writes is recorded in <see cref="FromApp"/>. An empty queue is a peer that never writes.
/// </summary>
internal sealed class FakePipes : IHandshakePipes
{
    public FakePipes(string directory, int pid, int id)
    {
        Pid = pid;
        Id = id;
        ReadPath = $"{directory}/opal_cr_prog_read.{pid}_{id}";
        WritePath = $"{directory}/opal_cr_prog_write.{pid}_{id}";
    }

    public int Pid { get; }
    public int Id { get; }
    public string ReadPath { get; }
    public string WritePath { get; }

    public Queue<int> ToApp { get; } = new();
    public List<int> FromApp { get; } = new();
    public ChannelResult OpenResult { get; set; } = ChannelResult.Success;

    /// <summary>After this many successful reads the peer is gone (-1: never).</summary>
    public int PeerDiesAfterReads { get; set; } = -1;

    public bool Opened { get; private set; }
    public bool Removed { get; private set; }
    private int _reads;

    public ChannelResult Open()
    {
        Opened = OpenResult.Ok;
        return OpenResult;
    }

    public bool PeerJoined => Opened && !Removed && _reads > 0;

    public ChannelResult ReadInt32(TimeSpan bound, out int value)
    {
        value = 0;
        if (!Opened || Removed)
        {
            return ChannelResult.Fail(ChannelFailure.SystemError, "not open", 9);
        }
        if (PeerDiesAfterReads >= 0 && _reads >= PeerDiesAfterReads)
        {
            return ChannelResult.Fail(ChannelFailure.PeerGone, "peer died");
        }
        if (ToApp.Count == 0)
        {
            return ChannelResult.Fail(ChannelFailure.TimedOut, "peer silent");
        }
        _reads++;
        value = ToApp.Dequeue();
        return ChannelResult.Success;
    }

    public ChannelResult WriteInt32(int value, TimeSpan bound)
    {
        if (!Opened || Removed)
        {
            return ChannelResult.Fail(ChannelFailure.SystemError, "not open", 9);
        }
        if (PeerDiesAfterReads >= 0 && _reads >= PeerDiesAfterReads)
        {
            return ChannelResult.Fail(ChannelFailure.PeerGone, "peer died", 32);
        }
        FromApp.Add(value);
        return ChannelResult.Success;
    }

    public void RemoveNames() => NamesRemoved = true;

    public bool NamesRemoved { get; private set; }

    public void CloseAndRemove() => Removed = true;

    public void Dispose() => CloseAndRemove();

    /// <summary>What a local coordinator sends for one checkpoint: options, handle, sentinel, release.</summary>
    public FakePipes ScriptCheckpoint(uint handle = 7, bool allMigrating = false, bool migrating = false, bool term = false,
        bool stop = false, bool incPrepOnly = false, bool release = true)
    {
        foreach (var option in new[] { allMigrating, migrating, term, stop, incPrepOnly, false })
        {
            ToApp.Enqueue(option ? 1 : 0);
        }
        ToApp.Enqueue(unchecked((int)handle));
        ToApp.Enqueue(0); // sentinel
        if (release)
        {
            ToApp.Enqueue(0);
        }
        return this;
    }
}

internal sealed class FakePipeFactory : IHandshakePipeFactory
{
    public List<FakePipes> Created { get; } = new();

    /// <summary>Scripts each new pair; by default a normal checkpoint.</summary>
    public Action<FakePipes> Script { get; set; } = pipes => pipes.ScriptCheckpoint();

    public IHandshakePipes Create(string directory, int pid, int uniqueId)
    {
        var pipes = new FakePipes(directory, pid, uniqueId);
        Script(pipes);
        Created.Add(pipes);
        return pipes;
    }
}

/// <summary>Behaves as the C handler does (src/shim/checkpoint_signal.c) when <see cref="Raise"/> is called.</summary>
internal sealed class FakeSignal(FakeHost host) : ICheckpointSignal
{
    private long _ignored;

    public bool Installed { get; private set; }
    public int SignalNumber { get; private set; }
    public nint Cell { get; private set; }
    public bool CheckpointActive { get; private set; }
    public ChannelResult InstallResult { get; set; } = ChannelResult.Success;

    public ChannelResult Install(int signalNumber, nint requestCell)
    {
        if (!InstallResult.Ok)
        {
            return InstallResult;
        }
        Installed = true;
        SignalNumber = signalNumber;
        Cell = requestCell;
        return ChannelResult.Success;
    }

    public ChannelResult Restore()
    {
        Installed = false;
        return ChannelResult.Success;
    }

    public void EndCheckpoint() => CheckpointActive = false;

    public long TakeIgnoredRequests()
    {
        var ignored = _ignored;
        _ignored = 0;
        return ignored;
    }

    public void Raise()
    {
        if (!Installed)
        {
            return;
        }
        if (CheckpointActive)
        {
            _ignored++;
            return;
        }
        CheckpointActive = true;
        host.CheckpointRequest = OpalCrCkptCmdState.StatusRequested;
    }
}

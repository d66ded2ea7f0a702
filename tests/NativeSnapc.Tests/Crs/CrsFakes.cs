using System;
using System.Collections.Generic;
using System.Text;
using NativeSnapc.Channels.Files;
using NativeSnapc.Crs;

namespace NativeSnapc.Tests.Crs;

/// <summary>The application's callbacks, recording calls; what the checkpoint callback gives is configurable.</summary>
internal sealed class FakeCallbacks : ISelfCallbacks
{
    public string Prefix { get; init; } = SelfSettings.DefaultPrefix;
    public bool HasCheckpoint { get; init; } = true;
    public bool HasContinue { get; init; } = true;
    public bool HasRestart { get; init; } = true;

    public int CheckpointReturn { get; set; }
    public byte[]? RestartCommand { get; set; } = Encoding.UTF8.GetBytes("./app --restart");
    public int ContinueReturn { get; set; }
    public int RestartReturn { get; set; }

    public List<string> Calls { get; } = [];
    public string? DirectorySeen { get; private set; }

    /// <summary>Runs inside the checkpoint callback (e.g. to look at the metadata file meanwhile).</summary>
    public Action? DuringCheckpoint { get; set; }

    public SelfCheckpointCallbackResult Checkpoint(string? snapshotDirectory)
    {
        Calls.Add("checkpoint");
        DirectorySeen = snapshotDirectory;
        DuringCheckpoint?.Invoke();
        return new SelfCheckpointCallbackResult(CheckpointReturn, RestartCommand);
    }

    public int Continue()
    {
        Calls.Add("continue");
        return ContinueReturn;
    }

    public int Restart()
    {
        Calls.Add("restart");
        return RestartReturn;
    }
}

/// <summary>The process as the checkpointer sees it: records environment changes and what it would run.</summary>
internal sealed class FakeSelfHost : ISelfHost
{
    public bool IsTool { get; set; }
    public FakeCallbacks Callbacks { get; set; } = new();
    public List<string> PrefixesLookedUp { get; } = [];
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);
    public string? SetEnvironmentError { get; set; }
    public List<IReadOnlyList<string>> Executed { get; } = [];
    public List<IReadOnlyList<string>> Spawned { get; } = [];
    public string ExecError { get; set; } = "execvp: No such file or directory (errno 2)";
    public string? SpawnError { get; set; }
    public int NextPid { get; set; } = 4321;

    /// <summary>Every action in order, for ordering assertions (env:NAME=value, exec:..., spawn:...).</summary>
    public List<string> Actions { get; } = [];

    public ISelfCallbacks FindCallbacks(string prefix)
    {
        PrefixesLookedUp.Add(prefix);
        // As the real host: an empty prefix finds nothing.
        return prefix.Length == 0 ? new FakeCallbacks { Prefix = "", HasCheckpoint = false, HasContinue = false, HasRestart = false } : Callbacks;
    }

    public string EnvironmentName(string parameter) => "OMPI_MCA_" + parameter;

    public string? SetEnvironment(string name, string value)
    {
        if (SetEnvironmentError is not null)
        {
            return SetEnvironmentError;
        }
        Environment[name] = value;
        Actions.Add($"env:{name}={value}");
        return null;
    }

    public string Exec(IReadOnlyList<string> argv)
    {
        Executed.Add(argv);
        Actions.Add("exec:" + string.Join(' ', argv));
        return ExecError;
    }

    public string? Spawn(IReadOnlyList<string> argv, out int pid)
    {
        Actions.Add("spawn:" + string.Join(' ', argv));
        if (SpawnError is not null)
        {
            pid = 0;
            return SpawnError;
        }
        Spawned.Add(argv);
        pid = NextPid;
        return null;
    }
}

/// <summary>The caller's snapshot, recording what the checkpointer does to it.</summary>
internal sealed class FakeCallerCrsSnapshot : ICallerCrsSnapshot
{
    public string? MetadataFilename { get; init; }
    public string? SnapshotDirectory { get; init; }
    public string? ComponentName { get; private set; }
    public List<string> Calls { get; } = [];

    public void FlushMetadataStream() => Calls.Add("flush");

    public void CloseMetadataStream() => Calls.Add("close");

    public void SetComponentName(string name)
    {
        Calls.Add("name:" + name);
        ComponentName = name;
    }
}

/// <summary>Metadata files in memory, with injectable failures.</summary>
internal sealed class MemoryMetadataFiles : IMetadataFiles
{
    public Dictionary<string, byte[]> Files { get; } = new(StringComparer.Ordinal);
    public string? ReadError { get; set; }
    public string? WriteError { get; set; }
    public int Writes { get; private set; }

    public MetadataRead Read(string path, int maxBytes)
    {
        if (ReadError is not null)
        {
            return MetadataRead.Failed(ReadError);
        }
        return Files.TryGetValue(path, out var content) ? MetadataRead.Found(content) : MetadataRead.NotFound();
    }

    public string? ReplaceDurably(string path, byte[] content)
    {
        if (WriteError is not null)
        {
            return WriteError;
        }
        Writes++;
        Files[path] = content;
        return null;
    }

    public string Text(string path) => Encoding.UTF8.GetString(Files[path]);
}

/// <summary>An environment array in memory.</summary>
internal sealed class FakeEnvironmentArray : IEnvironmentArray
{
    public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);
    public string? Error { get; set; }

    public string? Set(string name, string value)
    {
        if (Error is not null)
        {
            return Error;
        }
        Values[name] = value;
        return null;
    }
}

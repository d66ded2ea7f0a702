using System;
using System.Runtime.InteropServices;
using NativeSnapc.Crs;

namespace NativeSnapc.Host.OpenMpi;

/// <summary>
/// The application's <c>&lt;prefix&gt;_checkpoint</c>, <c>_continue</c> and <c>_restart</c>, found by name in the
/// process's global scope (as the original's dlsym(RTLD_DEFAULT, name)) unless the program registered its own
/// through the C/R API (<see cref="SelfCallbackRegistry"/>), which wins. An empty prefix finds nothing by name.
/// </summary>
internal sealed unsafe class SelfCallbacks : ISelfCallbacks
{
    private readonly delegate* unmanaged[Cdecl]<byte**, int> _checkpoint;
    private readonly delegate* unmanaged[Cdecl]<int> _continue;
    private readonly delegate* unmanaged[Cdecl]<int> _restart;

    private SelfCallbacks(string prefix, nint checkpoint, nint @continue, nint restart)
    {
        Prefix = prefix;
        _checkpoint = (delegate* unmanaged[Cdecl]<byte**, int>)checkpoint;
        _continue = (delegate* unmanaged[Cdecl]<int>)@continue;
        _restart = (delegate* unmanaged[Cdecl]<int>)restart;
    }

    /// <summary>Each callback: the one registered through the C/R API if any, else the one named <paramref name="prefix"/>_….</summary>
    public static SelfCallbacks Find(string prefix) =>
        new(prefix,
            Either(SelfCallbackRegistry.Checkpoint, prefix, "_checkpoint"),
            Either(SelfCallbackRegistry.Continue, prefix, "_continue"),
            Either(SelfCallbackRegistry.Restart, prefix, "_restart"));

    private static nint Either(nint registered, string prefix, string suffix) =>
        registered != 0 ? registered : string.IsNullOrEmpty(prefix) ? 0 : HostSymbols.ResolveGlobal(prefix + suffix);

    public string Prefix { get; }

    public bool HasCheckpoint => _checkpoint != null;

    public bool HasContinue => _continue != null;

    public bool HasRestart => _restart != null;

    public SelfCheckpointCallbackResult Checkpoint(string? snapshotDirectory)
    {
        if (_checkpoint == null)
        {
            throw new InvalidOperationException($"{Prefix}_checkpoint was not found");
        }
        byte* restartCommand = null;
        var directory = HostString.Duplicate(snapshotDirectory);
        int rc;
        CheckpointInProgress.Publish((nint)directory);
        try
        {
            rc = _checkpoint(&restartCommand);
        }
        finally
        {
            CheckpointInProgress.Publish(0);
            HostString.Free(directory);
        }
        if (restartCommand is null)
        {
            return new SelfCheckpointCallbackResult(rc, null);
        }
        // The application malloc'ed it; the checkpointer frees it, as the original did.
        var command = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(restartCommand).ToArray();
        HostString.Free(restartCommand);
        return new SelfCheckpointCallbackResult(rc, command);
    }

    public int Continue() => _continue != null ? _continue() : throw new InvalidOperationException($"{Prefix}_continue was not found");

    public int Restart() => _restart != null ? _restart() : throw new InvalidOperationException($"{Prefix}_restart was not found");
}

using System;
using System.Collections.Concurrent;
using System.IO;
using NativeSnapc.Command.Diagnostics;

namespace NativeSnapc.Command.Local;

/// <summary>
/// Wakes a handshake when the FIFO it waits for is created in the node directory (inotify, through
/// FileSystemWatcher), so that a node's handshakes need not poll the directory while their ranks reach their
/// checkpoint. A hint only: the handshake still looks for itself at a slow pace, in case an event is lost (the
/// inotify queue overflows) or no watch could be set up.
/// </summary>
internal sealed class FifoArrivals : IDisposable
{
    private readonly FileSystemWatcher? _watcher;
    private readonly ConcurrentDictionary<string, System.Threading.ManualResetEventSlim> _waiting = new(StringComparer.Ordinal);

    public FifoArrivals(string directory)
    {
        try
        {
            _watcher = new FileSystemWatcher(directory, "opal_cr_prog_*")
            {
                NotifyFilter = NotifyFilters.FileName,
                IncludeSubdirectories = false,
            };
            _watcher.Created += (_, e) => Arrived(e.FullPath);
            _watcher.Renamed += (_, e) => Arrived(e.FullPath);
            _watcher.EnableRaisingEvents = true;
        }
        catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            Log.Verbose(1, $"no inotify watch on {directory} ({e.Message}); handshakes look for their FIFOs by polling");
            _watcher?.Dispose();
            _watcher = null;
        }
    }

    /// <summary>Whether arrivals are reported (else waits just sleep).</summary>
    public bool Watching => _watcher is not null;

    /// <summary>
    /// Waits at most <paramref name="bound"/> for <paramref name="path"/> to be created; returns early when it is
    /// (or at once when it was created since the last <see cref="Forget"/>). Look for the file after the call.
    /// </summary>
    public void Wait(string path, TimeSpan bound)
    {
        var arrived = _waiting.GetOrAdd(path, _ => new System.Threading.ManualResetEventSlim(false));
        arrived.Wait(bound);
    }

    /// <summary>The handshake found its FIFO (or gave up): no more waits for it.</summary>
    public void Forget(string path)
    {
        if (_waiting.TryRemove(path, out var arrived))
        {
            arrived.Dispose();
        }
    }

    private void Arrived(string path)
    {
        if (_waiting.TryGetValue(path, out var arrived))
        {
            try
            {
                arrived.Set();
            }
            catch (ObjectDisposedException)
            {
                // forgotten meanwhile: nobody waits
            }
        }
    }

    public void Dispose() => _watcher?.Dispose();
}

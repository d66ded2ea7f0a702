using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using Mono.Unix.Native;
using NativeSnapc.Channels.Fifo;
using NativeSnapc.Tests.Support;
using NUnit.Framework;

namespace NativeSnapc.Tests.Channels;

/// <summary>Scratch directories, unique pipe ids and file-type checks for the FIFO tests.</summary>
internal static class FifoTestSupport
{
    private static int s_next;

    // One root per test run, emptied at its first use: earlier runs' leftovers go, this run's stay for inspection.
    private static readonly Lazy<string> s_root = new(() => TestEnvironment.ScratchDir("channels-fifo"));

    /// <summary>Generous bounds for steps that must succeed; the tests that measure bounds pass their own.</summary>
    public static readonly TimeSpan Patient = TimeSpan.FromSeconds(10);

    /// <summary>A fresh empty directory for one test.</summary>
    public static string FreshDirectory() =>
        Directory.CreateDirectory(Path.Combine(s_root.Value, Interlocked.Increment(ref s_next).ToString(System.Globalization.CultureInfo.InvariantCulture))).FullName;

    /// <summary>A pipe pair in <paramref name="directory"/> with this process's pid and an id no other test uses.</summary>
    public static HandshakePipes NewPipes(string directory) =>
        new(directory, Environment.ProcessId, Interlocked.Increment(ref s_next));

    /// <summary>The file type at <paramref name="path"/> without following links, or null when nothing is there.</summary>
    public static FilePermissions? TypeAt(string path)
    {
        if (Syscall.lstat(path, out var status) != 0)
        {
            Assert.That(Stdlib.GetLastError(), Is.EqualTo(Errno.ENOENT), $"lstat {path}");
            return null;
        }
        return status.st_mode & FilePermissions.S_IFMT;
    }

    public static ulong InodeOf(string path)
    {
        Assert.That(Syscall.lstat(path, out var status), Is.EqualTo(0), $"lstat {path}");
        return status.st_ino;
    }

    public static void MakeFifo(string path) =>
        Assert.That(Syscall.mkfifo(path, FilePermissions.S_IRUSR | FilePermissions.S_IWUSR), Is.EqualTo(0), $"mkfifo {path}: {Stdlib.GetLastError()}");

    public static void AssertGone(params string[] paths)
    {
        foreach (var path in paths)
        {
            Assert.That(TypeAt(path), Is.Null, $"{path} should have been removed");
        }
    }

    /// <summary>Time since <paramref name="since"/> (a Stopwatch timestamp) until <paramref name="until"/>.</summary>
    public static TimeSpan Between(long since, long until) => Stopwatch.GetElapsedTime(since, until);

    /// <summary>Opens <paramref name="pipes"/> while a <see cref="FifoPeer"/> joins from another thread.</summary>
    public static FifoPeer OpenWithThreadPeer(HandshakePipes pipes)
    {
        var joining = FifoPeer.JoinInBackground(pipes.ReadPath, pipes.WritePath, Patient);
        var opened = pipes.Open();
        Assert.That(opened.Ok, Is.True, () => $"Open: {opened}");
        Assert.That(joining.Wait(Patient), Is.True, "the peer did not join");
        return joining.Result;
    }

    /// <summary>Runs <paramref name="action"/> on a new thread after <paramref name="delay"/> (a peer dying while the app waits).</summary>
    public static Thread After(TimeSpan delay, Action action)
    {
        var thread = new Thread(() =>
        {
            Thread.Sleep(delay);
            action();
        })
        { IsBackground = true, Name = "peer-death" };
        thread.Start();
        return thread;
    }

    public static string ReadAll(string path) => File.ReadAllText(path);
}

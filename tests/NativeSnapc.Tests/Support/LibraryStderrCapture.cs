using System;
using System.IO;
using System.Runtime.InteropServices;

namespace NativeSnapc.Tests.Support;

/// <summary>
/// What the built NativeAOT library writes to stderr, for the fixtures that call it through P/Invoke in this
/// process (no Open MPI here, so its log goes straight to descriptor 2). One capture file for the whole test
/// run, put on descriptor 2 while a fixture holds it.
/// </summary>
internal static partial class LibraryStderrCapture
{
    private const int StderrFileno = 2;
    private static readonly object s_lock = new();
    private static string? s_path;
    private static FileStream? s_file;
    private static int s_fd = -1;
    private static int s_savedStderr = -1;
    private static int s_holders;

    [LibraryImport("libc", EntryPoint = "dup", SetLastError = true)]
    private static partial int Dup(int fd);

    [LibraryImport("libc", EntryPoint = "dup2", SetLastError = true)]
    private static partial int Dup2(int fd, int fd2);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    /// <summary>The capture file (created empty on first use).</summary>
    public static string Path
    {
        get
        {
            lock (s_lock)
            {
                if (s_path is null)
                {
                    var directory = System.IO.Path.Combine(TestEnvironment.BuildDir, "nunit-scratch");
                    Directory.CreateDirectory(directory);
                    s_path = System.IO.Path.Combine(directory, $"library-stderr.{Environment.ProcessId}.txt");
                    s_file = new FileStream(s_path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite);
                    // Taken once: FileStream.SafeFileHandle seeks the shared file offset back to the stream's own
                    // position (0, it never writes) every time it is read, and the library writes at that offset.
                    s_fd = (int)s_file.SafeFileHandle.DangerousGetHandle();
                }
                return s_path;
            }
        }
    }

    /// <summary>Points descriptor 2 at the capture file until the last holder releases it.</summary>
    public static void Acquire()
    {
        _ = Path;
        lock (s_lock)
        {
            if (s_holders++ == 0)
            {
                s_savedStderr = Dup(StderrFileno);
                if (s_savedStderr < 0 || Dup2(s_fd, StderrFileno) != StderrFileno)
                {
                    throw new InvalidOperationException("cannot redirect descriptor 2 to " + s_path);
                }
            }
        }
    }

    public static void Release()
    {
        lock (s_lock)
        {
            if (s_holders > 0 && --s_holders == 0 && s_savedStderr >= 0)
            {
                Dup2(s_savedStderr, StderrFileno);
                Close(s_savedStderr);
                s_savedStderr = -1;
            }
        }
    }

    /// <summary>Calls into the library and returns its status and what it wrote to stderr meanwhile.</summary>
    public static (int Rc, string Log) Call(Func<int> call)
    {
        var mark = Mark();
        var rc = call();
        return (rc, Since(mark));
    }

    /// <summary>The capture's current end, for <see cref="Since"/> (for calls a lambda cannot make, such as with addresses of locals).</summary>
    public static long Mark() => new FileInfo(Path).Length;

    /// <summary>What the library wrote to stderr since <paramref name="mark"/>.</summary>
    public static string Since(long mark)
    {
        using var reader = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        reader.Seek(mark, SeekOrigin.Begin);
        return new StreamReader(reader).ReadToEnd();
    }

    /// <summary>Whether anything of the library's stderr ever reached the capture file.</summary>
    public static bool CapturedAnything => new FileInfo(Path).Length > 0;
}

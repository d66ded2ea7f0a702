using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using NativeSnapc.Command.Global;
using NativeSnapc.Interop;

namespace NativeSnapc.Command.Cli;

/// <summary>Where jobs live: <c>$TMPDIR/native-snapc-&lt;uid&gt;/&lt;job id&gt;</c> (job id = pid of `native-snapc run`).</summary>
internal static class Jobs
{
    public static string RuntimeBase()
    {
        var tmp = Environment.GetEnvironmentVariable("TMPDIR");
        if (string.IsNullOrEmpty(tmp))
        {
            tmp = "/tmp";
        }
        return Path.Combine(tmp, $"native-snapc-{Libc.GetUid()}");
    }

    public static string RuntimeDirectory(int jobId) => Path.Combine(RuntimeBase(), jobId.ToString(CultureInfo.InvariantCulture));

    /// <summary>sun_path holds 107 bytes and a NUL.</summary>
    public const int MaxSocketPath = 107;

    /// <summary>
    /// Null when the job's sockets fit in a Unix socket address — <c>control.sock</c> in the runtime directory and
    /// <c>&lt;node&gt;/local.sock</c> for a node name as long as this host's — else what to do about it.
    /// </summary>
    public static string? SocketPathProblem(string runtimeDirectory)
    {
        var host = Libc.GetHostName() ?? string.Empty;
        var longest = System.Text.Encoding.UTF8.GetByteCount(Path.Combine(runtimeDirectory, string.IsNullOrEmpty(host) ? "localhost" : host, "local.sock"));
        var control = System.Text.Encoding.UTF8.GetByteCount(Path.Combine(runtimeDirectory, ControlServer.SocketName));
        var length = Math.Max(longest, control);
        return length <= MaxSocketPath
            ? null
            : $"the job's runtime directory {runtimeDirectory} is too long for its Unix sockets ({length} bytes, at most {MaxSocketPath}): set TMPDIR to a shorter directory";
    }

    /// <summary>Jobs of this user whose `run` is alive and has a control socket.</summary>
    public static IReadOnlyList<int> Running()
    {
        var jobs = new List<int>();
        if (!Directory.Exists(RuntimeBase()))
        {
            return jobs;
        }
        foreach (var directory in Directory.EnumerateDirectories(RuntimeBase()))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && File.Exists(Path.Combine(directory, ControlServer.SocketName))
                && Libc.Kill(pid, 0).RawErrno != Libc.ESRCH)
            {
                jobs.Add(pid);
            }
        }
        return jobs.OrderBy(j => j).ToArray();
    }

    /// <summary>The job named, or the only one running; null with a message and exit code otherwise.</summary>
    public static int? Resolve(int? named, out string? error)
    {
        error = null;
        var running = Running();
        if (named is { } job)
        {
            if (running.Contains(job))
            {
                return job;
            }
            error = $"no running job {job} of this user (jobs are the pids of `native-snapc run`; running: {(running.Count == 0 ? "none" : string.Join(", ", running))})";
            return null;
        }
        if (running.Count == 1)
        {
            return running[0];
        }
        error = running.Count == 0
            ? "no job of this user is running under `native-snapc run`"
            : $"several jobs are running ({string.Join(", ", running)}): name one";
        return null;
    }
}

using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using NativeSnapc.Tests.Support;
using NUnit.Framework;

namespace NativeSnapc.Tests.Channels;

/// <summary>
/// The local coordinator as a separate process, doing exactly what snapc_full_local.c does on its side of the
/// FIFOs (docs/protocol.md#local-coordinator-checklist): poll for both files every 1 ms, blocking open(A, O_WRONLY),
/// blocking open(B, O_RDONLY), then plain blocking reads and writes of native ints, following a script. It reports each
/// step on stdout, so a test can kill it at a known point.
/// </summary>
internal sealed class PeerProcess : IDisposable
{
    /// <summary>
    /// Arguments: A B max_wait_ms command... Commands: w&lt;n&gt; write int n to A; b&lt;k&gt; write only the first k bytes
    /// of an int; r read an int from B; e read an int from B and echo it to A if it is 0 (the sentinel, step 6);
    /// c close both ends; h hold until killed.
    /// </summary>
    public const string Source = """
        #define _GNU_SOURCE
        #include <errno.h>
        #include <fcntl.h>
        #include <stdarg.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <unistd.h>

        static void say(const char *format, ...)
        {
            va_list args;
            va_start(args, format);
            vprintf(format, args);
            va_end(args);
            putchar('\n');
            fflush(stdout);
        }

        int main(int argc, char **argv)
        {
            if (argc < 4) {
                say("usage: A B max_wait_ms command...");
                return 2;
            }
            const char *a = argv[1], *b = argv[2];
            const long max_wait_ms = atol(argv[3]);
            for (long waited = 0; 0 != access(a, F_OK) || 0 != access(b, F_OK); ++waited) {
                if (waited >= max_wait_ms) {
                    say("timeout waiting for the FIFOs");
                    return 3;
                }
                usleep(1000);
            }
            int to_app = open(a, O_WRONLY);
            if (to_app < 0) {
                say("open A failed: errno %d", errno);
                return 4;
            }
            int from_app = open(b, O_RDONLY);
            if (from_app < 0) {
                say("open B failed: errno %d", errno);
                return 5;
            }
            say("opened");
            for (int i = 4; i < argc; ++i) {
                const char *command = argv[i];
                int value = 0;
                switch (command[0]) {
                case 'w':
                    value = atoi(command + 1);
                    if ((ssize_t)sizeof value != write(to_app, &value, sizeof value)) {
                        say("write failed: errno %d", errno);
                        return 6;
                    }
                    say("wrote %d", value);
                    break;
                case 'b': {
                    const int count = atoi(command + 1);
                    value = 0x01020304;
                    if (count != write(to_app, &value, count)) {
                        say("short write failed: errno %d", errno);
                        return 7;
                    }
                    say("wrote %d bytes", count);
                    break;
                }
                case 'r':
                case 'e': {
                    const ssize_t got = read(from_app, &value, sizeof value);
                    if ((ssize_t)sizeof value != got) {
                        say("read failed: %zd, errno %d", got, errno);
                        return 8;
                    }
                    say("read %d", value);
                    if ('e' == command[0] && 0 == value) {
                        if ((ssize_t)sizeof value != write(to_app, &value, sizeof value)) {
                            say("echo failed: errno %d", errno);
                            return 9;
                        }
                        say("echoed %d", value);
                    }
                    break;
                }
                case 'c':
                    close(to_app);
                    close(from_app);
                    say("closed");
                    break;
                case 'h':
                    say("holding");
                    for (;;) {
                        pause();
                    }
                default:
                    say("unknown command %s", command);
                    return 10;
                }
            }
            say("done");
            return 0;
        }
        """;

    private static readonly Lazy<string> s_binary = new(() =>
        NativeToolchain.CompileC(TestEnvironment.ScratchDir("channels-peer"), "local_coordinator_peer", Source));

    private readonly Process _process;
    private readonly BlockingCollection<string> _lines = new();
    private readonly StringBuilder _transcript = new();

    private PeerProcess(Process process)
    {
        _process = process;
    }

    /// <summary>When <see cref="Kill"/> sent SIGKILL.</summary>
    public long KilledAt { get; private set; }

    public static PeerProcess Start(string appReadPath, string appWritePath, TimeSpan maxWait, params string[] script)
    {
        var start = new ProcessStartInfo(s_binary.Value)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(appReadPath);
        start.ArgumentList.Add(appWritePath);
        start.ArgumentList.Add(((long)maxWait.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var command in script)
        {
            start.ArgumentList.Add(command);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start the peer process");
        var peer = new PeerProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            // Runs on a thread-pool thread: an exception here would end the test host.
            try
            {
                if (e.Data is null)
                {
                    peer._lines.CompleteAdding();
                    return;
                }
                lock (peer._transcript)
                {
                    peer._transcript.AppendLine(e.Data);
                }
                peer._lines.Add(e.Data);
            }
            catch (InvalidOperationException)
            {
                // a line after the end of output: nothing waits for it
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (peer._transcript)
                {
                    peer._transcript.AppendLine("stderr: " + e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return peer;
    }

    public string Transcript
    {
        get
        {
            lock (_transcript)
            {
                return _transcript.ToString();
            }
        }
    }

    /// <summary>Waits for the line <paramref name="expected"/>, returning the lines before it; fails the test after <paramref name="bound"/>.</summary>
    public IReadOnlyList<string> WaitForLine(string expected, TimeSpan bound)
    {
        var seen = new List<string>();
        var start = Stopwatch.GetTimestamp();
        while (true)
        {
            var left = bound - Stopwatch.GetElapsedTime(start);
            if (left <= TimeSpan.Zero || !_lines.TryTake(out var line, left))
            {
                Assert.Fail($"the peer process did not print \"{expected}\" within {bound.TotalSeconds} s; transcript:\n{Transcript}");
                return seen;
            }
            if (line == expected)
            {
                return seen;
            }
            seen.Add(line);
        }
    }

    /// <summary>SIGKILL: the local coordinator dies, and the kernel closes its ends of both FIFOs.</summary>
    public void Kill()
    {
        KilledAt = Stopwatch.GetTimestamp();
        _process.Kill();
        Assert.That(_process.WaitForExit(5000), Is.True, "the killed peer process did not exit");
    }

    public int WaitForExit(TimeSpan bound)
    {
        if (!_process.WaitForExit((int)bound.TotalMilliseconds))
        {
            Assert.Fail($"the peer process did not exit within {bound.TotalSeconds} s; transcript:\n{Transcript}");
        }
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _process.Dispose();
    }
}

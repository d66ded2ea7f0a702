using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NativeSnapc.Tests.Support;
using NUnit.Framework;

namespace NativeSnapc.Tests.Protocol.Dss;

/// <summary>
/// The long-lived tests/dss/dss_oracle process: the real libopen-pal's opal_dss behind a line protocol
/// (request and response grammar in tests/dss/dss_oracle.c). Requests are pipelined: a batch is written
/// by one thread while the responses are read, so thousands of requests cost one pipe round trip each
/// way at most.
/// </summary>
internal sealed class DssOracle : IDisposable
{
    private static readonly TimeSpan BatchTimeout = TimeSpan.FromMinutes(5);
    private static readonly object SharedLock = new();
    private static DssOracle? _shared;

    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly object _askLock = new();

    private DssOracle(string path)
    {
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = new UTF8Encoding(false),
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + path);
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    // the library's mismatch messages are expected; keep the tail for diagnostics only
                    if (_stderr.Length > 64 * 1024) _stderr.Remove(0, _stderr.Length - 32 * 1024);
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        _process.BeginErrorReadLine();
        var ready = ReadLine(TimeSpan.FromMinutes(1));
        if (ready != "READY")
        {
            Fail($"dss_oracle did not start: first line {ready ?? "<eof>"}");
        }
    }

    /// <summary>One oracle for the whole Dss namespace, started on first use (see <see cref="DssOracleLifetime"/>).</summary>
    public static DssOracle Shared
    {
        get
        {
            lock (SharedLock)
            {
                if (_shared is null || _shared._process.HasExited)
                {
                    _shared?.Dispose();
                    _shared = new DssOracle(TestEnvironment.BuiltTool("dss/dss_oracle"));
                }
                return _shared;
            }
        }
    }

    public static void DisposeShared()
    {
        lock (SharedLock)
        {
            _shared?.Dispose();
            _shared = null;
        }
    }

    public string Ask(string request) => Ask(new[] { request })[0];

    /// <summary>Sends every request and returns the response lines in order; an "E" response fails the test.</summary>
    public IReadOnlyList<string> Ask(IReadOnlyList<string> requests)
    {
        lock (_askLock)
        {
            var writer = Task.Run(() =>
            {
                var stdin = _process.StandardInput;
                foreach (var request in requests)
                {
                    stdin.Write(request);
                    stdin.Write('\n');
                }
                stdin.Flush();
            });
            var responses = new List<string>(requests.Count);
            var deadline = Stopwatch.StartNew();
            foreach (var request in requests)
            {
                var remaining = BatchTimeout - deadline.Elapsed;
                var line = ReadLine(remaining > TimeSpan.Zero ? remaining : TimeSpan.FromSeconds(1));
                if (line is null)
                {
                    Fail($"dss_oracle ended or stalled while answering: {Shorten(request)}");
                }
                if (line!.StartsWith("E ", StringComparison.Ordinal))
                {
                    Fail($"dss_oracle rejected a request ({line}): {Shorten(request)}");
                }
                responses.Add(line);
            }
            if (!writer.Wait(TimeSpan.FromMinutes(1)))
            {
                Fail("writing requests to dss_oracle did not finish");
            }
            return responses;
        }
    }

    private string? ReadLine(TimeSpan timeout)
    {
        var read = _process.StandardOutput.ReadLineAsync();
        if (!read.Wait(timeout))
        {
            try { _process.Kill(); } catch (InvalidOperationException) { }
            return null;
        }
        return read.Result;
    }

    private void Fail(string message)
    {
        Thread.Sleep(100); // let the stderr reader catch up
        string stderr;
        lock (_stderr) stderr = _stderr.ToString();
        var exited = _process.HasExited ? $" (exited with {_process.ExitCode})" : "";
        Assert.Fail($"{message}{exited}\n--- dss_oracle stderr (tail) ---\n{stderr}");
    }

    private static string Shorten(string request) => request.Length <= 400 ? request : request[..400] + "…";

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.Write("Q\n");
                _process.StandardInput.Flush();
                _process.StandardInput.Close();
                if (!_process.WaitForExit(10_000))
                {
                    _process.Kill();
                }
            }
        }
        catch (Exception e) when (e is InvalidOperationException or System.IO.IOException)
        {
            // already gone
        }
        _process.Dispose();
    }
}

/// <summary>Stops the shared oracle after the last test of the namespace.</summary>
[SetUpFixture]
public sealed class DssOracleLifetime
{
    [OneTimeTearDown]
    public void StopOracle() => DssOracle.DisposeShared();
}

using System;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading;
using NativeSnapc.Command.Diagnostics;

namespace NativeSnapc.Command.Global;

/// <summary>
/// The control socket of a running job (<c>&lt;runtime dir&gt;/control.sock</c>, in a 0700 directory, so only
/// the user reaches it): one request line — <c>checkpoint</c>, <c>checkpoint term</c> or <c>status</c> — then
/// for a checkpoint zero or more <c>progress &lt;state&gt;</c> lines and one JSON object line with the result;
/// for status one JSON object line (docs/runtime.md).
/// </summary>
internal sealed class ControlServer : IDisposable
{
    public const string SocketName = "control.sock";
    private readonly Socket _listener;
    private readonly GlobalCoordinator _coordinator;
    private readonly int _jobId;
    private readonly string _path;
    private int _serving;

    public ControlServer(string runtimeDirectory, GlobalCoordinator coordinator, int jobId)
    {
        _coordinator = coordinator;
        _jobId = jobId;
        _path = Path.Combine(runtimeDirectory, SocketName);
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(_path));
        File.SetUnixFileMode(_path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        _listener.Listen(16);
    }

    public void Start() => new Thread(Accept) { IsBackground = true, Name = "control" }.Start();

    private void Accept()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = _listener.Accept();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
            new Thread(() => Serve(client)) { IsBackground = true, Name = "control client" }.Start();
        }
    }

    private void Serve(Socket client)
    {
        Interlocked.Increment(ref _serving);
        try
        {
            ServeOne(client);
        }
        finally
        {
            Interlocked.Decrement(ref _serving);
        }
    }

    private void ServeOne(Socket client)
    {
        using var stream = new NetworkStream(client, ownsSocket: true);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
        try
        {
            client.ReceiveTimeout = 10_000;
            var line = reader.ReadLine()?.Trim() ?? "";
            switch (line)
            {
                case "status":
                    writer.WriteLine(StatusJson());
                    break;
                case "checkpoint":
                case "checkpoint term":
                    Checkpoint(writer, line.EndsWith("term", StringComparison.Ordinal));
                    break;
                default:
                    writer.WriteLine(ErrorJson($"unknown request '{line}'"));
                    break;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            Log.Verbose(2, $"control client gone: {e.Message}");
        }
    }

    private void Checkpoint(StreamWriter writer, bool term)
    {
        var done = new ManualResetEventSlim(false);
        CheckpointOutcome? outcome = null;
        _coordinator.RequestCheckpoint(term,
            result =>
            {
                outcome = result;
                done.Set();
            },
            state =>
            {
                try
                {
                    writer.WriteLine($"progress {state}");
                }
                catch (Exception e) when (e is IOException or ObjectDisposedException)
                {
                    // the client left; the checkpoint goes on
                }
            });
        // The coordinator bounds every checkpoint; this only guards against a lost answer.
        if (!done.Wait(TimeSpan.FromHours(2)))
        {
            writer.WriteLine(ErrorJson("no answer from the global coordinator"));
            return;
        }
        writer.WriteLine(OutcomeJson(outcome!));
    }

    private string StatusJson()
    {
        var status = _coordinator.Status();
        return Json(w =>
        {
            w.WriteNumber("job", _jobId);
            w.WriteString("state", StateNames.Of(status.JobState));
            w.WriteNumber("ranks_connected", status.RanksConnected);
            w.WriteNumber("ranks", status.ProcessCount);
            w.WriteNumber("nodes", status.Nodes);
            w.WriteBoolean("checkpointable", status.Checkpointable);
            if (status.CurrentSeq is { } current) w.WriteNumber("current_seq", current); else w.WriteNull("current_seq");
            if (status.LastFinishedSeq is { } last) w.WriteNumber("last_finished_seq", last); else w.WriteNull("last_finished_seq");
            w.WriteString("snapshot_dir", status.GlobalDirectory);
        });
    }

    public static string OutcomeJson(CheckpointOutcome outcome) => Json(w =>
    {
        w.WriteString("result", outcome.Succeeded ? "ok" : "error");
        w.WriteNumber("seq", outcome.Seq);
        w.WriteString("snapshot_dir", outcome.GlobalDirectory);
        w.WriteNumber("ranks", outcome.Ranks);
        if (outcome.Error is { } error) w.WriteString("error", error);
    });

    public static string ErrorJson(string message) => Json(w =>
    {
        w.WriteString("result", "error");
        w.WriteString("error", message);
    });

    public static string Json(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Stops accepting; answers being written (a checkpoint the job's end failed) get a moment to go out.</summary>
    public void Dispose()
    {
        _listener.Dispose();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (Volatile.Read(ref _serving) > 0 && watch.Elapsed < TimeSpan.FromSeconds(2))
        {
            Thread.Sleep(10);
        }
        try
        {
            File.Delete(_path);
        }
        catch (IOException)
        {
            // already gone
        }
    }
}

/// <summary>ORTE_SNAPC_CKPT_STATE_* as orte_snapc_ckpt_state_str spells them.</summary>
internal static class StateNames
{
    private static readonly string[] Names =
    [
        "Error", "None", "Requested", "Pending", "Running", "INC Prepared", "Stopped", "Finished Local",
        "Migrating", "Established", "Recovered", "No Checkpoint", "No Restart",
    ];

    public static string Of(int state) => state >= 0 && state < Names.Length ? Names[state] : $"state {state}";
}

using System;
using System.Diagnostics;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using NativeSnapc.Command.Global;

namespace NativeSnapc.Command.Cli;

/// <summary>`native-snapc checkpoint` and `status`: requests over the job's control socket.</summary>
internal static class ControlClient
{
    public static int Checkpoint(int? job, bool term, bool json)
    {
        var resolved = Jobs.Resolve(job, out var error);
        if (resolved is null)
        {
            StandardStreams.Error.WriteLine($"native-snapc checkpoint: {error}");
            return ExitCodes.NoJob;
        }
        var started = Stopwatch.GetTimestamp();
        var showProgress = Interop.Libc.IsATty(2);
        string? result = null;
        var status = Talk(resolved.Value, term ? "checkpoint term" : "checkpoint", line =>
        {
            if (line.StartsWith("progress ", StringComparison.Ordinal))
            {
                if (showProgress && Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(1)
                    && int.TryParse(line.AsSpan(9), out var state))
                {
                    StandardStreams.Error.WriteLine($"native-snapc checkpoint: job {resolved}: {StateNames.Of(state)} ({Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s)");
                }
                return true;
            }
            result = line;
            return false;
        });
        if (status != ExitCodes.Ok)
        {
            return status;
        }
        if (result is null)
        {
            StandardStreams.Error.WriteLine($"native-snapc checkpoint: job {resolved} closed the control connection without a result");
            return ExitCodes.JobUnreachable;
        }
        using var document = JsonDocument.Parse(result);
        var root = document.RootElement;
        var ok = root.TryGetProperty("result", out var r) && r.GetString() == "ok";
        if (json)
        {
            StandardStreams.Out.WriteLine(result);
        }
        else if (ok)
        {
            StandardStreams.Out.WriteLine($"{root.GetProperty("snapshot_dir").GetString()} {root.GetProperty("seq").GetInt32()}");
        }
        if (!ok)
        {
            var message = root.TryGetProperty("error", out var e) ? e.GetString() : "unknown error";
            StandardStreams.Error.WriteLine($"native-snapc checkpoint: job {resolved}: the checkpoint failed: {message}");
            return ExitCodes.CheckpointFailed;
        }
        return ExitCodes.Ok;
    }

    public static int Status(int? job, bool json)
    {
        var resolved = Jobs.Resolve(job, out var error);
        if (resolved is null)
        {
            StandardStreams.Error.WriteLine($"native-snapc status: {error}");
            return ExitCodes.NoJob;
        }
        string? answer = null;
        var status = Talk(resolved.Value, "status", line =>
        {
            answer = line;
            return false;
        });
        if (status != ExitCodes.Ok || answer is null)
        {
            return status == ExitCodes.Ok ? ExitCodes.JobUnreachable : status;
        }
        if (json)
        {
            StandardStreams.Out.WriteLine(answer);
            return ExitCodes.Ok;
        }
        using var document = JsonDocument.Parse(answer);
        var root = document.RootElement;
        string Number(string name) => root.GetProperty(name).ValueKind == JsonValueKind.Null ? "none" : root.GetProperty(name).GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture);
        StandardStreams.Out.WriteLine($"job:               {root.GetProperty("job").GetInt32()}");
        StandardStreams.Out.WriteLine($"state:             {root.GetProperty("state").GetString()}");
        StandardStreams.Out.WriteLine($"ranks:             {root.GetProperty("ranks_connected").GetInt32()} of {root.GetProperty("ranks").GetInt32()} connected, on {root.GetProperty("nodes").GetInt32()} nodes");
        StandardStreams.Out.WriteLine($"checkpointable:    {(root.GetProperty("checkpointable").GetBoolean() ? "yes" : "no")}");
        StandardStreams.Out.WriteLine($"last finished seq: {Number("last_finished_seq")}");
        StandardStreams.Out.WriteLine($"snapshots:         {root.GetProperty("snapshot_dir").GetString()}");
        return ExitCodes.Ok;
    }

    /// <summary>Sends one request line and hands each answer line to <paramref name="onLine"/> until it returns false.</summary>
    private static int Talk(int job, string request, Func<string, bool> onLine)
    {
        var path = Path.Combine(Jobs.RuntimeDirectory(job), ControlServer.SocketName);
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(path));
            using var stream = new NetworkStream(socket, ownsSocket: false);
            using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\n", AutoFlush = true };
            using var reader = new StreamReader(stream, Encoding.UTF8);
            writer.WriteLine(request);
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                if (!onLine(line))
                {
                    break;
                }
            }
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            StandardStreams.Error.WriteLine($"native-snapc: cannot talk to job {job} ({path}): {e.Message}");
            return ExitCodes.JobUnreachable;
        }
    }
}

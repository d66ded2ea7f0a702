using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Text;

namespace NativeSnapc.Command.Links;

/// <summary>
/// The job file (docs/runtime.md): where the global coordinator listens and the job's secret, written by
/// `native-snapc run` with mode 0600 and read by the local coordinators. Lines of <c>key=value</c>.
/// </summary>
internal sealed record JobFile(int JobId, IPEndPoint Global, byte[] Secret, string SnapshotDirectory)
{
    public const string FileName = "job";

    public string Render()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"job={JobId}\n");
        text.Append(CultureInfo.InvariantCulture, $"global={Global}\n");
        text.Append(CultureInfo.InvariantCulture, $"secret={Convert.ToHexString(Secret).ToLowerInvariant()}\n");
        text.Append(CultureInfo.InvariantCulture, $"snapshots={SnapshotDirectory}\n");
        return text.ToString();
    }

    /// <summary>Writes it private to the user (created 0600, never widened), replacing an older one.</summary>
    public void Write(string path)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        using var stream = new FileStream(path, options);
        var bytes = Encoding.UTF8.GetBytes(Render());
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>Reads and checks a job file; false with a reason for a missing, readable-by-others or garbled one.</summary>
    public static bool TryRead(string path, out JobFile? job, out string? error)
    {
        job = null;
        try
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
            {
                error = $"the job file {path} is readable or writable by others (mode {Convert.ToString((int)mode, 8)}); refusing its secret";
                return false;
            }
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var line in File.ReadAllLines(path))
            {
                var at = line.IndexOf('=');
                if (at > 0)
                {
                    values[line[..at]] = line[(at + 1)..];
                }
            }
            if (!values.TryGetValue("job", out var id) || !int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var jobId)
                || !values.TryGetValue("global", out var address) || !IPEndPoint.TryParse(address, out var endPoint)
                || !values.TryGetValue("secret", out var secretText) || secretText.Length != 64)
            {
                error = $"the job file {path} lacks job=, global= or a 32-byte secret=";
                return false;
            }
            var secret = Convert.FromHexString(secretText);
            job = new JobFile(jobId, endPoint, secret, values.GetValueOrDefault("snapshots", ""));
            error = null;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            error = $"cannot read the job file {path}: {e.Message}";
            return false;
        }
    }
}

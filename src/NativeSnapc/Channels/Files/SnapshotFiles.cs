using System;
using System.IO;
using System.Text;

namespace NativeSnapc.Channels.Files;

/// <summary>
/// What sstore/central's application side does to a local snapshot (docs/protocol.md, sstore): makes its directory
/// (0700, parents included) and appends lines to its <c>snapshot_meta.data</c>, opening and closing the file around
/// each write (central keeps a FILE open until sync; closing at once leaves nothing buffered in a rank that dies).
/// Errors come back as text for the log.
/// </summary>
internal sealed class SnapshotFiles
{
    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public string? CreateDirectories(string path)
    {
        try
        {
            Directory.CreateDirectory(path, PrivateDirectory);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return e.Message;
        }
    }

    public string? Append(string path, string text)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            var bytes = Encoding.UTF8.GetBytes(text);
            stream.Write(bytes, 0, bytes.Length);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return e.Message;
        }
    }
}

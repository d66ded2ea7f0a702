using System;
using System.IO;
using NativeSnapc.Interop;

namespace NativeSnapc.Channels.Files;

/// <summary>
/// The metadata file on disk. A replacement is written to a temporary file beside it (same directory, so the
/// same file system), fsync'ed, renamed over the file and the directory fsync'ed: a crash before the rename
/// leaves the old file (and at worst a stray temporary, which the next replacement removes), a crash after it
/// the new one, never a mix.
/// </summary>
internal sealed unsafe class MetadataFiles : IMetadataFiles
{
    /// <summary>Mode of a new file: as fopen creates one (the umask applies).</summary>
    private const uint NewFileMode = 0x1B6; // 0666

    /// <summary>
    /// Called with the temporary file's path once it is complete and on stable storage, before the rename. For
    /// tests: an exception thrown here stands for a crash at that point (nothing is cleaned up).
    /// </summary>
    public Action<string>? BeforeRename { get; init; }

    /// <summary>The temporary file a replacement of <paramref name="path"/> writes first: hidden, beside it, per process.</summary>
    public static string TemporaryPath(string path)
    {
        var directory = Path.GetDirectoryName(path);
        var name = $".{Path.GetFileName(path)}.tmp.{Environment.ProcessId}";
        return string.IsNullOrEmpty(directory) ? name : Path.Combine(directory, name);
    }

    public MetadataRead Read(string path, int maxBytes)
    {
        var error = Libc.Open(new NativePath(path), Libc.O_RDONLY | Libc.O_CLOEXEC, out var fd);
        if (error.RawErrno == Libc.ENOENT)
        {
            return MetadataRead.NotFound();
        }
        if (error.IsError)
        {
            return MetadataRead.Failed($"open: {error}");
        }
        try
        {
            error = Libc.FStat(fd, out var status);
            if (error.IsError)
            {
                return MetadataRead.Failed($"fstat: {error}");
            }
            if (Libc.FileType(status) != Libc.S_IFREG)
            {
                return MetadataRead.Failed("not a regular file");
            }
            var buffer = new byte[Math.Min((long)maxBytes + 1, Math.Max(status.st_size + 1, 4096))];
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length > maxBytes)
                    {
                        return MetadataRead.Failed($"larger than {maxBytes} bytes: not a metadata file");
                    }
                    Array.Resize(ref buffer, Math.Min(buffer.Length * 2, maxBytes + 1));
                }
                fixed (byte* start = &buffer[length])
                {
                    error = Libc.Read(fd, start, buffer.Length - length, out var count);
                    if (error.IsError)
                    {
                        return MetadataRead.Failed($"read: {error}");
                    }
                    if (count == 0)
                    {
                        return MetadataRead.Found(buffer.AsSpan(0, length).ToArray());
                    }
                    length += count;
                }
            }
        }
        finally
        {
            Libc.Close(fd);
        }
    }

    public string? ReplaceDurably(string path, byte[] content)
    {
        var target = new NativePath(path);
        var temporary = new NativePath(TemporaryPath(path));
        if (WriteTemporary(temporary, content) is { } writeError)
        {
            Libc.Unlink(temporary);
            return writeError;
        }
        BeforeRename?.Invoke(temporary.Text);
        var error = Libc.Rename(temporary, target);
        if (error.IsError)
        {
            Libc.Unlink(temporary);
            return $"rename {temporary.Text} -> {path}: {error}";
        }
        return SyncDirectory(Path.GetDirectoryName(path) is { Length: > 0 } directory ? directory : ".");
    }

    private static string? WriteTemporary(NativePath temporary, byte[] content)
    {
        const int flags = Libc.O_WRONLY | Libc.O_CREAT | Libc.O_EXCL | Libc.O_CLOEXEC | Libc.O_NOFOLLOW;
        var error = Libc.OpenCreate(temporary, flags, NewFileMode, out var fd);
        if (error.RawErrno == Libc.EEXIST)
        {
            // Left by a process with this pid that died between writing and renaming: never a live file.
            Libc.Unlink(temporary);
            error = Libc.OpenCreate(temporary, flags, NewFileMode, out fd);
        }
        if (error.IsError)
        {
            return $"create {temporary.Text}: {error}";
        }
        var closed = false;
        try
        {
            var written = 0;
            while (written < content.Length)
            {
                fixed (byte* start = &content[written])
                {
                    error = Libc.Write(fd, start, content.Length - written, out var count);
                    if (error.IsError)
                    {
                        return $"write {temporary.Text}: {error}";
                    }
                    written += count;
                }
            }
            error = Libc.Fsync(fd);
            if (error.IsError)
            {
                return $"fsync {temporary.Text}: {error}";
            }
            closed = true;
            error = Libc.Close(fd);
            return error.IsError ? $"close {temporary.Text}: {error}" : null;
        }
        finally
        {
            if (!closed)
            {
                Libc.Close(fd);
            }
        }
    }

    // The rename is a change of the directory: on stable storage only once the directory is.
    private static string? SyncDirectory(string directory)
    {
        var error = Libc.Open(new NativePath(directory), Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC, out var fd);
        if (error.IsError)
        {
            return $"open directory {directory}: {error}";
        }
        error = Libc.Fsync(fd);
        Libc.Close(fd);
        // EINVAL: a file system that cannot sync a directory (its renames are synchronous or it offers nothing more).
        return error.IsError && error.RawErrno != Libc.EINVAL ? $"fsync directory {directory}: {error}" : null;
    }
}

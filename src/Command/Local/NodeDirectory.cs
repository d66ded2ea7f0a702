using System;
using System.IO;
using NativeSnapc.Interop;

namespace NativeSnapc.Command.Local;

/// <summary>
/// The node directory (docs/runtime.md): the local coordinator's socket, the checkpoint FIFOs, the spawn lock and
/// the log, private to the user. It is created 0700; an existing one must be a real directory owned by the user
/// and closed to group and others, or the coordinator refuses to work in it.
/// </summary>
internal static class NodeDirectory
{
    public const string SocketName = "local.sock";
    public const string LockName = "local.lock";
    public const string LogName = "local.log";

    /// <summary>Null when the directory is ready, else why it cannot be used.</summary>
    public static string? Prepare(string path)
    {
        try
        {
            if (!Directory.Exists(path))
            {
                var parent = Path.GetDirectoryName(Path.GetFullPath(path));
                if (!string.IsNullOrEmpty(parent) && !Directory.Exists(parent))
                {
                    Directory.CreateDirectory(parent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
                Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot create the node directory {path}: {e.Message}";
        }
        return Check(path);
    }

    /// <summary>Null when <paramref name="path"/> is a directory of this user with no group or other permission.</summary>
    public static string? Check(string path)
    {
        var error = Libc.LStat(new NativePath(path), out var status);
        if (error.IsError)
        {
            return $"cannot examine the node directory {path}: {error}";
        }
        if (Libc.FileType(status) != Libc.S_IFDIR)
        {
            return $"the node directory {path} is not a directory (a symbolic link or a file is in the way)";
        }
        if (status.st_uid != Libc.GetUid())
        {
            return $"the node directory {path} belongs to uid {status.st_uid}, not to this user (uid {Libc.GetUid()})";
        }
        var permissions = status.st_mode & 0xFFF;
        if ((permissions & 0x3F) != 0)
        {
            return $"the node directory {path} is open to group or others (mode {Convert.ToString(permissions, 8)}); it must be 0700";
        }
        return null;
    }
}

using System;
using System.IO;
using NativeSnapc.Interop;

namespace NativeSnapc.Channels.Node;

/// <summary>
/// The node directory of a job (docs/runtime.md): <c>&lt;runtime dir&gt;/&lt;hostname&gt;</c>, private to the user
/// (0700), holding the local coordinator's socket, the checkpoint FIFOs, its start lock and its log. Made if missing; refused when someone else owns it or it lets others in.
/// </summary>
internal static class NodeDirectory
{
    public const string SocketName = "local.sock";
    public const string LogName = "local.log";

    /// <summary>sun_path holds 108 bytes with its NUL.</summary>
    public const int MaxSocketPathBytes = 107;

    private const uint PrivateMode = 0x1c0; // 0700

    /// <summary>Makes (if needed) and checks the runtime directory and the node directory inside it.</summary>
    public static ChannelResult Ensure(string runtimeDirectory, string hostName, out string nodeDirectory)
    {
        nodeDirectory = Path.Combine(runtimeDirectory, hostName);
        if (!Path.IsPathRooted(runtimeDirectory))
        {
            return ChannelResult.Fail(ChannelFailure.Refused, $"the runtime directory {runtimeDirectory} is not an absolute path");
        }
        var socket = Path.Combine(nodeDirectory, SocketName);
        if (System.Text.Encoding.UTF8.GetByteCount(socket) > MaxSocketPathBytes)
        {
            return ChannelResult.Fail(ChannelFailure.Refused,
                $"the local coordinator's socket path {socket} is longer than a Unix socket allows ({MaxSocketPathBytes} bytes): use a shorter runtime directory");
        }
        var made = MakePrivate(runtimeDirectory, recursive: true);
        return made.Ok ? MakePrivate(nodeDirectory, recursive: false) : made;
    }

    private static ChannelResult MakePrivate(string directory, bool recursive)
    {
        if (recursive)
        {
            var parent = Path.GetDirectoryName(directory);
            if (!string.IsNullOrEmpty(parent) && parent != directory && Libc.LStat(new NativePath(parent), out _).RawErrno == Libc.ENOENT)
            {
                var madeParent = MakePrivate(parent, recursive: true);
                if (!madeParent.Ok)
                {
                    return madeParent;
                }
            }
        }
        var error = Libc.MkDir(directory, PrivateMode);
        if (error.IsError && error.RawErrno != Libc.EEXIST)
        {
            return ChannelResult.Fail(ChannelFailure.SystemError, $"cannot make the directory {directory}: {error.Message}", error.RawErrno);
        }
        return CheckPrivate(directory);
    }

    private static ChannelResult CheckPrivate(string directory)
    {
        var examined = Libc.LStat(new NativePath(directory), out var status);
        if (examined.IsError)
        {
            return ChannelResult.Fail(ChannelFailure.SystemError, $"cannot examine {directory}: {examined.Message}", examined.RawErrno);
        }
        if (Libc.FileType(status) != Libc.S_IFDIR)
        {
            return ChannelResult.Fail(ChannelFailure.Refused, $"{directory} is not a directory; it is left untouched");
        }
        var owner = Libc.GetEUid();
        if (status.st_uid != owner)
        {
            return ChannelResult.Fail(ChannelFailure.Refused, $"{directory} belongs to user {status.st_uid}, not to this process's user {owner}: refusing it");
        }
        if ((status.st_mode & 0x3f) != 0)
        {
            return ChannelResult.Fail(ChannelFailure.Refused,
                $"{directory} has mode 0{Convert.ToString(status.st_mode & 0xfff, 8)}: a job's directory must be private to its user (0700); refusing it");
        }
        return ChannelResult.Success;
    }
}

using System;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static partial class Libc
{
    [LibcName("SOL_SOCKET")] public const int SOL_SOCKET = 1;
    [LibcName("SO_PEERCRED")] public const int SO_PEERCRED = 17;

    /// <summary><c>struct ucred</c>: who is at the other end of a Unix socket.</summary>
    [StructLayout(LayoutKind.Sequential)]
    [LibcName("struct ucred")]
    public struct UCred
    {
        public int pid;
        public uint uid;
        public uint gid;
    }

    /// <summary>
    /// <c>getsockopt(SOL_SOCKET, SO_PEERCRED)</c> through .NET's socket (no P/Invoke of its own); a
    /// <see cref="SocketException"/> when the kernel does not say.
    /// </summary>
    public static UCred PeerCredentials(Socket socket)
    {
        Span<byte> raw = stackalloc byte[Marshal.SizeOf<UCred>()];
        socket.GetRawSocketOption(SOL_SOCKET, SO_PEERCRED, raw);
        return MemoryMarshal.Read<UCred>(raw);
    }
}

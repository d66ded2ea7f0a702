using System;
using System.Buffers;
using System.Text;
using NativeSnapc.Interop;

namespace NativeSnapc.Host.OpenMpi;

/// <summary>
/// Log lines through the host's <c>opal_output(int, const char *, ...)</c>. It is variadic, so the call goes
/// through the C trampoline <c>native_snapc_host_output</c> (src/shim/host_calls.c), which passes the line
/// as the argument of a "%s" format.
/// </summary>
internal static unsafe class HostOutput
{
    /// <summary>opal_output's always-open stream 0 (stderr).</summary>
    public const int DefaultStream = 0;

    /// <summary>A <see cref="Diagnostics.Log.Sink"/> writing each line to <paramref name="stream"/> of the host's opal_output.</summary>
    public static Action<string> CreateSink(nint opalOutput, int stream = DefaultStream) => line => Write(opalOutput, stream, line);

    public static void Write(nint opalOutput, int stream, string line)
    {
        var size = Encoding.UTF8.GetMaxByteCount(line.Length) + 1;
        byte[]? rented = null;
        var buffer = size <= 1024 ? stackalloc byte[size] : (rented = ArrayPool<byte>.Shared.Rent(size));
        try
        {
            var length = Encoding.UTF8.GetBytes(line, buffer);
            buffer[length] = 0;
            fixed (byte* text = buffer)
            {
                Shim.HostOutput(opalOutput, stream, text);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}

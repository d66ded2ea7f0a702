using System;
using System.Runtime.InteropServices;
using System.Text;

namespace NativeSnapc.Host.OpenMpi;

/// <summary>
/// C strings shared with the host. Strings the host may free are allocated with libc malloc
/// (NativeMemory.Alloc is malloc on Unix), as strdup would.
/// </summary>
internal static unsafe class HostString
{
    /// <summary>A malloc'ed, NUL-terminated UTF-8 copy of <paramref name="value"/> (strdup semantics); NULL for null or when out of memory.</summary>
    public static byte* Duplicate(string? value)
    {
        if (value is null)
        {
            return null;
        }
        var length = Encoding.UTF8.GetByteCount(value);
        byte* copy;
        try
        {
            copy = (byte*)NativeMemory.Alloc((nuint)length + 1);
        }
        catch (OutOfMemoryException)
        {
            return null;
        }
        Encoding.UTF8.GetBytes(value, new Span<byte>(copy, length));
        copy[length] = 0;
        return copy;
    }

    /// <summary>Frees a string the host malloc'ed (or <see cref="Duplicate"/> did); NULL is fine.</summary>
    public static void Free(byte* value) => NativeMemory.Free(value);

    /// <summary>The C string at <paramref name="value"/>, decoded as UTF-8; null for NULL.</summary>
    public static string? Read(byte* value) => value is null ? null : Marshal.PtrToStringUTF8((nint)value);

    /// <summary>
    /// The C string at <paramref name="value"/>, reusing <paramref name="last"/> when the bytes are the same (a
    /// host string read on every checkpoint allocates nothing while it does not change); null for NULL.
    /// </summary>
    public static string? ReadReusing(byte* value, ref string? last)
    {
        if (value is null)
        {
            return null;
        }
        var bytes = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(value);
        if (last is null || !Utf8Equals(bytes, last))
        {
            last = Encoding.UTF8.GetString(bytes);
        }
        return last;
    }

    private static bool Utf8Equals(ReadOnlySpan<byte> bytes, string text)
    {
        // Most paths are ASCII: compare without encoding; anything else is decoded and compared.
        if (bytes.Length == text.Length)
        {
            var same = true;
            for (var i = 0; i < bytes.Length && same; i++)
            {
                same = bytes[i] < 0x80 && bytes[i] == text[i];
            }
            if (same)
            {
                return true;
            }
        }
        return Encoding.UTF8.GetByteCount(text) == bytes.Length && Encoding.UTF8.GetString(bytes) == text;
    }

    /// <summary>
    /// A string stored in a fixed-size char array: up to the first NUL within <paramref name="capacity"/>
    /// bytes, or all of them when the array is not terminated.
    /// </summary>
    public static string ReadBounded(byte* value, int capacity)
    {
        var bytes = new ReadOnlySpan<byte>(value, capacity);
        var end = bytes.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
    }

    /// <summary>A managed NUL-terminated UTF-8 copy, for arguments the callee only reads during the call.</summary>
    public static byte[] ToNullTerminatedUtf8(string value)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(value) + 1];
        Encoding.UTF8.GetBytes(value, bytes);
        return bytes;
    }
}

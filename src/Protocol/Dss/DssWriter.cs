using System;
using System.Buffers.Binary;
using System.Text;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Protocol.Dss;

/// <summary>
/// Builds a DSS payload byte for byte as a sequence of <c>opal_dss.pack(buffer, src, n, TYPE)</c> calls on
/// an Open MPI 4.1 <c>opal_buffer_t</c> of the given <see cref="DssBufferType"/> would (docs/dss.md#encoding).
/// Each Pack method is one such call; the array overloads pack n values with one count.
/// Never throws: a status is returned (<see cref="OpalStatus.OutOfResource"/> when the payload cannot
/// grow, like the real <c>opal_dss_buffer_extend</c>); a failed call leaves the payload unchanged.
/// </summary>
internal sealed class DssWriter
{
    private byte[] _bytes;
    private int _length;

    public DssWriter(DssBufferType bufferType = DssBufferType.NonDescribed, int initialCapacity = 64)
    {
        BufferType = bufferType;
        _bytes = new byte[Math.Clamp(initialCapacity, 16, 1 << 20)];
    }

    public DssBufferType BufferType { get; }

    /// <summary>Bytes packed so far (<c>bytes_used</c>).</summary>
    public int Length => _length;

    /// <summary>The payload packed so far; valid until the next Pack call.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _bytes.AsSpan(0, _length);

    /// <summary>A copy of the payload, what the host's send path transmits.</summary>
    public byte[] ToArray() => WrittenSpan.ToArray();

    /// <summary>Empties the writer for the next message, keeping its storage (a message sent every checkpoint allocates nothing).</summary>
    public void Reset() => _length = 0;

    // Like the C code: anything other than FULLY_DESC behaves as non-described.
    private bool Described => BufferType == DssBufferType.FullyDescribed;

    // ---- 1-byte types --------------------------------------------------------------------------

    /// <summary>OPAL_UINT8, also ORTE_SNAPC_CMD and ORTE_SNAPC_FULL_CMD.</summary>
    public int PackUInt8(byte value) => PackUInt8(new ReadOnlySpan<byte>(in value));

    public int PackUInt8(ReadOnlySpan<byte> values) => PackRawBytes(OpalDataType.UInt8, values);

    /// <summary>OPAL_BYTE.</summary>
    public int PackByte(ReadOnlySpan<byte> values) => PackRawBytes(OpalDataType.Byte, values);

    public int PackInt8(sbyte value) => PackInt8(new ReadOnlySpan<sbyte>(in value));

    public int PackInt8(ReadOnlySpan<sbyte> values)
    {
        if (!TryBegin(values.Length, OpalDataType.Int8, 0, values.Length, out var span))
        {
            return OpalStatus.OutOfResource;
        }
        for (var i = 0; i < values.Length; i++)
        {
            span[i] = unchecked((byte)values[i]);
        }
        return OpalStatus.Success;
    }

    private int PackRawBytes(byte declaredType, ReadOnlySpan<byte> values)
    {
        if (!TryBegin(values.Length, declaredType, 0, values.Length, out var span))
        {
            return OpalStatus.OutOfResource;
        }
        values.CopyTo(span);
        return OpalStatus.Success;
    }

    // ---- fixed-width integers ------------------------------------------------------------------

    public int PackInt16(short value) => PackInt16(new ReadOnlySpan<short>(in value));

    public int PackInt16(ReadOnlySpan<short> values) => PackWide(OpalDataType.Int16, 0, values);

    public int PackUInt16(ushort value) => PackUInt16(new ReadOnlySpan<ushort>(in value));

    public int PackUInt16(ReadOnlySpan<ushort> values) => PackWide(OpalDataType.UInt16, 0, values);

    public int PackInt32(int value) => PackInt32(new ReadOnlySpan<int>(in value));

    public int PackInt32(ReadOnlySpan<int> values) => PackWide(OpalDataType.Int32, 0, values);

    /// <summary>OPAL_UINT32, also ORTE_SSTORE_HANDLE.</summary>
    public int PackUInt32(uint value) => PackUInt32(new ReadOnlySpan<uint>(in value));

    public int PackUInt32(ReadOnlySpan<uint> values) => PackWide(OpalDataType.UInt32, 0, values);

    public int PackInt64(long value) => PackInt64(new ReadOnlySpan<long>(in value));

    public int PackInt64(ReadOnlySpan<long> values) => PackWide(OpalDataType.Int64, 0, values);

    public int PackUInt64(ulong value) => PackUInt64(new ReadOnlySpan<ulong>(in value));

    public int PackUInt64(ReadOnlySpan<ulong> values) => PackWide(OpalDataType.UInt64, 0, values);

    // ---- "system" types: always carry their real type, even in a non-described buffer -----------

    /// <summary>OPAL_INT (a C <c>int</c>; on the wire INT32 with its tag).</summary>
    public int PackInt(int value) => PackInt(new ReadOnlySpan<int>(in value));

    public int PackInt(ReadOnlySpan<int> values) => PackWide(OpalDataType.Int, OpalDataType.SystemInt, values);

    /// <summary>OPAL_PID (a 4-byte <c>pid_t</c>; on the wire UINT32 with its tag).</summary>
    public int PackPid(int value) => PackPid(new ReadOnlySpan<int>(in value));

    public int PackPid(ReadOnlySpan<int> values) => PackWide(OpalDataType.Pid, OpalDataType.SystemPid, values);

    /// <summary>OPAL_SIZE (a <c>size_t</c>; on the wire UINT64 with its tag).</summary>
    public int PackSize(ulong value) => PackSize(new ReadOnlySpan<ulong>(in value));

    public int PackSize(ReadOnlySpan<ulong> values) => PackWide(OpalDataType.Size, OpalDataType.SystemSize, values);

    /// <summary>OPAL_BOOL (on the wire UINT8 0/1 with its tag).</summary>
    public int PackBool(bool value) => PackBool(new ReadOnlySpan<bool>(in value));

    public int PackBool(ReadOnlySpan<bool> values)
    {
        if (!TryBegin(values.Length, OpalDataType.Bool, OpalDataType.SystemBool, values.Length, out var span))
        {
            return OpalStatus.OutOfResource;
        }
        for (var i = 0; i < values.Length; i++)
        {
            span[i] = values[i] ? (byte)1 : (byte)0;
        }
        return OpalStatus.Success;
    }

    // ---- ORTE identifiers ----------------------------------------------------------------------

    /// <summary>ORTE_JOBID (OPAL_JOBID): a uint32, tagged UINT32 only in a described buffer.</summary>
    public int PackJobId(uint value) => PackJobId(new ReadOnlySpan<uint>(in value));

    public int PackJobId(ReadOnlySpan<uint> values) => PackAlias(OpalDataType.JobId, values);

    /// <summary>ORTE_VPID (OPAL_VPID): a uint32, tagged UINT32 only in a described buffer.</summary>
    public int PackVpid(uint value) => PackVpid(new ReadOnlySpan<uint>(in value));

    public int PackVpid(ReadOnlySpan<uint> values) => PackAlias(OpalDataType.Vpid, values);

    /// <summary>ORTE_NAME (OPAL_NAME): all jobids, then all vpids.</summary>
    public int PackName(OrteProcessName value) => PackName(new ReadOnlySpan<OrteProcessName>(in value));

    public int PackName(ReadOnlySpan<OrteProcessName> values)
    {
        var innerTag = Described ? 1 : 0;
        long size = 2 * (innerTag + 4L * values.Length);
        if (!TryBegin(values.Length, OpalDataType.Name, 0, size, out var span))
        {
            return OpalStatus.OutOfResource;
        }
        var at = 0;
        if (Described)
        {
            span[at++] = OpalDataType.UInt32;
        }
        foreach (var name in values)
        {
            BinaryPrimitives.WriteUInt32BigEndian(span[at..], name.jobid);
            at += 4;
        }
        if (Described)
        {
            span[at++] = OpalDataType.UInt32;
        }
        foreach (var name in values)
        {
            BinaryPrimitives.WriteUInt32BigEndian(span[at..], name.vpid);
            at += 4;
        }
        return OpalStatus.Success;
    }

    private int PackAlias(byte declaredType, ReadOnlySpan<uint> values)
    {
        var innerTag = Described ? 1 : 0;
        if (!TryBegin(values.Length, declaredType, 0, innerTag + 4L * values.Length, out var span))
        {
            return OpalStatus.OutOfResource;
        }
        if (Described)
        {
            span[0] = OpalDataType.UInt32;
        }
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(span[(innerTag + 4 * i)..], values[i]);
        }
        return OpalStatus.Success;
    }

    // ---- strings -------------------------------------------------------------------------------

    /// <summary>
    /// OPAL_STRING from a .NET string, UTF-8 encoded. null packs as the C NULL pointer (length 0); like
    /// <c>strlen</c>, the string ends at its first U+0000.
    /// </summary>
    public int PackString(string? value) => PackStrings(new ReadOnlySpan<string?>(in value));

    public int PackStrings(ReadOnlySpan<string?> values)
    {
        byte[]?[] encoded;
        try
        {
            encoded = new byte[]?[values.Length];
        }
        catch (OutOfMemoryException)
        {
            return OpalStatus.OutOfResource;
        }
        for (var i = 0; i < values.Length; i++)
        {
            var status = TryEncode(values[i], out encoded[i]);
            if (status != OpalStatus.Success)
            {
                return status;
            }
        }
        return PackCStrings(encoded);
    }

    /// <summary>
    /// OPAL_STRING from the bytes of a C string, without its terminator (null = the NULL pointer). As
    /// <c>strlen</c> would, the string ends at the first 00 byte.
    /// </summary>
    public int PackCString(byte[]? value) => PackCStrings(new ReadOnlySpan<byte[]?>(in value));

    public int PackCStrings(ReadOnlySpan<byte[]?> values)
    {
        long size = 0;
        foreach (var value in values)
        {
            size += 4 + (value is null ? 0 : CLength(value) + 1L);
        }
        if (!TryBegin(values.Length, OpalDataType.String, 0, size, out var span))
        {
            return OpalStatus.OutOfResource;
        }
        var at = 0;
        foreach (var value in values)
        {
            if (value is null)
            {
                BinaryPrimitives.WriteInt32BigEndian(span[at..], 0);
                at += 4;
                continue;
            }
            var length = CLength(value);
            BinaryPrimitives.WriteInt32BigEndian(span[at..], length + 1);
            value.AsSpan(0, length).CopyTo(span[(at + 4)..]);
            span[at + 4 + length] = 0;
            at += 4 + length + 1;
        }
        return OpalStatus.Success;
    }

    private static int CLength(byte[] value)
    {
        var nul = Array.IndexOf(value, (byte)0);
        return nul >= 0 ? nul : value.Length;
    }

    private static int TryEncode(string? value, out byte[]? encoded)
    {
        encoded = null;
        if (value is null)
        {
            return OpalStatus.Success;
        }
        try
        {
            encoded = Encoding.UTF8.GetBytes(value);
            return OpalStatus.Success;
        }
        catch (ArgumentException)
        {
            // more than 2 GiB of UTF-8: DSS lengths are int32
            return OpalStatus.BadParam;
        }
        catch (OutOfMemoryException)
        {
            return OpalStatus.OutOfResource;
        }
    }

    // ---- core ----------------------------------------------------------------------------------

    private int PackWide<T>(byte declaredType, byte systemType, ReadOnlySpan<T> values)
        where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        var width = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        if (!TryBegin(values.Length, declaredType, systemType, (long)width * values.Length, out var span))
        {
            return OpalStatus.OutOfResource;
        }
        for (var i = 0; i < values.Length; i++)
        {
            // TryWriteBigEndian, which every integer type implements: WriteBigEndian is a default interface
            // method, and calling one on a struct boxes it (an allocation per value).
            values[i].TryWriteBigEndian(span.Slice(i * width, width), out _);
        }
        return OpalStatus.Success;
    }

    /// <summary>
    /// Appends what every pack writes before the values: the count (<c>09</c>-tagged in a described
    /// buffer), the declared type (described only) and, for a system type, its real type (always).
    /// Reserves room for everything first, so a failure leaves the payload as it was.
    /// </summary>
    private bool TryBegin(int count, byte declaredType, byte systemType, long valueBytes, out Span<byte> values)
    {
        var header = (Described ? 6 : 4) + (systemType != 0 ? 1 : 0);
        var total = header + valueBytes;
        if (!TryReserve(total))
        {
            values = default;
            return false;
        }
        var span = _bytes.AsSpan(_length, (int)total);
        var at = 0;
        if (Described)
        {
            span[at++] = OpalDataType.Int32;
        }
        BinaryPrimitives.WriteInt32BigEndian(span[at..], count);
        at += 4;
        if (Described)
        {
            span[at++] = declaredType;
        }
        if (systemType != 0)
        {
            span[at++] = systemType;
        }
        values = span[at..];
        _length += (int)total;
        return true;
    }

    private bool TryReserve(long extra)
    {
        var needed = _length + extra;
        if (needed > Array.MaxLength)
        {
            return false;
        }
        if (needed <= _bytes.Length)
        {
            return true;
        }
        var capacity = Math.Max(needed, Math.Min(2L * _bytes.Length, Array.MaxLength));
        try
        {
            Array.Resize(ref _bytes, (int)capacity);
            return true;
        }
        catch (OutOfMemoryException)
        {
            return false;
        }
    }
}

using System;
using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Protocol.Dss;

/// <summary>
/// Reads a DSS payload the way <c>opal_dss.unpack(buffer, dst, &amp;num_vals, TYPE)</c> of Open MPI 4.1
/// reads an <c>opal_buffer_t</c> loaded with it: same statuses, same count left in <c>*num_vals</c>, same
/// read position afterwards (also after errors), for both buffer types (dss_unpack.c, docs/dss.md#unpack-behaviour).
/// <para>
/// Every array overload is one unpack call: the capacity (<c>*num_vals</c> on entry) is
/// <c>destination.Length</c>; <c>count</c> receives <c>*num_vals</c> on return. So: capacity 0 gives
/// <see cref="OpalStatus.UnpackInadequateSpace"/>; a packed count above the capacity delivers
/// <c>capacity</c> values and returns <see cref="OpalStatus.UnpackInadequateSpace"/> (the rest stays in the
/// payload, so later reads misparse, as in C); a short payload gives
/// <see cref="OpalStatus.UnpackReadPastEndOfBuffer"/>; on every other error <c>count</c> is 0 and the
/// destination holds nothing meaningful. A negative packed count is passed through like C does: string
/// unpacks then succeed with a negative <c>count</c> and deliver nothing.
/// </para>
/// <para>
/// The single-value overloads use capacity 1; they return the unpack status and set <c>value</c> only
/// when a value was delivered (status 0 or -25 with a count of at least 1), else to its default.
/// </para>
/// <para>
/// Deliberate difference: where the real library calls <c>malloc</c> with a size taken from the wire and
/// returns <see cref="OpalStatus.OutOfResource"/> when that fails (a string length that is negative or
/// larger than the memory, an ORTE_NAME count that is negative), this reader allocates nothing it has not
/// checked against the remaining bytes and returns <see cref="OpalStatus.UnpackReadPastEndOfBuffer"/>,
/// at the same read position. Never throws.
/// </para>
/// </summary>
internal sealed class DssReader
{
    private readonly ReadOnlyMemory<byte> _payload;
    private int _position;

    public DssReader(ReadOnlyMemory<byte> payload, DssBufferType bufferType = DssBufferType.NonDescribed)
    {
        _payload = payload;
        BufferType = bufferType;
    }

    public DssBufferType BufferType { get; }

    /// <summary>Bytes consumed so far (<c>unpack_ptr - base_ptr</c>).</summary>
    public int Position => _position;

    /// <summary>The payload's length (<c>bytes_used</c>).</summary>
    public int Length => _payload.Length;

    public int Remaining => _payload.Length - _position;

    // Like the C code: anything other than FULLY_DESC behaves as non-described.
    private bool Described => BufferType == DssBufferType.FullyDescribed;

    private ReadOnlySpan<byte> Bytes => _payload.Span;

    // ---- 1-byte types --------------------------------------------------------------------------

    /// <summary>OPAL_UINT8, also ORTE_SNAPC_CMD and ORTE_SNAPC_FULL_CMD.</summary>
    public int UnpackUInt8(out byte value)
    {
        value = 0;
        return Single(UnpackUInt8(new Span<byte>(ref value), out var count), count, ref value);
    }

    public int UnpackUInt8(Span<byte> destination, out int count) => UnpackRawBytes(OpalDataType.UInt8, destination, out count);

    /// <summary>OPAL_BYTE.</summary>
    public int UnpackByte(Span<byte> destination, out int count) => UnpackRawBytes(OpalDataType.Byte, destination, out count);

    public int UnpackInt8(out sbyte value)
    {
        value = 0;
        return Single(UnpackInt8(new Span<sbyte>(ref value), out var count), count, ref value);
    }

    public int UnpackInt8(Span<sbyte> destination, out int count) => UnpackFixed(OpalDataType.Int8, destination, out count);

    private int UnpackRawBytes(byte declaredType, Span<byte> destination, out int count)
    {
        var status = Begin(destination.Length, out var n, out count, out var pending);
        if (status != OpalStatus.Success)
        {
            return status;
        }
        status = CheckDeclaredType(declaredType);
        if (status == OpalStatus.Success)
        {
            status = Take(n, 1, out var at);
            if (status == OpalStatus.Success)
            {
                Bytes.Slice(at, n).CopyTo(destination);
            }
        }
        return End(status, pending, ref count);
    }

    // ---- fixed-width integers ------------------------------------------------------------------

    public int UnpackInt16(out short value)
    {
        value = 0;
        return Single(UnpackInt16(new Span<short>(ref value), out var count), count, ref value);
    }

    public int UnpackInt16(Span<short> destination, out int count) => UnpackFixed(OpalDataType.Int16, destination, out count);

    public int UnpackUInt16(out ushort value)
    {
        value = 0;
        return Single(UnpackUInt16(new Span<ushort>(ref value), out var count), count, ref value);
    }

    public int UnpackUInt16(Span<ushort> destination, out int count) => UnpackFixed(OpalDataType.UInt16, destination, out count);

    public int UnpackInt32(out int value)
    {
        value = 0;
        return Single(UnpackInt32(new Span<int>(ref value), out var count), count, ref value);
    }

    public int UnpackInt32(Span<int> destination, out int count) => UnpackFixed(OpalDataType.Int32, destination, out count);

    /// <summary>OPAL_UINT32, also ORTE_SSTORE_HANDLE.</summary>
    public int UnpackUInt32(out uint value)
    {
        value = 0;
        return Single(UnpackUInt32(new Span<uint>(ref value), out var count), count, ref value);
    }

    public int UnpackUInt32(Span<uint> destination, out int count) => UnpackFixed(OpalDataType.UInt32, destination, out count);

    public int UnpackInt64(out long value)
    {
        value = 0;
        return Single(UnpackInt64(new Span<long>(ref value), out var count), count, ref value);
    }

    public int UnpackInt64(Span<long> destination, out int count) => UnpackFixed(OpalDataType.Int64, destination, out count);

    public int UnpackUInt64(out ulong value)
    {
        value = 0;
        return Single(UnpackUInt64(new Span<ulong>(ref value), out var count), count, ref value);
    }

    public int UnpackUInt64(Span<ulong> destination, out int count) => UnpackFixed(OpalDataType.UInt64, destination, out count);

    private int UnpackFixed<T>(byte type, Span<T> destination, out int count)
        where T : unmanaged, IBinaryInteger<T>
    {
        var status = Begin(destination.Length, out var n, out count, out var pending);
        if (status != OpalStatus.Success)
        {
            return status;
        }
        status = CheckDeclaredType(type);
        if (status == OpalStatus.Success)
        {
            var width = IntegerWidth(type);
            status = Take(n, width, out var at);
            if (status == OpalStatus.Success)
            {
                for (var i = 0; i < n; i++)
                {
                    destination[i] = T.CreateTruncating(ReadWidened(type, at + i * width));
                }
            }
        }
        return End(status, pending, ref count);
    }

    // ---- "system" types: the packed real type decides the width (UNPACK_SIZE_MISMATCH) -----------

    /// <summary>OPAL_INT: any packed integer type is converted to a C <c>int</c> as a C cast would.</summary>
    public int UnpackInt(out int value)
    {
        value = 0;
        return Single(UnpackInt(new Span<int>(ref value), out var count), count, ref value);
    }

    public int UnpackInt(Span<int> destination, out int count) => UnpackSystem(OpalDataType.Int, destination, out count);

    /// <summary>OPAL_PID (a 4-byte <c>pid_t</c>).</summary>
    public int UnpackPid(out int value)
    {
        value = 0;
        return Single(UnpackPid(new Span<int>(ref value), out var count), count, ref value);
    }

    public int UnpackPid(Span<int> destination, out int count) => UnpackSystem(OpalDataType.Pid, destination, out count);

    /// <summary>OPAL_SIZE (a <c>size_t</c>).</summary>
    public int UnpackSize(out ulong value)
    {
        value = 0;
        return Single(UnpackSize(new Span<ulong>(ref value), out var count), count, ref value);
    }

    public int UnpackSize(Span<ulong> destination, out int count) => UnpackSystem(OpalDataType.Size, destination, out count);

    /// <summary>OPAL_BOOL: a nonzero packed value is true (a raw byte 2 read into a C bool included).</summary>
    public int UnpackBool(out bool value)
    {
        value = false;
        return Single(UnpackBool(new Span<bool>(ref value), out var count), count, ref value);
    }

    public int UnpackBool(Span<bool> destination, out int count)
    {
        var status = Begin(destination.Length, out var n, out count, out var pending);
        if (status != OpalStatus.Success)
        {
            return status;
        }
        status = TakeSystemValues(OpalDataType.Bool, n, out var remoteType, out var at);
        if (status == OpalStatus.Success)
        {
            var width = IntegerWidth(remoteType);
            for (var i = 0; i < n; i++)
            {
                destination[i] = ReadWidened(remoteType, at + i * width) != 0;
            }
        }
        return End(status, pending, ref count);
    }

    private int UnpackSystem<T>(byte declaredType, Span<T> destination, out int count)
        where T : unmanaged, IBinaryInteger<T>
    {
        var status = Begin(destination.Length, out var n, out count, out var pending);
        if (status != OpalStatus.Success)
        {
            return status;
        }
        status = TakeSystemValues(declaredType, n, out var remoteType, out var at);
        if (status == OpalStatus.Success)
        {
            var width = IntegerWidth(remoteType);
            for (var i = 0; i < n; i++)
            {
                // C converts the packed value to the local type: sign-extended or zero-extended per the
                // packed type, then truncated (gcc's modulo rule for out-of-range signed results).
                destination[i] = T.CreateTruncating(ReadWidened(remoteType, at + i * width));
            }
        }
        return End(status, pending, ref count);
    }

    /// <summary>
    /// opal_dss_unpack_int and friends: the declared type (described), then the packed real type —
    /// peeked in a described buffer (the nested unpack reads it again), consumed in a non-described
    /// one; a non-integer real type is <see cref="OpalStatus.NotFound"/>.
    /// </summary>
    private int TakeSystemValues(byte declaredType, int n, out byte remoteType, out int at)
    {
        remoteType = 0;
        at = 0;
        var status = CheckDeclaredType(declaredType);
        if (status != OpalStatus.Success)
        {
            return status;
        }
        if (Remaining < 1)
        {
            return OpalStatus.UnpackReadPastEndOfBuffer;
        }
        remoteType = Bytes[_position];
        if (!Described)
        {
            _position++;
        }
        if (IntegerWidth(remoteType) == 0)
        {
            return OpalStatus.NotFound;
        }
        status = CheckDeclaredType(remoteType);
        return status != OpalStatus.Success ? status : Take(n, IntegerWidth(remoteType), out at);
    }

    // ---- ORTE identifiers ----------------------------------------------------------------------

    /// <summary>ORTE_JOBID (OPAL_JOBID).</summary>
    public int UnpackJobId(out uint value)
    {
        value = 0;
        return Single(UnpackJobId(new Span<uint>(ref value), out var count), count, ref value);
    }

    public int UnpackJobId(Span<uint> destination, out int count) => UnpackAlias(OpalDataType.JobId, destination, out count);

    /// <summary>ORTE_VPID (OPAL_VPID).</summary>
    public int UnpackVpid(out uint value)
    {
        value = 0;
        return Single(UnpackVpid(new Span<uint>(ref value), out var count), count, ref value);
    }

    public int UnpackVpid(Span<uint> destination, out int count) => UnpackAlias(OpalDataType.Vpid, destination, out count);

    private int UnpackAlias(byte declaredType, Span<uint> destination, out int count)
    {
        var status = Begin(destination.Length, out var n, out count, out var pending);
        if (status != OpalStatus.Success)
        {
            return status;
        }
        status = TakeUInt32Array(declaredType, n, out var at);
        if (status == OpalStatus.Success)
        {
            for (var i = 0; i < n; i++)
            {
                destination[i] = BinaryPrimitives.ReadUInt32BigEndian(Bytes[(at + 4 * i)..]);
            }
        }
        return End(status, pending, ref count);
    }

    /// <summary>opal_dss_unpack_jobid/vpid: the alias's tag, then an unpack of UINT32 (tagged again).</summary>
    private int TakeUInt32Array(byte aliasType, int n, out int at)
    {
        at = 0;
        var status = CheckDeclaredType(aliasType);
        if (status == OpalStatus.Success)
        {
            status = CheckDeclaredType(OpalDataType.UInt32);
        }
        return status != OpalStatus.Success ? status : Take(n, 4, out at);
    }

    /// <summary>ORTE_NAME (OPAL_NAME): all jobids, then all vpids.</summary>
    public int UnpackName(out OrteProcessName value)
    {
        value = default;
        return Single(UnpackName(new Span<OrteProcessName>(ref value), out var count), count, ref value);
    }

    public int UnpackName(Span<OrteProcessName> destination, out int count)
    {
        var status = Begin(destination.Length, out var n, out count, out var pending);
        if (status != OpalStatus.Success)
        {
            return status;
        }
        status = CheckDeclaredType(OpalDataType.Name);
        if (status == OpalStatus.Success && n < 0)
        {
            // C: malloc(n * 4) fails -> OUT_OF_RESOURCE; see the class comment
            status = OpalStatus.UnpackReadPastEndOfBuffer;
        }
        var jobidsAt = 0;
        var vpidsAt = 0;
        if (status == OpalStatus.Success)
        {
            status = CheckDeclaredType(OpalDataType.UInt32);
        }
        if (status == OpalStatus.Success)
        {
            status = Take(n, 4, out jobidsAt);
        }
        if (status == OpalStatus.Success)
        {
            status = CheckDeclaredType(OpalDataType.UInt32);
        }
        if (status == OpalStatus.Success)
        {
            status = Take(n, 4, out vpidsAt);
        }
        if (status == OpalStatus.Success)
        {
            var bytes = Bytes;
            for (var i = 0; i < n; i++)
            {
                destination[i] = new OrteProcessName(
                    BinaryPrimitives.ReadUInt32BigEndian(bytes[(jobidsAt + 4 * i)..]),
                    BinaryPrimitives.ReadUInt32BigEndian(bytes[(vpidsAt + 4 * i)..]));
            }
        }
        return End(status, pending, ref count);
    }

    // ---- strings -------------------------------------------------------------------------------

    /// <summary>
    /// OPAL_STRING as a .NET string: the bytes up to the first 00 (what C sees through the char*),
    /// UTF-8 decoded with replacement characters for invalid sequences. A NULL string is null.
    /// </summary>
    public int UnpackString(out string? value)
    {
        value = null;
        var status = UnpackStrings(new Span<string?>(ref value), out var count);
        if (!Delivered(status, count))
        {
            value = null;
        }
        return status;
    }

    public int UnpackStrings(Span<string?> destination, out int count)
        => UnpackStringsCore(destination, default, out count);

    /// <summary>
    /// OPAL_STRING as the exact block the real library would malloc: all <c>length</c> bytes the wire
    /// declared, its terminator included (the library never checks that the last byte is 00). A NULL
    /// string is null.
    /// </summary>
    public int UnpackCString(out byte[]? value)
    {
        value = null;
        var status = UnpackCStrings(new Span<byte[]?>(ref value), out var count);
        if (!Delivered(status, count))
        {
            value = null;
        }
        return status;
    }

    public int UnpackCStrings(Span<byte[]?> destination, out int count)
        => UnpackStringsCore(default, destination, out count);

    // Exactly one of the two destinations is used (the other is empty).
    private int UnpackStringsCore(Span<string?> strings, Span<byte[]?> blocks, out int count)
    {
        var capacity = Math.Max(strings.Length, blocks.Length);
        var status = Begin(capacity, out var n, out count, out var pending);
        if (status != OpalStatus.Success)
        {
            return status;
        }
        status = CheckDeclaredType(OpalDataType.String);
        for (var i = 0; status == OpalStatus.Success && i < n; i++)
        {
            status = TakeInt32(out var length);
            if (status != OpalStatus.Success)
            {
                break;
            }
            if (length == 0)
            {
                if (strings.Length > 0) strings[i] = null; else blocks[i] = null;
                continue;
            }
            // C: malloc(length) first (fails for a negative length: OUT_OF_RESOURCE), then -26 when the
            // bytes are not there. Checked before allocating anything here.
            status = Take(length, 1, out var at);
            if (status != OpalStatus.Success)
            {
                break;
            }
            var block = Bytes.Slice(at, length);
            try
            {
                if (strings.Length > 0)
                {
                    var end = block.IndexOf((byte)0);
                    strings[i] = Encoding.UTF8.GetString(end >= 0 ? block[..end] : block);
                }
                else
                {
                    blocks[i] = block.ToArray();
                }
            }
            catch (OutOfMemoryException)
            {
                status = OpalStatus.OutOfResource;
            }
        }
        return End(status, pending, ref count);
    }

    // ---- core ----------------------------------------------------------------------------------

    /// <summary>
    /// opal_dss_unpack up to the values: capacity check, the count (09-tagged in a described buffer),
    /// and the capacity comparison. <paramref name="n"/> is how many values to read.
    /// </summary>
    private int Begin(int capacity, out int n, out int count, out int pending)
    {
        n = 0;
        count = 0;
        pending = OpalStatus.Success;
        if (capacity == 0)
        {
            return OpalStatus.UnpackInadequateSpace;
        }
        if (Described)
        {
            var status = TakeByte(out var type);
            if (status != OpalStatus.Success)
            {
                return status;
            }
            if (type != OpalDataType.Int32)
            {
                return OpalStatus.UnpackFailure;
            }
        }
        var countStatus = TakeInt32(out var packedCount);
        if (countStatus != OpalStatus.Success)
        {
            return countStatus;
        }
        if (packedCount > capacity)
        {
            n = count = capacity;
            pending = OpalStatus.UnpackInadequateSpace;
        }
        else
        {
            n = count = packedCount;
        }
        return OpalStatus.Success;
    }

    private static int End(int status, int pending, ref int count)
    {
        if (status != OpalStatus.Success)
        {
            count = 0;
            return status;
        }
        return pending;
    }

    private static bool Delivered(int status, int count)
        => count >= 1 && (status == OpalStatus.Success || status == OpalStatus.UnpackInadequateSpace);

    private static int Single<T>(int status, int count, ref T value)
    {
        if (!Delivered(status, count))
        {
            value = default!;
        }
        return status;
    }

    /// <summary>opal_dss_unpack_buffer's check of the declared type (described buffers only).</summary>
    private int CheckDeclaredType(byte expected)
    {
        if (!Described)
        {
            return OpalStatus.Success;
        }
        var status = TakeByte(out var type);
        if (status != OpalStatus.Success)
        {
            return status;
        }
        // The real library also prints "OPAL dss:unpack: got type X when expecting type Y" here.
        return type == expected ? OpalStatus.Success : OpalStatus.PackMismatch;
    }

    /// <summary>
    /// Consumes <paramref name="n"/> values of <paramref name="width"/> bytes, all or nothing. A negative
    /// n is a huge size_t to opal_dss_too_small, hence read-past-end.
    /// </summary>
    private int Take(int n, int width, out int at)
    {
        at = _position;
        if (n < 0 || (long)n * width > Remaining)
        {
            return OpalStatus.UnpackReadPastEndOfBuffer;
        }
        _position += n * width;
        return OpalStatus.Success;
    }

    private int TakeByte(out byte value)
    {
        value = 0;
        var status = Take(1, 1, out var at);
        if (status == OpalStatus.Success)
        {
            value = Bytes[at];
        }
        return status;
    }

    private int TakeInt32(out int value)
    {
        value = 0;
        var status = Take(1, 4, out var at);
        if (status == OpalStatus.Success)
        {
            value = BinaryPrimitives.ReadInt32BigEndian(Bytes[at..]);
        }
        return status;
    }

    /// <summary>Bytes per value of a fixed-width integer type; 0 for any other type.</summary>
    private static int IntegerWidth(byte type) => type switch
    {
        OpalDataType.Int8 or OpalDataType.UInt8 => 1,
        OpalDataType.Int16 or OpalDataType.UInt16 => 2,
        OpalDataType.Int32 or OpalDataType.UInt32 => 4,
        OpalDataType.Int64 or OpalDataType.UInt64 => 8,
        _ => 0,
    };

    /// <summary>The big-endian integer of <paramref name="type"/> at <paramref name="at"/>, sign- or zero-extended.</summary>
    private long ReadWidened(byte type, int at)
    {
        var bytes = Bytes[at..];
        return type switch
        {
            OpalDataType.Int8 => unchecked((sbyte)bytes[0]),
            OpalDataType.UInt8 => bytes[0],
            OpalDataType.Int16 => BinaryPrimitives.ReadInt16BigEndian(bytes),
            OpalDataType.UInt16 => BinaryPrimitives.ReadUInt16BigEndian(bytes),
            OpalDataType.Int32 => BinaryPrimitives.ReadInt32BigEndian(bytes),
            OpalDataType.UInt32 => BinaryPrimitives.ReadUInt32BigEndian(bytes),
            OpalDataType.Int64 => BinaryPrimitives.ReadInt64BigEndian(bytes),
            _ => unchecked((long)BinaryPrimitives.ReadUInt64BigEndian(bytes)),
        };
    }
}

using System;
using System.Buffers.Binary;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Protocol.Frames;

/// <summary>What a frame carries (docs/runtime.md, "NSRF frames").</summary>
internal enum FrameKind : uint
{
    /// <summary>Rank → local coordinator, the first frame: <see cref="HelloPayload"/>.</summary>
    Hello = 1,
    /// <summary>One RML message: the bytes of the sent <c>opal_buffer_t</c>, the tag in the header.</summary>
    Rml = 2,
    /// <summary>Rank → local coordinator, empty: the rank finalized.</summary>
    Bye = 3,
}

/// <summary>Who a name in a frame header is.</summary>
internal enum FrameRole : uint
{
    Hnp = 0,
    Daemon = 1,
    App = 2,
}

/// <summary>The 40-byte header: ten big-endian uint32 after the magic.</summary>
internal readonly record struct FrameHeader(
    FrameKind Kind,
    uint Tag,
    OrteProcessName Source,
    FrameRole SourceRole,
    OrteProcessName Destination,
    FrameRole DestinationRole,
    uint Length);

/// <summary>
/// The HELLO payload: six big-endian uint32 — pid, number of processes in the job, the daemon's name and the
/// HNP's name as the rank knows them (replies carry these names as their sender).
/// </summary>
internal readonly record struct HelloPayload(int Pid, uint ProcessCount, OrteProcessName Daemon, OrteProcessName Hnp)
{
    public const int Bytes = 24;

    public byte[] Encode()
    {
        var bytes = new byte[Bytes];
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(0), unchecked((uint)Pid));
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), ProcessCount);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(8), Daemon.jobid);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(12), Daemon.vpid);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(16), Hnp.jobid);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(20), Hnp.vpid);
        return bytes;
    }

    /// <summary>Exactly 24 bytes and a positive pid; anything else is not a hello.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> payload, out HelloPayload hello)
    {
        hello = default;
        if (payload.Length != Bytes)
        {
            return false;
        }
        var pid = unchecked((int)BinaryPrimitives.ReadUInt32BigEndian(payload));
        if (pid <= 0)
        {
            return false;
        }
        hello = new HelloPayload(
            pid,
            BinaryPrimitives.ReadUInt32BigEndian(payload[4..]),
            new OrteProcessName(BinaryPrimitives.ReadUInt32BigEndian(payload[8..]), BinaryPrimitives.ReadUInt32BigEndian(payload[12..])),
            new OrteProcessName(BinaryPrimitives.ReadUInt32BigEndian(payload[16..]), BinaryPrimitives.ReadUInt32BigEndian(payload[20..])));
        return true;
    }
}

/// <summary>
/// The NSRF frame codec (docs/runtime.md; the same as tests/runtime/ref_frame.h): a 40-byte header of ten
/// big-endian uint32 — magic "NSRF", kind, tag, source jobid, vpid, role, destination jobid, vpid, role,
/// payload length (at most 1 MiB) — then the payload. A header that fails to decode leaves the stream
/// unusable: the reader must drop the connection.
/// </summary>
internal static class FrameCodec
{
    public const uint Magic = 0x4e535246;
    public const int HeaderBytes = 40;
    public const uint MaxPayload = 1u << 20;

    public static void EncodeHeader(in FrameHeader header, Span<byte> destination)
    {
        if (destination.Length < HeaderBytes)
        {
            throw new ArgumentException("a frame header takes 40 bytes", nameof(destination));
        }
        Span<uint> fields =
        [
            Magic, (uint)header.Kind, header.Tag,
            header.Source.jobid, header.Source.vpid, (uint)header.SourceRole,
            header.Destination.jobid, header.Destination.vpid, (uint)header.DestinationRole,
            header.Length,
        ];
        for (var i = 0; i < fields.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[(4 * i)..], fields[i]);
        }
    }

    /// <summary>A whole frame: header then payload, one buffer (one write keeps frames from interleaving).</summary>
    public static byte[] Encode(FrameKind kind, uint tag, OrteProcessName source, FrameRole sourceRole,
        OrteProcessName destination, FrameRole destinationRole, ReadOnlySpan<byte> payload)
    {
        if ((uint)payload.Length > MaxPayload)
        {
            throw new ArgumentException($"a frame payload is at most {MaxPayload} bytes", nameof(payload));
        }
        var bytes = new byte[HeaderBytes + payload.Length];
        EncodeHeader(new FrameHeader(kind, tag, source, sourceRole, destination, destinationRole, (uint)payload.Length), bytes);
        payload.CopyTo(bytes.AsSpan(HeaderBytes));
        return bytes;
    }

    /// <summary>Decodes 40 bytes; false with a reason on a bad magic, kind, role or length.</summary>
    public static bool TryDecodeHeader(ReadOnlySpan<byte> source, out FrameHeader header, out string? error)
    {
        header = default;
        if (source.Length < HeaderBytes)
        {
            error = $"a frame header takes {HeaderBytes} bytes, got {source.Length}";
            return false;
        }
        var fields = new uint[10];
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = BinaryPrimitives.ReadUInt32BigEndian(source[(4 * i)..]);
        }
        uint Field(int i) => fields[i];
        if (Field(0) != Magic)
        {
            error = $"bad magic 0x{Field(0):x8}";
            return false;
        }
        var kind = Field(1);
        if (kind is < (uint)FrameKind.Hello or > (uint)FrameKind.Bye)
        {
            error = $"unknown frame kind {kind}";
            return false;
        }
        var length = Field(9);
        if (length > MaxPayload)
        {
            error = $"payload of {length} bytes is above the {MaxPayload}-byte bound";
            return false;
        }
        if (Field(5) > (uint)FrameRole.App || Field(8) > (uint)FrameRole.App)
        {
            error = $"unknown role {Field(5)}/{Field(8)}";
            return false;
        }
        header = new FrameHeader((FrameKind)kind, Field(2),
            new OrteProcessName(Field(3), Field(4)), (FrameRole)Field(5),
            new OrteProcessName(Field(6), Field(7)), (FrameRole)Field(8),
            length);
        error = null;
        return true;
    }
}

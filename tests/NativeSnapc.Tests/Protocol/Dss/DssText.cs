using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using NativeSnapc.Protocol.Dss;
using NativeSnapc.Protocol.Wire;
using NUnit.Framework;

namespace NativeSnapc.Tests.Protocol.Dss;

/// <summary>
/// One opal_dss.pack call in the oracle's text form: a type name of tests/dss/dss_oracle.c and the values
/// as it spells them (integers in decimal, names "jobid.vpid", bools 0/1, strings "~" or "x"+hex).
/// </summary>
internal sealed record DssItem(string Type, IReadOnlyList<string> Values)
{
    public static DssItem Of(string type, params string[] values) => new(type, values);

    public static DssItem Int(int value) => Of("int", Num(value));

    public static DssItem UInt8(byte value) => Of("uint8", Num(value));

    public static DssItem JobId(uint value) => Of("jobid", Num(value));

    /// <summary>OPAL_UINT32, also ORTE_SSTORE_HANDLE.</summary>
    public static DssItem UInt32(uint value) => Of("uint32", Num(value));

    public static DssItem Size(ulong value) => Of("size", Num(value));

    public static DssItem Pid(int value) => Of("pid", Num(value));

    public static DssItem Bool(bool value) => Of("bool", value ? "1" : "0");

    public static DssItem Name(OrteProcessName name) => Of("name", DssText.Name(name));

    public static DssItem String(string? value) => Of("string", DssText.CString(value is null ? null : Encoding.UTF8.GetBytes(value)));

    public string ToOracle() => Type + ":" + string.Join(",", Values);

    private static string Num(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);
}

/// <summary>What one opal_dss.unpack call did: status, *num_vals afterwards, read offset afterwards, values.</summary>
internal sealed record UnpackResult(int Status, int Count, int Position, string Values)
{
    public override string ToString() => $"{Status}/{Count}/{Position}/{Values}";
}

/// <summary>
/// Drives the managed codec with the oracle's text forms, so both sides of a comparison are the same kind
/// of string, and compares unpack results with the one documented equivalence.
/// </summary>
internal static class DssText
{
    public static readonly string[] AllTypes =
    {
        "byte", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
        "int", "bool", "pid", "size", "string", "name", "jobid", "vpid",
    };

    public static string Mode(DssBufferType mode) => mode == DssBufferType.FullyDescribed ? "1" : "0";

    public static string Hex(ReadOnlySpan<byte> bytes) => bytes.IsEmpty ? "-" : Convert.ToHexString(bytes).ToLowerInvariant();

    public static byte[] FromHex(string hex) => hex == "-" ? Array.Empty<byte>() : Convert.FromHexString(hex);

    public static string Name(OrteProcessName name) =>
        name.jobid.ToString(CultureInfo.InvariantCulture) + "." + name.vpid.ToString(CultureInfo.InvariantCulture);

    /// <summary>A C string's bytes (without terminator) in pack input form; null is the NULL pointer.</summary>
    public static string CString(byte[]? bytes) => bytes is null ? "~" : "x" + (bytes.Length == 0 ? "" : Convert.ToHexString(bytes).ToLowerInvariant());

    public static string PackRequest(DssBufferType mode, IEnumerable<DssItem> items) =>
        "P " + Mode(mode) + string.Concat(items.Select(item => " " + item.ToOracle()));

    public static string UnpackRequest(DssBufferType mode, ReadOnlySpan<byte> bytes, IEnumerable<(string Type, int Capacity)> declared) =>
        "U " + Mode(mode) + " " + Hex(bytes) + string.Concat(declared.Select(d => $" {d.Type}:{d.Capacity}"));

    /// <summary>Parses "hex rc rc ..." from a P request.</summary>
    public static byte[] ParsePackResponse(string response, int items)
    {
        var parts = response.Split(' ');
        Assert.That(parts, Has.Length.EqualTo(items + 1), "oracle pack response: " + response);
        Assert.That(parts.Skip(1), Is.All.EqualTo("0"), "the real opal_dss.pack failed: " + response);
        return FromHex(parts[0]);
    }

    /// <summary>Parses "R rc/n/pos/values ..." from a U request; bools are normalised to 0/1 (C truth).</summary>
    public static UnpackResult[] ParseUnpackResponse(string response, IReadOnlyList<(string Type, int Capacity)> declared)
    {
        var parts = response.Split(' ');
        Assert.That(parts[0], Is.EqualTo("R"), "oracle unpack response: " + response);
        Assert.That(parts.Length - 1, Is.EqualTo(declared.Count), "oracle unpack response: " + response);
        var results = new UnpackResult[declared.Count];
        for (var i = 0; i < declared.Count; i++)
        {
            var fields = parts[i + 1].Split('/', 4);
            var values = fields[3];
            if (declared[i].Type == "bool" && values.Length > 0)
            {
                values = string.Join(",", values.Split(',').Select(v => v == "0" ? "0" : "1"));
            }
            results[i] = new UnpackResult(int.Parse(fields[0], CultureInfo.InvariantCulture),
                int.Parse(fields[1], CultureInfo.InvariantCulture), int.Parse(fields[2], CultureInfo.InvariantCulture), values);
        }
        return results;
    }

    // ---- the managed codec in text form ------------------------------------------------------

    public static byte[] Pack(DssBufferType mode, IEnumerable<DssItem> items)
    {
        var writer = new DssWriter(mode);
        foreach (var item in items)
        {
            Assert.That(PackItem(writer, item), Is.EqualTo(OpalStatus.Success), "DssWriter failed on " + item.ToOracle());
        }
        return writer.ToArray();
    }

    private static int PackItem(DssWriter writer, DssItem item)
    {
        var v = item.Values;
        static long L(string s) => long.Parse(s, CultureInfo.InvariantCulture);
        static ulong U(string s) => ulong.Parse(s, CultureInfo.InvariantCulture);
        return item.Type switch
        {
            "byte" => writer.PackByte(v.Select(s => (byte)U(s)).ToArray()),
            "uint8" => writer.PackUInt8(v.Select(s => (byte)U(s)).ToArray()),
            "int8" => writer.PackInt8(v.Select(s => (sbyte)L(s)).ToArray()),
            "int16" => writer.PackInt16(v.Select(s => (short)L(s)).ToArray()),
            "uint16" => writer.PackUInt16(v.Select(s => (ushort)U(s)).ToArray()),
            "int32" => writer.PackInt32(v.Select(s => (int)L(s)).ToArray()),
            "uint32" => writer.PackUInt32(v.Select(s => (uint)U(s)).ToArray()),
            "int64" => writer.PackInt64(v.Select(L).ToArray()),
            "uint64" => writer.PackUInt64(v.Select(U).ToArray()),
            "int" => writer.PackInt(v.Select(s => (int)L(s)).ToArray()),
            "pid" => writer.PackPid(v.Select(s => (int)L(s)).ToArray()),
            "size" => writer.PackSize(v.Select(U).ToArray()),
            "bool" => writer.PackBool(v.Select(s => s == "1").ToArray()),
            "jobid" => writer.PackJobId(v.Select(s => (uint)U(s)).ToArray()),
            "vpid" => writer.PackVpid(v.Select(s => (uint)U(s)).ToArray()),
            "name" => writer.PackName(v.Select(ParseName).ToArray()),
            "string" => writer.PackCStrings(v.Select(s => s == "~" ? null : FromHexOrEmpty(s[1..])).ToArray()),
            _ => throw new ArgumentException("unknown type " + item.Type),
        };
    }

    private static OrteProcessName ParseName(string s)
    {
        var dot = s.IndexOf('.');
        return new OrteProcessName(uint.Parse(s[..dot], CultureInfo.InvariantCulture), uint.Parse(s[(dot + 1)..], CultureInfo.InvariantCulture));
    }

    private static byte[] FromHexOrEmpty(string hex) => hex.Length == 0 ? Array.Empty<byte>() : Convert.FromHexString(hex);

    /// <summary>Runs the managed reader over <paramref name="bytes"/> like the oracle's U request does.</summary>
    public static UnpackResult[] Unpack(DssBufferType mode, byte[] bytes, IReadOnlyList<(string Type, int Capacity)> declared)
    {
        var reader = new DssReader(bytes, mode);
        return declared.Select(d => UnpackItem(reader, d.Type, d.Capacity)).ToArray();
    }

    private static UnpackResult UnpackItem(DssReader reader, string type, int capacity)
    {
        int status, count;
        IEnumerable<string> values;
        switch (type)
        {
            case "byte": { var d = new byte[capacity]; status = reader.UnpackByte(d, out count); values = d.Select(x => Num(x)); break; }
            case "uint8": { var d = new byte[capacity]; status = reader.UnpackUInt8(d, out count); values = d.Select(x => Num(x)); break; }
            case "int8": { var d = new sbyte[capacity]; status = reader.UnpackInt8(d, out count); values = d.Select(x => Num(x)); break; }
            case "int16": { var d = new short[capacity]; status = reader.UnpackInt16(d, out count); values = d.Select(x => Num(x)); break; }
            case "uint16": { var d = new ushort[capacity]; status = reader.UnpackUInt16(d, out count); values = d.Select(x => Num(x)); break; }
            case "int32": { var d = new int[capacity]; status = reader.UnpackInt32(d, out count); values = d.Select(x => Num(x)); break; }
            case "uint32": { var d = new uint[capacity]; status = reader.UnpackUInt32(d, out count); values = d.Select(x => Num(x)); break; }
            case "int64": { var d = new long[capacity]; status = reader.UnpackInt64(d, out count); values = d.Select(x => Num(x)); break; }
            case "uint64": { var d = new ulong[capacity]; status = reader.UnpackUInt64(d, out count); values = d.Select(x => Num(x)); break; }
            case "int": { var d = new int[capacity]; status = reader.UnpackInt(d, out count); values = d.Select(x => Num(x)); break; }
            case "pid": { var d = new int[capacity]; status = reader.UnpackPid(d, out count); values = d.Select(x => Num(x)); break; }
            case "size": { var d = new ulong[capacity]; status = reader.UnpackSize(d, out count); values = d.Select(x => Num(x)); break; }
            case "bool": { var d = new bool[capacity]; status = reader.UnpackBool(d, out count); values = d.Select(x => x ? "1" : "0"); break; }
            case "jobid": { var d = new uint[capacity]; status = reader.UnpackJobId(d, out count); values = d.Select(x => Num(x)); break; }
            case "vpid": { var d = new uint[capacity]; status = reader.UnpackVpid(d, out count); values = d.Select(x => Num(x)); break; }
            case "name": { var d = new OrteProcessName[capacity]; status = reader.UnpackName(d, out count); values = d.Select(Name); break; }
            case "string": { var d = new byte[]?[capacity]; status = reader.UnpackCStrings(d, out count); values = d.Select(b => b is null ? "~" : "x" + Convert.ToHexString(b).ToLowerInvariant()); break; }
            default: throw new ArgumentException("unknown type " + type);
        }
        var delivered = (status == OpalStatus.Success || status == OpalStatus.UnpackInadequateSpace) && count > 0;
        return new UnpackResult(status, count, reader.Position, delivered ? string.Join(",", values.Take(count)) : "");
    }

    private static string Num<T>(T value) where T : IFormattable => value.ToString(null, CultureInfo.InvariantCulture);

    /// <summary>
    /// What an unpack of a cleanly packed item must deliver: the packed values, with strings as the block
    /// C allocates (cut at the first 00 like strlen, plus the terminator).
    /// </summary>
    public static string ExpectedValues(DssItem item)
    {
        if (item.Type != "string")
        {
            return string.Join(",", item.Values);
        }
        return string.Join(",", item.Values.Select(s =>
        {
            if (s == "~") return "~";
            var hex = s[1..];
            for (var i = 0; i + 1 < hex.Length; i += 2)
            {
                if (hex[i] == '0' && hex[i + 1] == '0') { hex = hex[..i]; break; }
            }
            return "x" + hex + "00";
        }));
    }

    /// <summary>
    /// Error-code classes, compared per unpack call: the real library and the managed reader must agree on
    /// the exact status, *num_vals and read offset (and on the values whenever any were delivered), with
    /// one narrow equivalence. The real library calls malloc with sizes read from the wire; when that
    /// fails it returns -2 OUT_OF_RESOURCE, while the managed reader (which allocates nothing unchecked)
    /// returns -26 READ_PAST_END at the same offset. Accepted only when real = -2, managed = -26, both
    /// counts 0, same offset, and either (a) the item is a string and the length field just read is
    /// negative or longer than the rest of the payload, or (b) the item is a name whose packed count is
    /// negative (malloc(count * 4)).
    /// </summary>
    public static void AssertSameUnpack(DssBufferType mode, byte[] bytes, IReadOnlyList<(string Type, int Capacity)> declared,
        UnpackResult[] real, UnpackResult[] managed, string context)
    {
        for (var i = 0; i < declared.Count; i++)
        {
            if (real[i] == managed[i] || IsMallocFailureEquivalent(mode, bytes, declared[i].Type, real[i], managed[i]))
            {
                continue;
            }
            Assert.Fail($"{context}: unpack #{i} ({declared[i].Type}:{declared[i].Capacity}) differs\n" +
                        $"  real opal_dss: {real[i]}\n  managed:       {managed[i]}\n" +
                        $"  mode {Mode(mode)}, payload {Hex(bytes)}\n" +
                        $"  all real:    {string.Join(" ", real.Select(r => r.ToString()))}\n" +
                        $"  all managed: {string.Join(" ", managed.Select(r => r.ToString()))}");
        }
    }

    public static bool IsMallocFailureEquivalent(DssBufferType mode, byte[] bytes, string type, UnpackResult real, UnpackResult managed)
    {
        if (real.Status != OpalStatus.OutOfResource || managed.Status != OpalStatus.UnpackReadPastEndOfBuffer
            || real.Count != 0 || managed.Count != 0 || real.Position != managed.Position)
        {
            return false;
        }
        var pos = real.Position;
        if (type == "string" && pos >= 4)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(pos - 4));
            return length < 0 || length > bytes.Length - pos;
        }
        // name: the count sits right before the position (non-described), or before the 1d tag (described)
        var countAt = pos - (mode == DssBufferType.FullyDescribed ? 5 : 4);
        return type == "name" && countAt >= 0 && BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(countAt)) < 0;
    }
}

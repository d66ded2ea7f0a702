using System;
using System.Linq;
using System.Text;
using NativeSnapc.Protocol.Dss;
using NativeSnapc.Protocol.Snapc;
using NativeSnapc.Protocol.Wire;
using NUnit.Framework;

namespace NativeSnapc.Tests.Protocol.Dss;

/// <summary>
/// The codec's API at its edges: capacities, counts, NULL and empty strings, hostile lengths. Expected
/// behaviour is docs/dss.md#unpack-behaviour; where a payload is hand-made, the real library is asked as well, so a
/// wrong reading of the docs cannot hide here.
/// </summary>
[TestFixture]
internal sealed class DssCodecEdgeCaseTests
{
    private static readonly DssBufferType[] Modes = { DssBufferType.NonDescribed, DssBufferType.FullyDescribed };

    /// <summary>The managed reader and the real one, on the same bytes and calls, must agree.</summary>
    private static UnpackResult[] AssertAgreesWithReal(DssBufferType mode, byte[] bytes, params (string Type, int Capacity)[] declared)
    {
        var real = DssText.ParseUnpackResponse(DssOracle.Shared.Ask(DssText.UnpackRequest(mode, bytes, declared)), declared);
        var managed = DssText.Unpack(mode, bytes, declared);
        DssText.AssertSameUnpack(mode, bytes, declared, real, managed, "edge case");
        return managed;
    }

    [TestCaseSource(nameof(Modes))]
    public void Capacity_zero_is_inadequate_space_and_consumes_nothing(DssBufferType mode)
    {
        var bytes = Payload(mode, w => w.PackInt(5));
        var reader = new DssReader(bytes, mode);
        Assert.That(reader.UnpackInt(Span<int>.Empty, out var count), Is.EqualTo(OpalStatus.UnpackInadequateSpace));
        Assert.That(count, Is.Zero);
        Assert.That(reader.Position, Is.Zero);
        Assert.That(reader.UnpackInt(out var value), Is.EqualTo(OpalStatus.Success), "the item is still there");
        Assert.That(value, Is.EqualTo(5));

        var results = AssertAgreesWithReal(mode, bytes, ("int", 0), ("int", 1));
        Assert.That(results[0], Is.EqualTo(new UnpackResult(OpalStatus.UnpackInadequateSpace, 0, 0, "")));
    }

    [TestCaseSource(nameof(Modes))]
    public void Count_above_capacity_delivers_capacity_values_and_leaves_the_rest(DssBufferType mode)
    {
        var bytes = Payload(mode, w => w.PackInt32(new[] { 11, 22, 33 }));
        var reader = new DssReader(bytes, mode);
        var destination = new int[2];
        Assert.That(reader.UnpackInt32(destination, out var count), Is.EqualTo(OpalStatus.UnpackInadequateSpace));
        Assert.That(count, Is.EqualTo(2));
        Assert.That(destination, Is.EqualTo(new[] { 11, 22 }));
        Assert.That(reader.Position, Is.EqualTo(bytes.Length - 4), "the third value stays unread");

        // the buffer is now misaligned, as in C: the next call takes the third value for a header
        var results = AssertAgreesWithReal(mode, bytes, ("int32", 2), ("int32", 5));
        Assert.That(results[0].Values, Is.EqualTo("11,22"));
        Assert.That(results[1].Status, Is.Not.EqualTo(OpalStatus.Success));
    }

    [Test]
    public void Single_value_overload_delivers_the_first_value_with_inadequate_space()
    {
        var bytes = Payload(DssBufferType.NonDescribed, w => w.PackInt(new[] { -7, 8 }));
        var reader = new DssReader(bytes);
        Assert.That(reader.UnpackInt(out var value), Is.EqualTo(OpalStatus.UnpackInadequateSpace));
        Assert.That(value, Is.EqualTo(-7));
    }

    [TestCaseSource(nameof(Modes))]
    public void Null_empty_and_ordinary_strings_round_trip(DssBufferType mode)
    {
        var bytes = Payload(mode, w => w.PackStrings(new[] { null, "", "ab" }));
        var header = mode == DssBufferType.FullyDescribed ? "0900000003" + "03" : "00000003";
        Assert.That(DssText.Hex(bytes), Is.EqualTo(header + "00000000" + "0000000100" + "00000003616200"));

        var strings = new string?[3];
        Assert.That(new DssReader(bytes, mode).UnpackStrings(strings, out var count), Is.EqualTo(OpalStatus.Success));
        Assert.That(count, Is.EqualTo(3));
        Assert.That(strings, Is.EqualTo(new[] { null, "", "ab" }));

        var blocks = new byte[]?[3];
        Assert.That(new DssReader(bytes, mode).UnpackCStrings(blocks, out _), Is.EqualTo(OpalStatus.Success));
        Assert.That(blocks[0], Is.Null);
        Assert.That(blocks[1], Is.EqualTo(new byte[] { 0 }));
        Assert.That(blocks[2], Is.EqualTo(new byte[] { 0x61, 0x62, 0 }));

        var results = AssertAgreesWithReal(mode, bytes, ("string", 3));
        Assert.That(results[0].Values, Is.EqualTo("~,x00,x616200"));
    }

    [Test]
    public void Strings_are_cut_at_the_first_NUL_and_UTF8_decoded()
    {
        var writer = new DssWriter();
        Assert.That(writer.PackString("ab\0cd"), Is.EqualTo(OpalStatus.Success));
        Assert.That(writer.PackString("€"), Is.EqualTo(OpalStatus.Success));
        Assert.That(DssText.Hex(writer.WrittenSpan), Is.EqualTo("00000001" + "00000003616200" + "00000001" + "00000004e282ac00"));

        // a block without terminator, or with bytes after it, reads as C would see the char*
        var reader = new DssReader(DssText.FromHex("00000001" + "0000000461620063" + "00000001" + "00000002ff61"));
        Assert.That(reader.UnpackString(out var cut), Is.EqualTo(OpalStatus.Success));
        Assert.That(cut, Is.EqualTo("ab"));
        Assert.That(reader.UnpackString(out var invalid), Is.EqualTo(OpalStatus.Success));
        Assert.That(invalid, Is.EqualTo("\uFFFDa"));
    }

    [TestCase("7fffffff")]
    [TestCase("00100000")]
    [TestCase("ffffffff")]
    [TestCase("80000000")]
    public void Huge_or_negative_string_lengths_are_rejected_without_allocating(string lengthHex)
    {
        var bytes = DssText.FromHex("00000001" + lengthHex + "41424344454647484900");
        var reader = new DssReader(bytes);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var status = reader.UnpackCString(out var value);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(status, Is.EqualTo(OpalStatus.UnpackReadPastEndOfBuffer));
        Assert.That(value, Is.Null);
        Assert.That(reader.Position, Is.EqualTo(8), "count and length consumed, as in C");
        Assert.That(allocated, Is.LessThan(4096), "nothing sized by the wire was allocated");

        // the real library: -26 after a successful malloc, or -2 when malloc of a negative size fails
        AssertAgreesWithReal(DssBufferType.NonDescribed, bytes, ("string", 1));
    }

    [Test]
    public void Huge_counts_are_bounded_by_capacity_not_by_the_wire()
    {
        var bytes = DssText.FromHex("7fffffff" + "0000000000000001");
        var reader = new DssReader(bytes);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var names = new OrteProcessName[1];
        Assert.That(reader.UnpackName(names, out var count), Is.EqualTo(OpalStatus.UnpackInadequateSpace));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(4096));
        Assert.That(count, Is.EqualTo(1));
        Assert.That(names[0], Is.EqualTo(new OrteProcessName(0, 1)));
        AssertAgreesWithReal(DssBufferType.NonDescribed, bytes, ("name", 1));

        // a MIGRATE whose mig_num claims two billion entries but carries none
        var migrate = Payload(DssBufferType.NonDescribed, w =>
        {
            w.PackUInt8(SnapcCommand.FullRequestOp);
            w.PackJobId(1);
            w.PackInt((int)SnapcOpEvent.Migrate);
            return w.PackInt(int.MaxValue);
        });
        before = GC.GetAllocatedBytesForCurrentThread();
        Assert.That(SnapcMessages.ParseRequestOp(migrate, DssBufferType.NonDescribed, out var request), Is.EqualTo(OpalStatus.UnpackReadPastEndOfBuffer));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(16 * 1024));
        Assert.That(request, Is.Null);
    }

    [Test]
    public void Negative_counts_pass_through_like_C()
    {
        // strings: the loop runs zero times, so the real library reports success with *num_vals = -1
        var bytes = DssText.FromHex("ffffffff");
        var strings = new string?[2];
        var reader = new DssReader(bytes);
        Assert.That(reader.UnpackStrings(strings, out var count), Is.EqualTo(OpalStatus.Success));
        Assert.That(count, Is.EqualTo(-1));
        Assert.That(new DssReader(bytes).UnpackString(out var single), Is.EqualTo(OpalStatus.Success));
        Assert.That(single, Is.Null);
        var results = AssertAgreesWithReal(DssBufferType.NonDescribed, bytes, ("string", 2));
        Assert.That(results[0], Is.EqualTo(new UnpackResult(OpalStatus.Success, -1, 4, "")));

        // fixed-width types: a negative count is a huge size to opal_dss_too_small
        AssertAgreesWithReal(DssBufferType.NonDescribed, DssText.FromHex("ffffffff0000000000000000"), ("int32", 2));
        AssertAgreesWithReal(DssBufferType.FullyDescribed, DssText.FromHex("09fffffffe090000000000000000"), ("int32", 2));
        // names: malloc(-1 * 4) fails in C (-2); the managed reader says -26 (DssText.AssertSameUnpack)
        AssertAgreesWithReal(DssBufferType.NonDescribed, DssText.FromHex("ffffffff0000000000000000"), ("name", 2));
        AssertAgreesWithReal(DssBufferType.FullyDescribed, DssText.FromHex("09ffffffff1d0e00000000"), ("name", 2));
    }

    [Test]
    public void Described_buffer_without_count_tag_is_unpack_failure()
    {
        var bytes = DssText.FromHex("0000000108");
        var reader = new DssReader(bytes, DssBufferType.FullyDescribed);
        Assert.That(reader.UnpackUInt8(out _), Is.EqualTo(OpalStatus.UnpackFailure));
        Assert.That(reader.Position, Is.EqualTo(1));
        AssertAgreesWithReal(DssBufferType.FullyDescribed, bytes, ("uint8", 1), ("uint8", 1));
    }

    [Test]
    public void Described_buffer_with_other_declared_type_is_pack_mismatch()
    {
        Assert.That(SnapcMessages.BuildFinAck(DssBufferType.FullyDescribed, out var finAck), Is.EqualTo(OpalStatus.Success));
        var reader = new DssReader(finAck, DssBufferType.FullyDescribed);
        Assert.That(reader.UnpackInt(out var value), Is.EqualTo(OpalStatus.PackMismatch), "a UINT8 item read as OPAL_INT");
        Assert.That(value, Is.Zero);
        Assert.That(reader.Position, Is.EqualTo(6), "count tag, count and declared type consumed");
        AssertAgreesWithReal(DssBufferType.FullyDescribed, finAck, ("int", 1), ("int", 1));
    }

    [Test]
    public void Non_described_misread_is_not_detected()
    {
        // docs/dss.md#unpack-behaviour: FIN_ACK read as INT first: the cmd byte 08 is taken as an INT16 tag
        Assert.That(SnapcMessages.BuildFinAck(DssBufferType.NonDescribed, out var finAck), Is.EqualTo(OpalStatus.Success));
        Assert.That(new DssReader(finAck).UnpackInt(out var value), Is.EqualTo(OpalStatus.Success));
        Assert.That(value, Is.EqualTo(0));
        AssertAgreesWithReal(DssBufferType.NonDescribed, finAck, ("int", 1), ("int", 1), ("int", 1));
    }

    /// <summary>
    /// System types unpack whatever integer type was packed, converted like UNPACK_SIZE_MISMATCH's C cast.
    /// Every integer tag with edge values, for every system type, against the real library.
    /// </summary>
    [Test]
    public void System_types_convert_every_packed_integer_width_like_the_real_library(
        [Values("int", "pid", "size", "bool")] string systemType,
        [ValueSource(nameof(Modes))] DssBufferType mode)
    {
        var tags = new (byte Tag, int Width)[]
        {
            (OpalDataType.Int8, 1), (OpalDataType.UInt8, 1), (OpalDataType.Int16, 2), (OpalDataType.UInt16, 2),
            (OpalDataType.Int32, 4), (OpalDataType.UInt32, 4), (OpalDataType.Int64, 8), (OpalDataType.UInt64, 8),
        };
        var declared = OpalDataTypeOf(systemType);
        var checkedCalls = 0;
        foreach (var (tag, width) in tags)
        {
            foreach (var pattern in new[] { "00", "01", "7f", "80", "ff", "fe", "5a" })
            {
                // value bytes: the pattern first, then zeros / ones, to hit sign bits at every width
                foreach (var fill in new[] { "00", "ff" })
                {
                    var value = pattern + string.Concat(Enumerable.Repeat(fill, width - 1));
                    var head = mode == DssBufferType.FullyDescribed ? $"0900000002{declared:x2}" : "00000002";
                    var bytes = DssText.FromHex(head + $"{tag:x2}" + value + value[..^2] + "01");
                    var results = AssertAgreesWithReal(mode, bytes, (systemType, 2));
                    Assert.That(results[0].Status, Is.EqualTo(OpalStatus.Success));
                    checkedCalls++;
                }
            }
        }
        // and a non-integer tag: NOT_FOUND (consumed only in a non-described buffer)
        foreach (var tag in new byte[] { OpalDataType.Byte, OpalDataType.String, OpalDataType.Int, 0xff })
        {
            var head = mode == DssBufferType.FullyDescribed ? $"0900000001{declared:x2}" : "00000001";
            var results = AssertAgreesWithReal(mode, DssText.FromHex(head + $"{tag:x2}00000001"), (systemType, 1));
            Assert.That(results[0].Status, Is.EqualTo(OpalStatus.NotFound));
        }
        Assert.That(checkedCalls, Is.EqualTo(8 * 7 * 2));
    }

    [Test]
    public void Int_from_INT16_tag_is_width_converted()
    {
        var reader = new DssReader(DssText.FromHex("0000000108fffe"));
        Assert.That(reader.UnpackInt(out var value), Is.EqualTo(OpalStatus.Success));
        Assert.That(value, Is.EqualTo(-2));
        var size = new DssReader(DssText.FromHex("0000000107ff"));
        Assert.That(size.UnpackSize(out var sizeValue), Is.EqualTo(OpalStatus.Success));
        Assert.That(sizeValue, Is.EqualTo(ulong.MaxValue), "(size_t)(int8_t)-1");
        var flag = new DssReader(DssText.FromHex("000000010c02"));
        Assert.That(flag.UnpackBool(out var boolValue), Is.EqualTo(OpalStatus.Success));
        Assert.That(boolValue, Is.True, "a raw 2 is a true C bool");
    }

    [TestCaseSource(nameof(Modes))]
    public void Empty_and_short_payloads_read_past_end(DssBufferType mode)
    {
        Assert.That(new DssReader(ReadOnlyMemory<byte>.Empty, mode).UnpackUInt8(out _), Is.EqualTo(OpalStatus.UnpackReadPastEndOfBuffer));
        Assert.That(new DssReader(null, mode).UnpackString(out _), Is.EqualTo(OpalStatus.UnpackReadPastEndOfBuffer));
        var intWithTwoOfFourBytes = DssText.FromHex(mode == DssBufferType.FullyDescribed ? "0900000001060900ff" : "000000010900ff");
        var reader = new DssReader(intWithTwoOfFourBytes, mode);
        Assert.That(reader.UnpackInt(out var value), Is.EqualTo(OpalStatus.UnpackReadPastEndOfBuffer));
        Assert.That(value, Is.Zero);
        AssertAgreesWithReal(mode, Array.Empty<byte>(), ("uint8", 1), ("string", 1));
        AssertAgreesWithReal(mode, intWithTwoOfFourBytes, ("int", 1));
        AssertAgreesWithReal(mode, DssText.FromHex(mode == DssBufferType.FullyDescribed ? "090000" : "000001"), ("int", 1));
    }

    [Test]
    public void Described_names_carry_inner_tags()
    {
        var writer = new DssWriter(DssBufferType.FullyDescribed);
        Assert.That(writer.PackName(new[] { new OrteProcessName(1, 2), new OrteProcessName(3, 4) }), Is.EqualTo(OpalStatus.Success));
        Assert.That(DssText.Hex(writer.WrittenSpan), Is.EqualTo("0900000002" + "1d" + "0e0000000100000003" + "0e0000000200000004"));
        var names = new OrteProcessName[2];
        Assert.That(new DssReader(writer.ToArray(), DssBufferType.FullyDescribed).UnpackName(names, out var count), Is.EqualTo(OpalStatus.Success));
        Assert.That(count, Is.EqualTo(2));
        Assert.That(names, Is.EqualTo(new[] { new OrteProcessName(1, 2), new OrteProcessName(3, 4) }));
    }

    [Test]
    public void Zero_counts_still_carry_their_tags()
    {
        foreach (var mode in Modes)
        {
            var bytes = Payload(mode, w => w.PackInt(ReadOnlySpan<int>.Empty));
            Assert.That(DssText.Hex(bytes), Is.EqualTo(mode == DssBufferType.FullyDescribed ? "09000000000609" : "0000000009"));
            var results = AssertAgreesWithReal(mode, bytes, ("int", 1));
            Assert.That(results[0], Is.EqualTo(new UnpackResult(OpalStatus.Success, 0, bytes.Length, "")));
        }
    }

    [Test]
    public void Builders_refuse_shapes_the_C_code_never_sends()
    {
        Assert.That(SnapcMessages.BuildRequestOp(DssBufferType.NonDescribed, 1, SnapcOpEvent.Restart, out var restart), Is.EqualTo(OpalStatus.BadParam));
        Assert.That(restart, Is.Empty);
        Assert.That(SnapcMessages.BuildRequestOp(DssBufferType.NonDescribed, 1, SnapcOpEvent.Migrate, out _), Is.EqualTo(OpalStatus.BadParam));
        Assert.That(SnapcMessages.BuildMigrate(DssBufferType.NonDescribed, 1, null!, out var migrate), Is.EqualTo(OpalStatus.BadParam));
        Assert.That(migrate, Is.Empty);
    }

    [Test]
    public void Parsers_report_the_first_failing_unpack()
    {
        Assert.That(SnapcMessages.BuildCheckpointDone(DssBufferType.NonDescribed, -1, out var done), Is.EqualTo(OpalStatus.Success));
        Assert.That(SnapcMessages.ParseRequestOpDone(done, DssBufferType.NonDescribed, out var reply), Is.EqualTo(OpalStatus.Success));
        Assert.That(reply, Is.EqualTo(new SnapcRequestOpReply(SnapcCommand.FullRequestOp, SnapcOpEvent.Checkpoint, -1)));
        // the FIN_ACK reader takes the first two items of a three-item reply, as app_coord_finalize would
        Assert.That(SnapcMessages.ParseFinAck(done, DssBufferType.NonDescribed, out var finAck), Is.EqualTo(OpalStatus.Success));
        Assert.That(finAck!.OpState, Is.Null);
        // a described reply read as non-described: the count is misread (docs/dss.md#unpack-behaviour: -25)
        Assert.That(SnapcMessages.BuildFinAck(DssBufferType.FullyDescribed, out var described), Is.EqualTo(OpalStatus.Success));
        Assert.That(SnapcMessages.ParseFinAck(described, DssBufferType.NonDescribed, out var misread), Is.EqualTo(OpalStatus.UnpackInadequateSpace));
        Assert.That(misread, Is.Null);
    }

    private static byte OpalDataTypeOf(string systemType) => systemType switch
    {
        "int" => OpalDataType.Int,
        "pid" => OpalDataType.Pid,
        "size" => OpalDataType.Size,
        _ => OpalDataType.Bool,
    };

    private static byte[] Payload(DssBufferType mode, Func<DssWriter, int> pack)
    {
        var writer = new DssWriter(mode);
        Assert.That(pack(writer), Is.EqualTo(OpalStatus.Success));
        return writer.ToArray();
    }
}

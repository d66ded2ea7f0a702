using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using NativeSnapc.Protocol.Wire;
using NUnit.Framework;

namespace NativeSnapc.Tests.Protocol.Dss;

/// <summary>
/// Seeded random messages over every supported DSS type, both buffer types, compared with the real
/// opal_dss in both directions. The seed is printed; set DSS_RANDOM_SEED to replay a failure.
/// </summary>
[TestFixture]
internal sealed class DssRandomOracleTests
{
    private const int MessageCount = 10_000;
    private const int GarbledCount = 5_000;

    internal static int Seed(int fallback)
    {
        var text = Environment.GetEnvironmentVariable("DSS_RANDOM_SEED");
        var seed = text is not null ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
        TestContext.Out.WriteLine($"random seed {seed} (replay with DSS_RANDOM_SEED={seed})");
        return seed;
    }

    /// <summary>
    /// Each message: the managed bytes equal the real pack's (so the real pack's bytes read by the managed
    /// reader is the same input); the real unpack of the managed bytes and the managed unpack of the real
    /// bytes both deliver exactly the packed values, with identical statuses, counts and offsets.
    /// </summary>
    [Test]
    public void Random_messages_agree_with_real_library_both_ways()
    {
        var random = new Random(Seed(Environment.TickCount));
        var clock = Stopwatch.StartNew();
        var messages = Enumerable.Range(0, MessageCount).Select(i => NextMessage(random, i)).ToArray();
        var oracle = DssOracle.Shared;

        var packResponses = oracle.Ask(messages.Select(m => DssText.PackRequest(m.Mode, m.Items)).ToArray());
        var managedBytes = new byte[messages.Length][];
        var realBytes = new byte[messages.Length][];
        long totalBytes = 0;
        for (var i = 0; i < messages.Length; i++)
        {
            realBytes[i] = DssText.ParsePackResponse(packResponses[i], messages[i].Items.Count);
            managedBytes[i] = DssText.Pack(messages[i].Mode, messages[i].Items);
            totalBytes += managedBytes[i].Length;
            if (!managedBytes[i].AsSpan().SequenceEqual(realBytes[i]))
            {
                Assert.Fail($"message {i} ({messages[i].Describe()}): managed bytes differ from the real opal_dss.pack\n" +
                            $"  real:    {DssText.Hex(realBytes[i])}\n  managed: {DssText.Hex(managedBytes[i])}");
            }
        }

        var unpackResponses = oracle.Ask(messages.Select((m, i) => DssText.UnpackRequest(m.Mode, managedBytes[i], m.Declared)).ToArray());
        for (var i = 0; i < messages.Length; i++)
        {
            var m = messages[i];
            var real = DssText.ParseUnpackResponse(unpackResponses[i], m.Declared);
            var managed = DssText.Unpack(m.Mode, realBytes[i], m.Declared);
            DssText.AssertSameUnpack(m.Mode, realBytes[i], m.Declared, real, managed, $"message {i} ({m.Describe()})");
            for (var k = 0; k < m.Items.Count; k++)
            {
                Assert.That(real[k].Status, Is.EqualTo(OpalStatus.Success), $"message {i} item {k}");
                Assert.That(real[k].Count, Is.EqualTo(m.Items[k].Values.Count), $"message {i} item {k}");
                Assert.That(real[k].Values, Is.EqualTo(DssText.ExpectedValues(m.Items[k])), $"message {i} item {k} ({m.Items[k].Type})");
            }
            Assert.That(real[^1].Position, Is.EqualTo(realBytes[i].Length), $"message {i}: not everything was consumed");
        }
        TestContext.Out.WriteLine($"{MessageCount} random messages, {totalBytes} payload bytes, compared in {clock.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>
    /// Random messages read wrongly on purpose: truncated, bit-flipped, with the wrong declared types,
    /// too small (or zero) capacities, or in the other buffer type. The managed reader must behave like the
    /// real one call by call (DssText.AssertSameUnpack defines the single allowed difference).
    /// </summary>
    [Test]
    public void Garbled_random_messages_fail_like_real_library()
    {
        var random = new Random(Seed(Environment.TickCount ^ 0x5eed));
        var cases = new List<(DssBufferType Mode, byte[] Bytes, (string Type, int Capacity)[] Declared)>();
        for (var i = 0; i < GarbledCount; i++)
        {
            var m = NextMessage(random, i);
            var bytes = DssText.Pack(m.Mode, m.Items);
            var declared = m.Declared.ToArray();
            var mode = m.Mode;
            switch (random.Next(5))
            {
                case 0:
                    bytes = bytes[..random.Next(bytes.Length + 1)];
                    break;
                case 1:
                    FlipBits(random, bytes, 1 + random.Next(4));
                    break;
                case 2:
                    for (var k = 0; k < declared.Length; k++)
                    {
                        if (random.Next(3) == 0) declared[k] = (DssText.AllTypes[random.Next(DssText.AllTypes.Length)], declared[k].Capacity);
                    }
                    break;
                case 3:
                    for (var k = 0; k < declared.Length; k++)
                    {
                        declared[k] = (declared[k].Type, random.Next(0, 3));
                    }
                    break;
                default:
                    mode = mode == DssBufferType.NonDescribed ? DssBufferType.FullyDescribed : DssBufferType.NonDescribed;
                    break;
            }
            cases.Add((mode, bytes, declared));
        }

        var responses = DssOracle.Shared.Ask(cases.Select(c => DssText.UnpackRequest(c.Mode, c.Bytes, c.Declared)).ToArray());
        var nonSuccess = 0;
        for (var i = 0; i < cases.Count; i++)
        {
            var (mode, bytes, declared) = cases[i];
            var real = DssText.ParseUnpackResponse(responses[i], declared);
            var managed = DssText.Unpack(mode, bytes, declared);
            DssText.AssertSameUnpack(mode, bytes, declared, real, managed, $"garbled case {i}");
            nonSuccess += real.Count(r => r.Status != OpalStatus.Success);
        }
        // the garbling must actually produce failures, or this test would prove nothing
        Assert.That(nonSuccess, Is.GreaterThan(GarbledCount / 2));
        TestContext.Out.WriteLine($"{GarbledCount} garbled messages, {nonSuccess} failing unpack calls compared");
    }

    internal static void FlipBits(Random random, byte[] bytes, int flips)
    {
        if (bytes.Length == 0) return;
        for (var f = 0; f < flips; f++)
        {
            bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
        }
    }

    internal sealed record RandomMessage(DssBufferType Mode, IReadOnlyList<DssItem> Items, IReadOnlyList<(string Type, int Capacity)> Declared)
    {
        public string Describe() => $"mode {DssText.Mode(Mode)}: " + string.Join(" ", Items.Select(item =>
            item.Type + "[" + item.Values.Count + "]"));
    }

    internal static RandomMessage NextMessage(Random random, int index)
    {
        var mode = index % 2 == 0 ? DssBufferType.NonDescribed : DssBufferType.FullyDescribed;
        var items = new List<DssItem>();
        var declared = new List<(string, int)>();
        var itemCount = 1 + random.Next(8);
        for (var k = 0; k < itemCount; k++)
        {
            var type = DssText.AllTypes[random.Next(DssText.AllTypes.Length)];
            var roll = random.Next(100);
            var count = roll < 70 ? 1 : roll < 80 ? 0 : 2 + random.Next(4);
            var values = Enumerable.Range(0, count).Select(_ => RandomValue(random, type)).ToArray();
            items.Add(new DssItem(type, values));
            // capacity 0 would stop at the count; extra capacity is allowed and must not matter
            declared.Add((type, Math.Max(count, 1) + random.Next(3)));
        }
        return new RandomMessage(mode, items, declared);
    }

    private static string RandomValue(Random random, string type)
    {
        string S(long v) => v.ToString(CultureInfo.InvariantCulture);
        string U(ulong v) => v.ToString(CultureInfo.InvariantCulture);
        ulong Bits() => (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63);
        // bias towards edge values, which is where width and sign conversions go wrong
        ulong Edge() => random.Next(4) switch
        {
            0 => 0,
            1 => ulong.MaxValue,
            2 => 1UL << random.Next(64),
            _ => Bits(),
        };
        return type switch
        {
            "byte" or "uint8" => U((byte)Edge()),
            "int8" => S((sbyte)Edge()),
            "int16" => S((short)Edge()),
            "uint16" => U((ushort)Edge()),
            "int32" or "int" or "pid" => S((int)Edge()),
            "uint32" or "jobid" or "vpid" => U((uint)Edge()),
            "int64" => S((long)Edge()),
            "uint64" or "size" => U(Edge()),
            "bool" => random.Next(2).ToString(CultureInfo.InvariantCulture),
            "name" => U((uint)Edge()) + "." + U((uint)Edge()),
            "string" => RandomString(random),
            _ => throw new ArgumentException(type),
        };
    }

    private static string RandomString(Random random)
    {
        var roll = random.Next(100);
        if (roll < 10) return "~";
        if (roll < 15) return "x";
        var length = roll < 75 ? random.Next(1, 40) : random.Next(1, 4097);
        var bytes = new byte[length];
        random.NextBytes(bytes);
        // mostly C strings without an embedded 00; a few with one, to check the strlen cut on both sides
        var keepZeros = random.Next(20) == 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == 0 && !keepZeros) bytes[i] = (byte)random.Next(1, 256);
        }
        return DssText.CString(bytes);
    }
}

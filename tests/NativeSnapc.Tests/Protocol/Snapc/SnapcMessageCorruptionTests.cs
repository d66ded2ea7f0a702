using System;
using System.Collections.Generic;
using System.Linq;
using NativeSnapc.Protocol.Wire;
using NativeSnapc.Tests.Protocol.Dss;
using NUnit.Framework;

namespace NativeSnapc.Tests.Protocol.Snapc;

/// <summary>
/// Truncated and bit-flipped snapc messages, read with the shape the receiving C code unpacks: the managed
/// reader fails exactly like the real opal_dss (DssText.AssertSameUnpack: same status, count, offset and
/// values, up to the one documented malloc-failure equivalence), and the managed parsers never throw.
/// </summary>
[TestFixture]
internal sealed class SnapcMessageCorruptionTests
{
    private const int FlipsPerMessage = 300;

    private static readonly DssBufferType[] Modes = { DssBufferType.NonDescribed, DssBufferType.FullyDescribed };

    [Test]
    public void Every_prefix_of_every_message_fails_like_real_library()
    {
        var cases = new List<(SnapcMessageCase Message, DssBufferType Mode, byte[] Bytes)>();
        foreach (var message in SnapcMessageCases.All)
        {
            foreach (var mode in Modes)
            {
                var full = message.Build(mode).Payload;
                for (var length = 0; length < full.Length; length++)
                {
                    cases.Add((message, mode, full[..length]));
                }
            }
        }
        var responses = DssOracle.Shared.Ask(cases.Select(c => DssText.UnpackRequest(c.Mode, c.Bytes, c.Message.Declared)).ToArray());

        for (var i = 0; i < cases.Count; i++)
        {
            var (message, mode, bytes) = cases[i];
            var context = $"{message.Name}, mode {DssText.Mode(mode)}, prefix of {bytes.Length} bytes";
            var real = DssText.ParseUnpackResponse(responses[i], message.Declared);
            var managed = DssText.Unpack(mode, bytes, message.Declared);
            DssText.AssertSameUnpack(mode, bytes, message.Declared, real, managed, context);

            // A C receiver stops at its first failing unpack; a strict prefix always has one, and the
            // managed parser must report that same status (the managed call-by-call results were just
            // shown to equal the real ones).
            var firstFailure = managed.First(r => r.Status != OpalStatus.Success).Status;
            var parsed = OpalStatus.Success;
            Assert.DoesNotThrow(() => parsed = message.Parse(bytes, mode), context);
            Assert.That(parsed, Is.EqualTo(firstFailure), context + ": parser status vs the real library's first failure");
        }
        TestContext.Out.WriteLine($"{cases.Count} prefixes of {SnapcMessageCases.All.Count * Modes.Length} golden messages compared");
    }

    [Test]
    public void Bit_flipped_messages_fail_like_real_library()
    {
        var random = new Random(DssRandomOracleTests.Seed(Environment.TickCount ^ 0xf11b));
        var cases = new List<(SnapcMessageCase Message, DssBufferType Mode, byte[] Bytes)>();
        foreach (var message in SnapcMessageCases.All)
        {
            foreach (var mode in Modes)
            {
                var full = message.Build(mode).Payload;
                for (var k = 0; k < FlipsPerMessage; k++)
                {
                    var bytes = (byte[])full.Clone();
                    DssRandomOracleTests.FlipBits(random, bytes, 1 + random.Next(3));
                    cases.Add((message, mode, bytes));
                }
            }
        }
        var responses = DssOracle.Shared.Ask(cases.Select(c => DssText.UnpackRequest(c.Mode, c.Bytes, c.Message.Declared)).ToArray());

        var failures = 0;
        for (var i = 0; i < cases.Count; i++)
        {
            var (message, mode, bytes) = cases[i];
            var context = $"{message.Name}, mode {DssText.Mode(mode)}, flipped {DssText.Hex(bytes)}";
            var real = DssText.ParseUnpackResponse(responses[i], message.Declared);
            var managed = DssText.Unpack(mode, bytes, message.Declared);
            DssText.AssertSameUnpack(mode, bytes, message.Declared, real, managed, context);
            failures += real.Any(r => r.Status != OpalStatus.Success) ? 1 : 0;
            // parsers follow the values they read (event, mig_num), so only "never throws" is asserted here
            Assert.DoesNotThrow(() => message.Parse(bytes, mode), context);
        }
        Assert.That(failures, Is.GreaterThan(cases.Count / 4), "bit flips should break a good share of the messages");
        TestContext.Out.WriteLine($"{cases.Count} bit-flipped messages compared, {failures} with a failing unpack");
    }
}

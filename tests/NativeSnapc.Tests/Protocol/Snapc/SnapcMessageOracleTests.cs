using System.Collections.Generic;
using System.Linq;
using NativeSnapc.Protocol.Wire;
using NativeSnapc.Tests.Protocol.Dss;
using NUnit.Framework;

namespace NativeSnapc.Tests.Protocol.Snapc;

/// <summary>
/// Every snapc message of docs/dss.md, in both buffer types: the managed builder's bytes equal what
/// the real opal_dss.pack makes of the same calls, the real opal_dss.unpack reads the managed bytes back
/// to the same values, and the managed parser does too.
/// </summary>
[TestFixture]
internal sealed class SnapcMessageOracleTests
{
    private static IEnumerable<TestCaseData> Cases() =>
        from c in SnapcMessageCases.All
        from mode in new[] { DssBufferType.NonDescribed, DssBufferType.FullyDescribed }
        select new TestCaseData(c, mode).SetArgDisplayNames(c.Name, mode.ToString());

    [TestCaseSource(nameof(Cases))]
    public void Managed_bytes_equal_real_pack_and_real_unpack_reads_them_back(SnapcMessageCase message, DssBufferType mode)
    {
        var (status, ours) = message.Build(mode);
        Assert.That(status, Is.EqualTo(OpalStatus.Success));

        var oracle = DssOracle.Shared;
        var real = DssText.ParsePackResponse(oracle.Ask(DssText.PackRequest(mode, message.Items)), message.Items.Count);
        Assert.That(DssText.Hex(ours), Is.EqualTo(DssText.Hex(real)), "managed bytes vs the real opal_dss.pack");

        var declared = message.Declared;
        var unpacked = DssText.ParseUnpackResponse(oracle.Ask(DssText.UnpackRequest(mode, ours, declared)), declared);
        for (var i = 0; i < declared.Count; i++)
        {
            Assert.That(unpacked[i].Status, Is.EqualTo(OpalStatus.Success), $"real unpack #{i} of {message.Name}");
            Assert.That(unpacked[i].Count, Is.EqualTo(1));
            Assert.That(unpacked[i].Values, Is.EqualTo(DssText.ExpectedValues(message.Items[i])), $"value #{i}");
        }
        Assert.That(unpacked[^1].Position, Is.EqualTo(ours.Length), "the real unpack consumed every byte");

        // and the managed reader agrees with the real one call by call, including offsets
        DssText.AssertSameUnpack(mode, ours, declared, unpacked, DssText.Unpack(mode, ours, declared), message.Name);
        message.AssertParsesBack(ours, mode);
    }

    /// <summary>
    /// Cross-check of the documented vectors (docs/dss.md, both golden-vector sections) against the real
    /// library and the managed builder. The real library is the authority; these only guard the docs.
    /// </summary>
    [TestCase("INIT", DssBufferType.NonDescribed, "00000001080000000 11a2b0001000000010900000001")]
    [TestCase("LOCAL_FINISH(CONTINUE)", DssBufferType.NonDescribed, "0000000105000000010900000004")]
    [TestCase("LOCAL_UPDATE", DssBufferType.NonDescribed, "00000001040000000 11a2b00010000000300000001 0e00003039")]
    [TestCase("LOCAL_UPDATE+CRDEBUG(true)", DssBufferType.NonDescribed, "0000000104000000011a2b000100000003000000010e00003039000000010c01")]
    [TestCase("RESTART(7,handle)", DssBufferType.NonDescribed,
        "00000001080000000 11a2b0001000000010900000005 00000001090000000 7 000000010000001f" +
        "6f6d70695f676c6f62616c5f736e617073686f745f313233342e636b707400")]
    [TestCase("RESTART(-1,NULL)", DssBufferType.NonDescribed, "0000000108000000011a2b000100000001090000000500000001 09ffffffff0000000100000000")]
    [TestCase("MIGRATE(spec)", DssBufferType.NonDescribed,
        "0000000108000000011a2b0001000000010900000006 000000010900000002" +
        "000000010900000000 00000001000000076e6f6465303700 0000000109ffffffff 000000010900000000" +
        "000000010900000005 000000010000000100 000000010900000002 000000010900000001")]
    [TestCase("FIN_ACK", DssBufferType.NonDescribed, "0000000108000000010900000003")]
    [TestCase("CHECKPOINT_DONE", DssBufferType.NonDescribed, "0000000108000000010900000004000000010900000000")]
    [TestCase("CHECKPOINT_FAILED", DssBufferType.NonDescribed, "00000001080000000109000000040000000109ffffffff")]
    [TestCase("MIGRATE_DONE", DssBufferType.NonDescribed, "0000000108000000010900000006000000010900000000")]
    [TestCase("INIT", DssBufferType.FullyDescribed, "09000000010c08 09000000011e0e1a2b0001 0900000001060900000001")]
    [TestCase("LOCAL_UPDATE", DssBufferType.FullyDescribed, "09000000010c04 09000000011d0e1a2b00010e00000003 0900000001050e00003039")]
    [TestCase("LOCAL_UPDATE+CRDEBUG(true)", DssBufferType.FullyDescribed, "09000000010c04 09000000011d0e1a2b00010e00000003 0900000001050e00003039 0900000001020c01")]
    [TestCase("FIN_ACK", DssBufferType.FullyDescribed, "09000000010c08 0900000001060900000003")]
    [TestCase("CHECKPOINT_DONE", DssBufferType.FullyDescribed, "09000000010c08 0900000001060900000004 0900000001060900000000")]
    public void Documented_vector_matches_real_library_and_managed_builder(string name, DssBufferType mode, string documentedHex)
    {
        var documented = documentedHex.Replace(" ", "");
        var message = SnapcMessageCases.Get(name);
        var real = DssText.ParsePackResponse(DssOracle.Shared.Ask(DssText.PackRequest(mode, message.Items)), message.Items.Count);
        Assert.That(DssText.Hex(real), Is.EqualTo(documented), "the spec's vector vs the real library");
        Assert.That(DssText.Hex(message.Build(mode).Payload), Is.EqualTo(documented), "the spec's vector vs the managed builder");
    }

    [Test]
    public void Every_message_of_the_spec_is_covered()
    {
        var names = SnapcMessageCases.All.Select(c => c.Name).ToArray();
        foreach (var prefix in new[] { "INIT", "FIN", "CHECKPOINT", "RESTART", "MIGRATE", "QUIESCE_START", "QUIESCE_END",
                     "LOCAL_FINISH", "LOCAL_UPDATE", "LOCAL_UPDATE+CRDEBUG", "FIN_ACK", "CHECKPOINT_DONE", "MIGRATE_DONE" })
        {
            Assert.That(names, Has.Some.StartsWith(prefix), prefix);
        }
    }
}

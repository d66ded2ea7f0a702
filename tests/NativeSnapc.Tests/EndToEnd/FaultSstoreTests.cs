using System;
using System.Linq;
using NativeSnapc.Protocol.Wire;
using NativeSnapc.Tests.Support;
using NUnit.Framework;
using static NativeSnapc.Tests.EndToEnd.FaultScenario;

namespace NativeSnapc.Tests.EndToEnd;

/// <summary>
/// A snapshot store that lost the global attributes of a checkpoint (ref_peer --sstore-fault noref: the PULL
/// reply carries seq -1 and a NULL global reference, the local location and metadata as usual). The original
/// did atoi(NULL) here; the library reports what it could not learn.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class FaultSstoreTests
{
    [Test]
    public void Missing_sequence_and_reference_are_reported_as_minus_one_and_unknown()
    {
        using var runtime = new ReferenceRuntime(["--sstore-fault", "noref"]);
        var app = runtime.RunApp(
            ["init", "request:checkpoint", "request:quiesce_start", "request:quiesce_checkpoint", "request:quiesce_end", "finalize"],
            bound: TimeSpan.FromSeconds(60));

        AssertEndedByItself(runtime, app, 0);
        Assert.That(runtime.PeerLinesStartingWith("SEND to=0 tag=44 SSTORE_PULL_REPLY"),
            Has.Count.EqualTo(2).And.All.Contains("seq=-1 ref=(null)").And.All.Contains("fault=noref"));
        var steps = app.StepsOf(0);
        foreach (var step in new[] { steps[1], steps[3] })
        {
            Assert.That(step.Rc, Is.EqualTo(OpalStatus.Success), runtime.Transcript());
            Assert.That((step["seq"], step["handle"]), Is.EqualTo(("-1", "Unknown")), step.Step);
        }
        Assert.That(steps.Select(s => s.Rc), Is.All.EqualTo(OpalStatus.Success));
        Assert.That(CheckpointsTaken(app), Is.EqualTo(2), "the checkpoint and the quiesced one were taken all the same");
        AssertNoPipeFilesLeft(runtime);
    }
}

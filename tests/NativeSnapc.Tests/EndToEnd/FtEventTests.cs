using System.Linq;
using NativeSnapc.Tests.Support;
using NUnit.Framework;
using static NativeSnapc.Tests.EndToEnd.ProtocolRun;

namespace NativeSnapc.Tests.EndToEnd;

/// <summary>
/// app_coord_ft_event called directly for every opal_crs_state_type_t (docs/protocol.md#init-finalize-and-ft_event):
/// CHECKPOINT records the session directory on the current sstore handle, RESTART sends LOCAL_UPDATE with getpid(), the
/// others do nothing; unknown states (8 = OPAL_CRS_STATE_MAX, -1, 99) are refused, and so is any call outside
/// init..finalize.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class FtEventTests
{
    [Test]
    public void Every_state_between_init_and_finalize_and_none_outside_it()
    {
        using var runtime = new ReferenceRuntime();
        var states = Enumerable.Range(0, 9).Append(-1).Append(99).ToList();
        var steps = new[] { "ft_event:4", "init" }.Concat(states.Select(s => $"ft_event:{s}")).Concat(new[] { "finalize", "ft_event:3" });
        var app = runtime.RunApp(steps, bound: RunBound);
        var peerExit = runtime.WaitForPeer();

        AssertEndedByItself(runtime, app, 1);
        Assert.That(peerExit, Is.EqualTo(0), runtime.Transcript());
        var results = app.Steps.Where(s => s.Step.StartsWith("ft_event:", System.StringComparison.Ordinal)).Select(s => $"{s.Step}={s.Rc}").ToList();
        Assert.That(results, Is.EqualTo(new[]
        {
            $"ft_event:4={OpalErrNotInitialized}",
            "ft_event:0=0", "ft_event:1=0", "ft_event:2=0", "ft_event:3=0", "ft_event:4=0", "ft_event:5=0", "ft_event:6=0", "ft_event:7=0",
            $"ft_event:8={OpalErrBadParam}", $"ft_event:-1={OpalErrBadParam}", $"ft_event:99={OpalErrBadParam}",
            $"ft_event:3={OpalErrNotInitialized}",
        }), runtime.Transcript());

        // CHECKPOINT: LOCAL_MKDIR (key 5) with the job session directory on orte_sstore_handle_current (0 outside
        // a checkpoint, which sstore rejects — ignored, as in the original).
        var ident = Ident(app);
        Assert.That(app.LinesStartingWith("SSTORE "), Is.EqualTo(new[] { $"SSTORE set_attr vpid=0 handle=0 key=5 rc=-13 value={ident["session"]}" }));
        // RESTART: exactly one LOCAL_UPDATE (the one inside init..finalize), with this process's name and pid.
        var update = Received(runtime, "LOCAL_UPDATE");
        Assert.That(update, Has.Count.EqualTo(1), runtime.Transcript());
        Assert.That(update[0], Does.StartWith($"RECV from=0 tag=24 LOCAL_UPDATE jobid={ident["jobid"]} vpid=0 pid={ident["pid"]} to=daemon conn=1 bytes=26 "));
        // ref_app's own lines (stdout, in order; the library's log goes to stderr): the send belongs to step 6.
        var lines = RankLines(app, 0).Where(l => l.StartsWith("HOST ", System.StringComparison.Ordinal) || l.StartsWith("STEP ", System.StringComparison.Ordinal)).ToList();
        Assert.That(IndexOf(lines, l => l.StartsWith("HOST send vpid=0 tag=24 to=daemon bytes=26 ", System.StringComparison.Ordinal)),
            Is.EqualTo(IndexOf(lines, l => l.StartsWith("STEP 6 ft_event:3 ", System.StringComparison.Ordinal)) - 1));
        // Nothing else reached the daemon or the HNP.
        Assert.That(app.LinesStartingWith("HOST send vpid=0 tag=24 "), Has.Count.EqualTo(1));
        Assert.That(RequestNames(runtime), Is.EqualTo(new[] { "init", "fin" }));
        Assert.That(Received(runtime, "LOCAL_FINISH"), Is.Empty);
        AssertCleanWire(runtime, app);
        AssertNoPipeFilesLeft(runtime);
    }
}

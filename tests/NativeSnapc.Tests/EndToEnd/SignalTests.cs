using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using NativeSnapc.Tests.Support;
using NUnit.Framework;
using static NativeSnapc.Tests.EndToEnd.ProtocolRun;

namespace NativeSnapc.Tests.EndToEnd;

/// <summary>
/// The checkpoint entry-point signal in a real MPI process (docs/architecture.md#layers, Channels/Signals;
/// docs/protocol.md, defect 8): init installs a handler for that signal only, finalize puts the previous disposition
/// back, a late signal then meets that disposition, and a storm of signals during a checkpoint neither crashes the
/// process nor moves the FIFO ids out of step.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class SignalTests
{
    private static readonly string[] Watched = { "INT", "QUIT", "TERM", "CONT", "CHLD", "USR1", "USR2", "PIPE", "HUP" };

    /// <summary>Signal name → disposition (kind/flags, SA_RESTORER masked) of one SIGDISP line.</summary>
    private static Dictionary<string, string> Snapshot(AppRun app, string label) =>
        Dispositions(app, label).Where(f => Watched.Contains(f.Key)).ToDictionary(f => f.Key, f => WithoutRestorer(f.Value));

    [Test]
    public void Init_changes_only_the_entry_signal_and_finalize_restores_the_previous_handler()
    {
        using var runtime = new ReferenceRuntime();
        // ref_app's own counting handler is SIGUSR1's disposition before init.
        var app = runtime.RunApp(new[]
        {
            "disposition:handler", "dispositions:before", "init", "dispositions:init", "finalize", "dispositions:finalize",
            "signal-self", "loop:100", "dispositions:late",
        }, bound: RunBound);
        var peerExit = runtime.WaitForPeer();

        AssertEndedByItself(runtime, app, 0);
        Assert.That(peerExit, Is.EqualTo(0), runtime.Transcript());
        var before = Snapshot(app, "before");
        var afterInit = Snapshot(app, "init");
        var afterFinalize = Snapshot(app, "finalize");
        Assert.That(Ident(app)["signal"], Is.EqualTo("10"), "SIGUSR1 is the entry-point signal");
        Assert.That(before["USR1"], Is.EqualTo("ref/0x10000000"), "ref_app's handler with SA_RESTART");

        // After init: the library's handler (sigaction, SA_RESTART) for SIGUSR1; every other signal as before
        // (SIGPIPE aside: see SIGPIPE_keeps_its_disposition_across_init).
        Assert.That(afterInit["USR1"], Does.Match("^0x[0-9a-f]+/0x10000000$"), string.Join(" ", afterInit));
        foreach (var name in Watched.Where(n => n is not "USR1" and not "PIPE"))
        {
            Assert.That(afterInit[name], Is.EqualTo(before[name]), $"SIG{name} after init");
            Assert.That(afterFinalize[name], Is.EqualTo(before[name]), $"SIG{name} after finalize");
        }
        // After finalize: exactly the previous disposition, and a late signal reaches the previous handler.
        Assert.That(afterFinalize["USR1"], Is.EqualTo(before["USR1"]));
        Assert.That(Field(RankLines(app, 0, "SIGDISP ").Single(l => l.Contains(" label=finalize ")), "caught"), Is.EqualTo("0"));
        Assert.That(Field(RankLines(app, 0, "SIGDISP ").Single(l => l.Contains(" label=late ")), "caught"), Is.EqualTo("1"));
        Assert.That(app.Steps.Select(s => s.Rc), Is.All.EqualTo(0));
        Assert.That(runtime.PeerLines.Where(l => l.StartsWith("FIFO ", StringComparison.Ordinal) || l.StartsWith("CKPT ", StringComparison.Ordinal)), Is.Empty);
        AssertCleanWire(runtime, app);
        AssertNoPipeFilesLeft(runtime);
    }

    [Test]
    public void SIGPIPE_keeps_its_disposition_across_init()
    {
        using var runtime = new ReferenceRuntime();
        // The test host ignores SIGPIPE and its children inherit that: start from the default, as under a shell.
        var app = runtime.RunApp(new[] { "sigpipe-default", "dispositions:before", "init", "dispositions:init", "finalize", "dispositions:finalize" }, bound: RunBound);
        runtime.WaitForPeer();

        var before = Snapshot(app, "before")["PIPE"];
        Assert.That(before, Does.StartWith("dfl/"), "SIGPIPE at its default, as under a shell");
        Assert.That(Snapshot(app, "init")["PIPE"], Is.EqualTo(before), "after init");
        Assert.That(Snapshot(app, "finalize")["PIPE"], Is.EqualTo(before), "after finalize");
    }

    [Test]
    public void A_late_signal_after_finalize_meets_the_previously_ignored_disposition_and_does_nothing()
    {
        using var runtime = new ReferenceRuntime();
        var app = runtime.RunApp(new[]
        {
            "disposition:ignore", "init", "finalize", "dispositions:after", "signal-self:3", "loop:100", "dispositions:late",
        }, bound: RunBound);
        var peerExit = runtime.WaitForPeer();

        // Alive to the end: SIGUSR1 is ignored again, nothing recorded a request, no FIFO was made.
        AssertEndedByItself(runtime, app, 0);
        Assert.That(peerExit, Is.EqualTo(0), runtime.Transcript());
        Assert.That(Snapshot(app, "after")["USR1"], Is.EqualTo("ign/0x0"));
        Assert.That(Snapshot(app, "late")["USR1"], Is.EqualTo("ign/0x0"));
        Assert.That(app.Step("signal-self:3")["count"], Is.EqualTo("3"));
        Assert.That(app.Steps.Select(s => s.Rc), Is.All.EqualTo(0));
        Assert.That(app.LinesStartingWith("SSTORE "), Is.Empty);
        Assert.That(app.LinesStartingWith("HOST send vpid=0 tag=24 "), Is.Empty);
        AssertCleanWire(runtime, app);
        AssertNoPipeFilesLeft(runtime);
    }

    [Test]
    public void A_storm_of_ten_thousand_signals_during_a_checkpoint_leaves_the_ids_in_step()
    {
        // The peer sends 10,000 signals back to back where one belongs, then runs the handshake; right after
        // that checkpoint's LOCAL_FINISH it signals the next one, which must find id 1 on both sides.
        using var runtime = new ReferenceRuntime(new[] { "--on", "init+100=storm 10000", "--on", "local_finish#1=checkpoint" });
        var app = runtime.RunApp(new[] { "init", "loop:30000:2", "finalize" }, bound: RunBound);
        var peerExit = runtime.WaitForPeer();

        AssertEndedByItself(runtime, app, 0);
        Assert.That(peerExit, Is.EqualTo(0), runtime.Transcript());
        var pid = Ident(app)["pid"];
        Assert.That(runtime.PeerLinesStartingWith("SIGNAL "), Is.EqualTo(new[]
        {
            $"SIGNAL vpid=0 pid={pid} id=0 signo=10 count=10000", $"SIGNAL vpid=0 pid={pid} id=1 signo=10 count=1",
        }));
        for (var id = 0; id < 2; id++)
        {
            Assert.That(FifoStepNames(runtime, 0, id), Is.EqualTo(new[]
            {
                "open", $"options=0,0,0,0,0,0 handle={id + 1}", "response=0", "sentinel=0", "final=4 finished", "released",
            }), $"checkpoint {id + 1}\n{runtime.Transcript()}");
        }
        Assert.That(app.LinesStartingWith("CRS result"), Has.Count.EqualTo(2), "one checkpoint per request, none for the extra signals");
        Assert.That(Received(runtime, "LOCAL_FINISH").Select(l => Field(l, "cr_state")), Is.EqualTo(new[] { "4", "4" }));
        Assert.That(runtime.PeerLinesStartingWith("CKPT done").Select(l => Field(l, "result")), Is.EqualTo(new[] { "ok", "ok" }));
        // The extra signals that were delivered (the kernel merges pending ones) are reported, outside the handler.
        var ignored = app.Lines.Where(l => l.Contains("Already checkpointing. Ignored them!")).ToList();
        Assert.That(ignored, Has.Count.LessThanOrEqualTo(1), runtime.Transcript());
        foreach (var line in ignored)
        {
            Assert.That(int.Parse(Regex.Match(line, @"Received (\d+) signal").Groups[1].Value), Is.InRange(1, 9999));
        }
        AssertCleanWire(runtime, app);
        AssertNoPipeFilesLeft(runtime);
    }
}

using System;
using System.Linq;
using NativeSnapc.Protocol.Wire;
using NativeSnapc.Tests.Support;
using NUnit.Framework;
using static NativeSnapc.Tests.EndToEnd.FaultScenario;

namespace NativeSnapc.Tests.EndToEnd;

/// <summary>
/// The exports called wrongly by the MPI process hosting the library: out of order, with bad requests, or in a
/// stock Open MPI 4.1 process whose C/R slots are empty. Each call is an error code, nothing is sent for it,
/// and the coordinator still works afterwards.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class FaultMisuseTests
{
    [Test]
    public void Calls_out_of_order_are_errors_and_leave_the_coordinator_working()
    {
        using var runtime = new ReferenceRuntime();
        (string Step, int[] Rc)[] script =
        [
            ("finalize", [OpalStatus.NotInitialized]),
            ("ft_event:1", [OpalStatus.NotInitialized]),
            ("request:checkpoint", [OpalStatus.NotInitialized]),
            ("raw:request-null", [OpalStatus.NotInitialized]),
            ("raw:request-event:42", [OpalStatus.NotInitialized]),
            ("init", [OpalStatus.Success]),
            ("init", [OpalStatus.Exists]),
            ("request:quiesce_end", [OpalStatus.Error]),
            ("request:quiesce_checkpoint", [OpalStatus.Error]),
            ("ft_event:99", [OpalStatus.BadParam]),
            ("ft_event:-1", [OpalStatus.BadParam]),
            ("request:checkpoint", [OpalStatus.Success]),
            ("finalize", [OpalStatus.Success]),
            ("finalize", [OpalStatus.NotInitialized]),
            ("ft_event:1", [OpalStatus.NotInitialized]),
            ("request:checkpoint", [OpalStatus.NotInitialized]),
            // After finalize the NULL check comes first: either code is a clean refusal.
            ("raw:request-null", [OpalStatus.BadParam, OpalStatus.NotInitialized]),
        ];
        var app = runtime.RunApp(script.Select(s => s.Step), bound: TimeSpan.FromSeconds(60));

        AssertEndedByItself(runtime, app, 1);
        AssertStepCodes(runtime, app, script);
        Assert.That(app.StepsOf(0)[11]["seq"], Is.EqualTo("0"), "the checkpoint between the wrong calls worked");
        Assert.That(CheckpointsTaken(app), Is.EqualTo(1));
        AssertOnlyTheseRequestsReachedTheHnp(runtime, "INIT", "CHECKPOINT", "FIN");
        AssertNoPipeFilesLeft(runtime);
    }

    [Test]
    public void Malformed_requests_are_BAD_PARAM_and_send_nothing()
    {
        using var runtime = new ReferenceRuntime();
        (string Step, int[] Rc)[] script =
        [
            ("init", [OpalStatus.Success]),
            ("raw:request-null", [OpalStatus.BadParam]),
            ("raw:request-event:42", [OpalStatus.BadParam]),
            ("raw:request-event:-1", [OpalStatus.BadParam]),
            // NONE, INIT, FIN, FIN_ACK: events of the protocol, but not ones an application requests.
            ("raw:request-event:0", [OpalStatus.BadParam]),
            ("raw:request-event:1", [OpalStatus.BadParam]),
            ("raw:request-event:2", [OpalStatus.BadParam]),
            ("raw:request-event:3", [OpalStatus.BadParam]),
            // MIGRATE whose mig_num disagrees with its (NULL) arrays.
            ("raw:migrate-num:-1", [OpalStatus.BadParam]),
            ("raw:migrate-num:2", [OpalStatus.BadParam]),
            ("raw:migrate-num:2147483647", [OpalStatus.BadParam]),
            ("request:checkpoint", [OpalStatus.Success]),
            ("finalize", [OpalStatus.Success]),
        ];
        var app = runtime.RunApp(script.Select(s => s.Step), bound: TimeSpan.FromSeconds(60));

        AssertEndedByItself(runtime, app, 1);
        AssertStepCodes(runtime, app, script);
        Assert.That(app.Lines, Has.Some.Contains("the request datum is NULL"));
        Assert.That(app.Lines, Has.Some.Contains("42 is not an operation an application can request"));
        Assert.That(app.Lines, Has.Some.Contains("MIGRATE needs mig_num").And.Contains("mig_num 2147483647"));
        AssertOnlyTheseRequestsReachedTheHnp(runtime, "INIT", "CHECKPOINT", "FIN");
    }

    [Test]
    public void Stock_Open_MPI_process_refuses_init_naming_every_empty_slot_in_one_line()
    {
        using var runtime = new ReferenceRuntime();
        (string Step, int[] Rc)[] script =
        [
            ("init", [OpalStatus.NotFound]),
            ("init", [OpalStatus.NotFound]),
            ("finalize", [OpalStatus.NotInitialized]),
            ("ft_event:1", [OpalStatus.NotInitialized]),
            ("request:checkpoint", [OpalStatus.NotInitialized]),
            ("raw:request-null", [OpalStatus.NotInitialized]),
        ];
        // --no-host: nothing of the C/R stack filled in, no peer connection — a 4.1 process as Debian ships it.
        var app = runtime.RunApp(script.Select(s => s.Step), appOptions: ["--no-host"], bound: TimeSpan.FromSeconds(60));

        AssertEndedByItself(runtime, app, 1);
        Assert.That(app.LinesStartingWith("HOST ready"), Has.One.Contains("filled=0"));
        AssertStepCodes(runtime, app, script);
        // MPI_Init filled opal_pmix and the RML API; no sstore component exists in 4.1: one line names every missing piece and where to read on.
        var refusals = app.Lines.Where(l => l.Contains("cannot bind to the Open MPI 4.1 host")).ToList();
        Assert.That(refusals, Has.Count.EqualTo(2), runtime.Transcript());
        Assert.That(refusals, Has.All.Contains("orte_sstore.register_handle, orte_sstore.get_attr, orte_sstore.set_attr and orte_sstore.sync are NULL"));
        Assert.That(refusals, Has.All.Contains("orte_mgmt_conduit is -1"));
        Assert.That(refusals, Has.All.Contains("README.md, \"What a host must provide\""));
        Assert.That(runtime.PeerLinesStartingWith("HELLO"), Is.Empty, "a stock process has no peer connection");
    }

    private static void AssertStepCodes(ReferenceRuntime runtime, AppRun app, (string Step, int[] Rc)[] script)
    {
        var steps = app.StepsOf(0);
        Assert.That(steps.Select(s => s.Step), Is.EqualTo(script.Select(s => s.Step)), runtime.Transcript());
        Assert.Multiple(() =>
        {
            for (var i = 0; i < script.Length; i++)
            {
                Assert.That(steps[i].Rc, Is.AnyOf(script[i].Rc.Cast<object>().ToArray()), $"step {i + 1} {script[i].Step}");
            }
        });
    }

    private static void AssertOnlyTheseRequestsReachedTheHnp(ReferenceRuntime runtime, params string[] events)
    {
        runtime.WaitForPeer();
        var requests = runtime.PeerLinesStartingWith("RECV").Where(l => l.Contains(" REQUEST_OP "))
            .Select(l => LineFields.Parse(l)["name"].ToUpperInvariant());
        Assert.That(requests, Is.EqualTo(events), runtime.Transcript());
        Assert.That(runtime.PeerLines, Has.None.Contains("UNDECODABLE"));
    }
}

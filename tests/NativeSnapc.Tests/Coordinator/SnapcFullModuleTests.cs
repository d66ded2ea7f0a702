using System.Collections.Generic;
using NativeSnapc.Abi;
using NativeSnapc.Coordinator;
using NativeSnapc.Diagnostics;
using NativeSnapc.Protocol.Wire;
using NUnit.Framework;

namespace NativeSnapc.Tests.Coordinator;

/// <summary>The snapc "full" module's dispatch (snapc_full_module.c at v4.1.4, application role only) against fakes.</summary>
[TestFixture]
[NonParallelizable] // swaps the process-wide Log sink
public sealed class SnapcFullModuleTests
{
    private readonly List<string> _log = [];
    private FakeState _state = null!;
    private FakeApp _app = null!;
    private SnapcFullModule _module = null!;

    private sealed class FakeState : ISnapcFullHostState
    {
        public uint? CoordType { get; set; } = SnapcCoordType.Unassigned;
        public bool OrteInitialized { get; set; } = true;
    }

    private sealed class FakeApp : IAppCoordinatorEntry
    {
        public List<string> Calls { get; } = [];
        public int InitReturn { get; set; }
        public int Init() { Calls.Add("init"); return InitReturn; }
        public int Finalize() { Calls.Add("finalize"); return OpalStatus.NotInitialized; }
        public int FtEvent(int state) { Calls.Add($"ft_event:{state}"); return 17; }
        public int RequestOp(IRequestOperationDatum datum) { Calls.Add($"request_op:{datum}"); return 18; }
    }

    /// <summary>The caller's datum, passed through untouched: it prints as the address it stands for.</summary>
    private sealed class FakeDatum(nint address) : IRequestOperationDatum
    {
        public RequestOperation? Read() => throw new AssertionException("the module read the datum");
        public void Write(RequestOperation operation) => throw new AssertionException("the module wrote the datum");
        public override string ToString() => address.ToString();
    }

    [SetUp]
    public void SetUp()
    {
        _log.Clear();
        Log.Sink = _log.Add;
        _state = new FakeState();
        _app = new FakeApp();
        _module = new SnapcFullModule(_state, _app);
    }

    [TearDown]
    public void TearDown() => Log.Sink = null;

    [Test]
    public void An_application_starts_the_coordinator_and_is_dispatched_to_it_until_finalize()
    {
        Assert.That(_module.Init(seed: false, app: true), Is.EqualTo(OpalStatus.Success));
        Assert.That(_state.CoordType, Is.EqualTo(SnapcCoordType.App));
        Assert.That(_module.FtEvent(1), Is.EqualTo(17));
        Assert.That(_module.RequestOp(new FakeDatum(0x1234)), Is.EqualTo(18));
        Assert.That(_module.Finalize(), Is.EqualTo(OpalStatus.Success), "app_coord_finalize's result is not passed on, as the original");
        Assert.That(_state.CoordType, Is.EqualTo(SnapcCoordType.Unassigned));
        Assert.That(_app.Calls, Is.EqualTo(new[] { "init", "ft_event:1", "request_op:4660", "finalize" }));
        Assert.That(_module.FtEvent(1), Is.EqualTo(OpalStatus.Success), "after finalize there is nothing to do");
    }

    [Test]
    public void A_failed_app_coord_init_is_returned_and_the_role_stays_recorded_as_the_original_does()
    {
        _app.InitReturn = OpalStatus.NotFound;
        Assert.That(_module.Init(false, true), Is.EqualTo(OpalStatus.NotFound));
        Assert.That(_state.CoordType, Is.EqualTo(SnapcCoordType.App));
        Assert.That(_module.Finalize(), Is.EqualTo(OpalStatus.Success));
        Assert.That(_state.CoordType, Is.EqualTo(SnapcCoordType.Unassigned));
    }

    [Test]
    public void Before_ORTE_is_initialized_an_application_init_succeeds_and_starts_nothing()
    {
        _state.OrteInitialized = false;
        Assert.That(_module.Init(false, true), Is.EqualTo(OpalStatus.Success));
        Assert.That(_state.CoordType, Is.EqualTo(SnapcCoordType.Unassigned));
        Assert.That(_app.Calls, Is.Empty);
        Assert.That(_module.FtEvent(1), Is.EqualTo(OpalStatus.Success));
        Assert.That(_module.RequestOp(new FakeDatum(1)), Is.EqualTo(OpalStatus.NotInitialized));
        Assert.That(_log, Has.Some.Contains("request_op: Error: no application coordinator runs in this process"));
        Assert.That(_module.Finalize(), Is.EqualTo(OpalStatus.Success));
        Assert.That(_app.Calls, Is.Empty);
    }

    [TestCase(true, false)]
    [TestCase(true, true)]
    [TestCase(false, false)]
    public void The_global_and_local_coordinator_roles_are_not_supported(bool seed, bool app)
    {
        Assert.That(_module.Init(seed, app), Is.EqualTo(OpalStatus.NotSupported));
        Assert.That(_state.CoordType, Is.EqualTo(SnapcCoordType.Unassigned));
        Assert.That(_app.Calls, Is.Empty);
        Assert.That(_log, Has.Some.Contains("module_init: Error: not supported").And.Contains("native-snapc provides the application coordinator only"));
    }

    [Test]
    public void Coordinator_only_operations_are_not_supported_with_a_log_line()
    {
        _module.Init(false, true);
        Assert.That(_module.SetupJob(7), Is.EqualTo(OpalStatus.NotSupported));
        Assert.That(_module.ReleaseJob(7), Is.EqualTo(OpalStatus.NotSupported));
        Assert.That(_module.StartCheckpoint(), Is.EqualTo(OpalStatus.NotSupported));
        Assert.That(_module.EndCheckpoint(), Is.EqualTo(OpalStatus.NotSupported));
        Assert.That(_log, Has.Some.StartsWith("snapc:full: setup_job: Error: not supported: job 7"));
        Assert.That(_log, Has.Some.StartsWith("snapc:full: end_ckpt: Error: not supported"));
        Assert.That(_app.Calls, Is.EqualTo(new[] { "init" }));
    }

    [Test]
    public void Without_libopen_rte_an_application_init_fails_naming_the_symbol()
    {
        _state.CoordType = null;
        Assert.That(_module.Init(false, true), Is.EqualTo(OpalStatus.NotFound));
        Assert.That(_log, Has.Some.Contains("orte_snapc_coord_type"));
        Assert.That(_module.Finalize(), Is.EqualTo(OpalStatus.Success));
        Assert.That(_module.RequestOp(new FakeDatum(0)), Is.EqualTo(OpalStatus.NotInitialized));
        Assert.That(_app.Calls, Is.Empty);
    }

    [Test]
    public void Only_exactly_the_application_type_is_dispatched_as_the_original_switch_does()
    {
        _state.CoordType = SnapcCoordType.App | SnapcCoordType.Global;
        Assert.That(_module.FtEvent(3), Is.EqualTo(OpalStatus.Success));
        Assert.That(_module.Finalize(), Is.EqualTo(OpalStatus.Success));
        Assert.That(_app.Calls, Is.Empty);
        Assert.That(_state.CoordType, Is.EqualTo(SnapcCoordType.Unassigned));
    }
}

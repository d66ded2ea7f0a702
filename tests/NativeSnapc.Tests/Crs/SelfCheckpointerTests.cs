using System.Collections.Generic;
using System.Linq;
using System.Text;
using NativeSnapc.Channels.Files;
using NativeSnapc.Crs;
using NativeSnapc.Diagnostics;
using NativeSnapc.Protocol.Wire;
using NUnit.Framework;

namespace NativeSnapc.Tests.Crs;

/// <summary>
/// The decisions of the CRS "self" checkpointer (docs/crs.md#crs-self, defects fixed) against a fake process,
/// in-memory metadata files and a fake caller's snapshot.
/// </summary>
[TestFixture]
[NonParallelizable] // swaps the process-wide Log sink
public sealed class SelfCheckpointerTests
{
    private const string MetadataPath = "/snap/opal_snapshot_0.ckpt/snapshot_meta.data";
    private const string Sstore = "# Timestamp: Thu Jan  1 00:00:00 1970\n# PID: 4242\n";

    private readonly List<string> _log = [];
    private FakeSelfHost _host = null!;
    private MemoryMetadataFiles _files = null!;
    private SelfSettings _settings = null!;
    private SelfCheckpointer _crs = null!;

    [SetUp]
    public void SetUp()
    {
        _log.Clear();
        Log.Sink = _log.Add;
        _host = new FakeSelfHost();
        _files = new MemoryMetadataFiles();
        _files.Files[MetadataPath] = Encoding.UTF8.GetBytes(Sstore);
        _settings = new SelfSettings();
        _crs = new SelfCheckpointer(_host, _files, () => _settings);
    }

    [TearDown]
    public void TearDown() => Log.Sink = null;

    private static FakeCallerCrsSnapshot Snapshot() => new() { MetadataFilename = MetadataPath, SnapshotDirectory = "/snap/opal_snapshot_0.ckpt" };

    private void AssertLogged(string text) =>
        Assert.That(_log, Has.Some.Contains(text), () => "log:\n" + string.Join("\n", _log));

    // ---- query, init ----

    [Test]
    public void Query_offers_the_module_with_its_priority_when_the_checkpoint_callback_exists()
    {
        _settings = _settings with { Priority = 33, Prefix = "my_app" };
        Assert.That(_crs.Query(), Is.EqualTo(new SelfQueryResult(OpalStatus.Success, 33, true)));
        Assert.That(_host.PrefixesLookedUp, Is.EqualTo(new[] { "my_app" }));
    }

    [Test]
    public void Query_without_a_checkpoint_callback_or_with_checkpoints_disabled_offers_nothing()
    {
        _host.Callbacks = new FakeCallbacks { HasCheckpoint = false };
        Assert.That(_crs.Query(), Is.EqualTo(new SelfQueryResult(OpalStatus.Error, -1, false)));
        _host.Callbacks = new FakeCallbacks();
        _crs.DisableCheckpoint();
        Assert.That(_crs.Query(), Is.EqualTo(new SelfQueryResult(OpalStatus.Error, -1, false)));
    }

    [Test]
    public void A_tool_gets_the_module_at_priority_zero_without_callbacks()
    {
        _host.IsTool = true;
        _host.Callbacks = new FakeCallbacks { HasCheckpoint = false };
        Assert.That(_crs.Query(), Is.EqualTo(new SelfQueryResult(OpalStatus.Success, 0, true)));
        Assert.That(_host.PrefixesLookedUp, Is.Empty);
    }

    [Test]
    public void Init_calls_the_restart_callback_only_with_do_restart()
    {
        Assert.That(_crs.Init(), Is.EqualTo(OpalStatus.Success));
        Assert.That(_host.Callbacks.Calls, Is.Empty);
        _settings = _settings with { DoRestart = true };
        Assert.That(_crs.Init(), Is.EqualTo(OpalStatus.Success));
        Assert.That(_host.Callbacks.Calls, Is.EqualTo(new[] { "restart" }));
    }

    [Test]
    public void Init_fails_when_the_restart_callback_fails_and_is_fine_without_one()
    {
        _settings = _settings with { DoRestart = true };
        _host.Callbacks.RestartReturn = 5;
        Assert.That(_crs.Init(), Is.EqualTo(OpalStatus.Error));
        AssertLogged("restart callback opal_crs_self_user_restart returned 5");
        _host.Callbacks = new FakeCallbacks { HasRestart = false };
        Assert.That(_crs.Init(), Is.EqualTo(OpalStatus.Success));
    }

    [Test]
    public void Init_in_a_tool_calls_nothing()
    {
        _host.IsTool = true;
        _settings = _settings with { DoRestart = true };
        Assert.That(_crs.Init(), Is.EqualTo(OpalStatus.Success));
        Assert.That(_host.Callbacks.Calls, Is.Empty);
    }

    // ---- checkpoint ----

    [Test]
    public void A_checkpoint_writes_the_metadata_names_the_callers_snapshot_and_continues()
    {
        var snapshot = Snapshot();
        var result = _crs.Checkpoint(77, snapshot, stop: false);

        Assert.That(result, Is.EqualTo(new SelfCheckpointResult(OpalStatus.Success, OpalCrsState.Continue)));
        Assert.That(_files.Text(MetadataPath), Is.EqualTo(Sstore + "# OPAL CRS Component: self\n# CONTEXT: ./app --restart\n"));
        Assert.That(snapshot.ComponentName, Is.EqualTo("self"));
        Assert.That(snapshot.Calls, Is.EqualTo(new[] { "flush", "close", "name:self" }), "the stream is flushed before the read and closed after the replace");
        Assert.That(_host.Callbacks.Calls, Is.EqualTo(new[] { "checkpoint", "continue" }));
        Assert.That(_host.Callbacks.DirectorySeen, Is.EqualTo("/snap/opal_snapshot_0.ckpt"));
    }

    [Test]
    public void The_metadata_is_written_after_the_callback_so_a_callback_failure_leaves_it_untouched()
    {
        string? duringCallback = null;
        _host.Callbacks.DuringCheckpoint = () => duringCallback = _files.Text(MetadataPath);
        _crs.Checkpoint(1, Snapshot(), stop: false);
        Assert.That(duringCallback, Is.EqualTo(Sstore));
    }

    [Test]
    public void A_missing_metadata_file_is_created()
    {
        _files.Files.Clear();
        Assert.That(_crs.Checkpoint(1, Snapshot(), stop: false).Status, Is.EqualTo(OpalStatus.Success));
        Assert.That(_files.Text(MetadataPath), Is.EqualTo("# OPAL CRS Component: self\n# CONTEXT: ./app --restart\n"));
    }

    [Test]
    public void Stop_is_reported_as_not_supported_and_the_checkpoint_goes_on()
    {
        Assert.That(_crs.Checkpoint(1, Snapshot(), stop: true).State, Is.EqualTo(OpalCrsState.Continue));
        AssertLogged("crs:self: checkpoint(): Error: SIGSTOP Not currently supported!");
    }

    [Test]
    public void A_failing_continue_callback_is_logged_but_the_checkpoint_stands()
    {
        _host.Callbacks.ContinueReturn = 9;
        Assert.That(_crs.Checkpoint(1, Snapshot(), stop: false).Status, Is.EqualTo(OpalStatus.Success));
        AssertLogged("continue callback opal_crs_self_user_continue returned 9");
    }

    private static IEnumerable<TestCaseData> CheckpointFailures()
    {
        yield return new TestCaseData(new System.Action<SelfCheckpointerTests>(t => t._host.Callbacks.RestartCommand = null), 1,
            "*restart_cmd is NULL").SetName("No restart command");
        yield return new TestCaseData(new System.Action<SelfCheckpointerTests>(t => t._host.Callbacks.RestartCommand = Encoding.UTF8.GetBytes("  ")), 1,
            "the restart command is empty").SetName("An empty restart command");
        yield return new TestCaseData(new System.Action<SelfCheckpointerTests>(t => t._host.Callbacks.RestartCommand = Encoding.UTF8.GetBytes("a\nb")), 1,
            "it must be one line").SetName("A restart command of two lines");
        yield return new TestCaseData(new System.Action<SelfCheckpointerTests>(t => t._host.Callbacks.CheckpointReturn = -3), 1,
            "opal_crs_self_user_checkpoint returned -3").SetName("The checkpoint callback fails");
        yield return new TestCaseData(new System.Action<SelfCheckpointerTests>(t => t._host.Callbacks = new FakeCallbacks { HasCheckpoint = false }), 0,
            "it registered none (OMPI_CR_self_register_checkpoint_callback) and defines no opal_crs_self_user_checkpoint").SetName("No checkpoint callback");
        yield return new TestCaseData(new System.Action<SelfCheckpointerTests>(t => t._settings = t._settings with { Prefix = "" }), 0,
            "crs_self_prefix is empty").SetName("An empty prefix");
        yield return new TestCaseData(new System.Action<SelfCheckpointerTests>(t => t._crs.DisableCheckpoint()), 0,
            "checkpoints are disabled").SetName("Checkpoints disabled");
        yield return new TestCaseData(new System.Action<SelfCheckpointerTests>(t => t._files.ReadError = "read: EIO"), 1,
            "cannot read the snapshot metadata /snap/opal_snapshot_0.ckpt/snapshot_meta.data: read: EIO").SetName("The metadata cannot be read");
        yield return new TestCaseData(new System.Action<SelfCheckpointerTests>(t => t._files.WriteError = "fsync: EIO"), 1,
            "cannot write the snapshot metadata /snap/opal_snapshot_0.ckpt/snapshot_meta.data: fsync: EIO").SetName("The metadata cannot be written");
        yield return new TestCaseData(new System.Action<SelfCheckpointerTests>(t => t._files.Files[MetadataPath] = [0x01, 0x0a]), 1,
            "is not well-formed (line 1 contains a control character)").SetName("The existing metadata is garbled");
    }

    [TestCaseSource(nameof(CheckpointFailures))]
    public void A_failed_checkpoint_reports_error_logs_why_and_changes_nothing(System.Action<SelfCheckpointerTests> arrange, int checkpointCalls, string why)
    {
        arrange(this);
        var before = _files.Files.GetValueOrDefault(MetadataPath);
        var snapshot = Snapshot();

        var result = _crs.Checkpoint(1, snapshot, stop: false);

        Assert.That(result.Status, Is.Not.EqualTo(OpalStatus.Success));
        Assert.That(result.State, Is.EqualTo(OpalCrsState.Error));
        AssertLogged("crs:self: checkpoint(): Error: ");
        AssertLogged(why);
        Assert.That(_files.Files.GetValueOrDefault(MetadataPath), Is.SameAs(before), "the metadata file is untouched");
        Assert.That(snapshot.ComponentName, Is.Null);
        Assert.That(_host.Callbacks.Calls.Count(c => c == "checkpoint"), Is.EqualTo(checkpointCalls));
        Assert.That(_host.Callbacks.Calls, Has.No.Member("continue"));
    }

    [Test]
    public void Disabled_checkpoints_fail_until_enabled_again()
    {
        Assert.That(_crs.DisableCheckpoint(), Is.EqualTo(OpalStatus.Success));
        Assert.That(_crs.CheckpointsEnabled, Is.False);
        Assert.That(_crs.Checkpoint(1, Snapshot(), stop: false).State, Is.EqualTo(OpalCrsState.Error));
        Assert.That(_crs.EnableCheckpoint(), Is.EqualTo(OpalStatus.Success));
        Assert.That(_crs.Checkpoint(1, Snapshot(), stop: false).State, Is.EqualTo(OpalCrsState.Continue));
    }

    [Test]
    public void A_checkpoint_without_a_snapshot_or_a_metadata_name_fails()
    {
        Assert.That(_crs.Checkpoint(1, null, stop: false), Is.EqualTo(new SelfCheckpointResult(OpalStatus.BadParam, OpalCrsState.Error)));
        Assert.That(_crs.Checkpoint(1, new FakeCallerCrsSnapshot(), stop: false), Is.EqualTo(new SelfCheckpointResult(OpalStatus.Error, OpalCrsState.Error)));
        AssertLogged("metadata_filename is NULL");
        Assert.That(_host.Callbacks.Calls, Is.Empty);
    }

    [Test]
    public void A_tool_does_not_checkpoint_disable_enable_prelaunch_or_register_threads()
    {
        _host.IsTool = true;
        Assert.That(_crs.Checkpoint(1, Snapshot(), stop: false), Is.EqualTo(new SelfCheckpointResult(OpalStatus.NotSupported, OpalCrsState.Error)));
        Assert.That(_crs.DisableCheckpoint(), Is.EqualTo(OpalStatus.NotSupported));
        Assert.That(_crs.EnableCheckpoint(), Is.EqualTo(OpalStatus.NotSupported));
        Assert.That(_crs.Prelaunch(new FakeEnvironmentArray()), Is.EqualTo(OpalStatus.NotSupported));
        Assert.That(_crs.RegThread(), Is.EqualTo(OpalStatus.NotSupported));
        Assert.That(_host.Callbacks.Calls, Is.Empty);
    }

    // ---- restart ----

    private void WriteSnapshot(string command) =>
        _files.Files[MetadataPath] = Encoding.UTF8.GetBytes(Sstore + $"# OPAL CRS Component: self\n# CONTEXT: {command}\n");

    [Test]
    public void Restart_sets_the_environment_then_spawns_the_command_split_on_spaces()
    {
        _settings = _settings with { Prefix = "my_app" };
        WriteSnapshot("/bin/app  -restart  3");

        Assert.That(_crs.Restart(MetadataPath, spawnChild: true, out var pid), Is.EqualTo(OpalStatus.Success));

        Assert.That(pid, Is.EqualTo(4321));
        Assert.That(_host.Actions, Is.EqualTo(new[]
        {
            "env:OMPI_MCA_crs=self", "env:OMPI_MCA_crs_self_do_restart=1", "env:OMPI_MCA_crs_self_prefix=my_app",
            "spawn:/bin/app -restart 3",
        }));
        Assert.That(_host.Executed, Is.Empty);
    }

    [Test]
    public void Restart_in_place_execs_and_a_returning_exec_is_an_error()
    {
        WriteSnapshot("/bin/app");
        Assert.That(_crs.Restart(MetadataPath, spawnChild: false, out var pid), Is.EqualTo(OpalStatus.Error));
        Assert.That(pid, Is.Zero);
        Assert.That(_host.Executed.Single(), Is.EqualTo(new[] { "/bin/app" }));
        AssertLogged("cannot execute the restart command \"/bin/app\": execvp: No such file or directory");
    }

    [Test]
    public void Restart_works_in_a_tool()
    {
        _host.IsTool = true;
        WriteSnapshot("/bin/app");
        Assert.That(_crs.Restart(MetadataPath, spawnChild: true, out _), Is.EqualTo(OpalStatus.Success));
    }

    [Test]
    public void A_failed_spawn_is_an_error()
    {
        WriteSnapshot("/bin/app");
        _host.SpawnError = "posix_spawnp(/bin/app): ENOENT";
        Assert.That(_crs.Restart(MetadataPath, spawnChild: true, out var pid), Is.EqualTo(OpalStatus.Error));
        Assert.That(pid, Is.Zero);
        AssertLogged("cannot start the restart command \"/bin/app\": posix_spawnp(/bin/app): ENOENT");
    }

    [TestCase(null, "the snapshot metadata /snap/opal_snapshot_0.ckpt/snapshot_meta.data does not exist")]
    [TestCase("", "the file is empty")]
    [TestCase(Sstore, "there is no # OPAL CRS Component: line")]
    [TestCase(Sstore + "# OPAL CRS Component: self\n# CONTEXT: app", "the file was cut short")]
    [TestCase(Sstore + "# OPAL CRS Component: none\n# CONTEXT: app\n", "written by the \"none\" checkpointer")]
    [TestCase("garbage\n", "does not start with")]
    public void Restart_runs_nothing_and_changes_no_environment_unless_the_snapshot_is_complete(string? content, string why)
    {
        if (content is null)
        {
            _files.Files.Remove(MetadataPath);
        }
        else
        {
            _files.Files[MetadataPath] = Encoding.UTF8.GetBytes(content);
        }
        foreach (var spawn in new[] { true, false })
        {
            Assert.That(_crs.Restart(MetadataPath, spawn, out var pid), Is.EqualTo(OpalStatus.Error));
            Assert.That(pid, Is.Zero);
        }
        Assert.That(_host.Actions, Is.Empty);
        AssertLogged("crs:self: restart(): Error: ");
        AssertLogged(why);
        AssertLogged("nothing was run");
    }

    [Test]
    public void Restart_without_a_metadata_name_or_with_an_unreadable_file_runs_nothing()
    {
        Assert.That(_crs.Restart(null, true, out _), Is.EqualTo(OpalStatus.BadParam));
        _files.ReadError = "open: EACCES";
        Assert.That(_crs.Restart(MetadataPath, true, out _), Is.EqualTo(OpalStatus.Error));
        AssertLogged("open: EACCES; nothing was run");
        Assert.That(_host.Actions, Is.Empty);
    }

    [Test]
    public void Restart_runs_nothing_when_the_environment_cannot_be_set()
    {
        WriteSnapshot("/bin/app");
        _host.SetEnvironmentError = "setenv: ENOMEM";
        Assert.That(_crs.Restart(MetadataPath, true, out _), Is.EqualTo(OpalStatus.Error));
        Assert.That(_host.Spawned, Is.Empty);
        AssertLogged("cannot set OMPI_MCA_crs=self: setenv: ENOMEM; nothing was run");
    }

    [Test]
    public void What_a_checkpoint_writes_a_restart_runs()
    {
        _host.Callbacks.RestartCommand = Encoding.UTF8.GetBytes("/usr/bin/app --from /snap/opal_snapshot_0.ckpt");
        Assert.That(_crs.Checkpoint(1, Snapshot(), stop: false).Status, Is.EqualTo(OpalStatus.Success));
        Assert.That(_crs.Restart(MetadataPath, true, out _), Is.EqualTo(OpalStatus.Success));
        Assert.That(_host.Spawned.Single(), Is.EqualTo(new[] { "/usr/bin/app", "--from", "/snap/opal_snapshot_0.ckpt" }));
    }

    // ---- prelaunch, reg_thread, finalize ----

    [Test]
    public void Prelaunch_marks_the_launched_process_as_not_a_tool()
    {
        var environment = new FakeEnvironmentArray();
        Assert.That(_crs.Prelaunch(environment), Is.EqualTo(OpalStatus.Success));
        Assert.That(environment.Values, Is.EqualTo(new Dictionary<string, string> { ["OMPI_MCA_opal_cr_is_tool"] = "0" }));
        Assert.That(_crs.Prelaunch(null), Is.EqualTo(OpalStatus.BadParam));
        environment.Error = "opal_setenv returned -2";
        Assert.That(_crs.Prelaunch(environment), Is.EqualTo(OpalStatus.Error));
        AssertLogged("cannot set OMPI_MCA_opal_cr_is_tool=0 in the launched process's environment: opal_setenv returned -2");
    }

    [Test]
    public void Reg_thread_and_finalize_succeed()
    {
        Assert.That(_crs.RegThread(), Is.EqualTo(OpalStatus.Success));
        Assert.That(_crs.Finalize(), Is.EqualTo(OpalStatus.Success));
    }

    [Test]
    public void Verbose_lines_follow_crs_self_verbose()
    {
        _crs.Checkpoint(5, Snapshot(), stop: false);
        Assert.That(_log, Is.Empty);
        _settings = _settings with { Verbose = 10 };
        _crs.Checkpoint(5, Snapshot(), stop: false);
        Assert.That(_log, Does.Contain("crs:self: checkpoint(5, ---)"));
        Assert.That(_log, Does.Contain("crs:self: checkpoint: Restart Command (./app --restart)"));
    }
}

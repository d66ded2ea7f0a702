using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using NativeSnapc.Tests.Support;
using NUnit.Framework;

namespace NativeSnapc.Tests.Host;

/// <summary>
/// The Open MPI host adapter against the real libopen-pal / libopen-rte 4.1: each test runs one of
/// <see cref="HostedScenarios"/> in a fresh hosted_runtime_driver process (Open MPI loaded and opal_init'ed
/// before .NET starts, as in an MPI rank) and checks its verdict and, where the scenario writes through the
/// host's opal_output, the host's output.
/// </summary>
[TestFixture]
public sealed class OpenMpiHostHostedTests
{
    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromMinutes(2);

    private string _driver = "";
    private string _hostfxr = "";

    [OneTimeSetUp]
    public void CompileDriver()
    {
        var scratch = TestEnvironment.ScratchDir("host-adapter");
        var source = File.ReadAllText(Path.Combine(TestEnvironment.SourceDir, "tests", "NativeSnapc.Tests", "Host", "hosted_runtime_driver.c"));
        _driver = NativeToolchain.CompileC(scratch, "hosted_runtime_driver", source, extraArguments: ["-ldl"]);
        _hostfxr = FindHostFxr();
    }

    [TestCase("none", "bind-without-open-mpi")]
    [TestCase("global", "bind-stock")]
    [TestCase("local", "bind-rtld-local")]
    [TestCase("global", "bind-refuses-other-layouts")]
    [TestCase("global", "objects")]
    [TestCase("global", "snapshot")]
    [TestCase("global", "request-op")]
    [TestCase("global", "send")]
    [TestCase("global", "send-stock-rml")]
    [TestCase("global", "receive")]
    [TestCase("global", "sstore-fence")]
    [TestCase("global", "cr-state")]
    [TestCase("global", "inc-core")]
    public void Scenario(string openMpi, string scenario) => RunScenario(openMpi, scenario);

    [Test]
    public void A_receive_without_reply_times_out_cancels_and_logs_through_opal_output()
    {
        var result = RunScenario("global", "receive-timeout");
        Assert.That(result.StandardError, Does.Contain("on RML tag 25 within 0.3 s; receive cancelled"));
    }

    [Test]
    public void A_slot_emptied_after_binding_is_reported_not_called()
    {
        var result = RunScenario("global", "slots-emptied-after-bind");
        Assert.That(result.StandardError, Does.Contain("native-snapc: opal_pmix.fence is NULL in this process; not calling it"));
        Assert.That(result.StandardError, Does.Contain("native-snapc: orte_rml.recv_buffer_nb is NULL in this process"));
    }

    [Test]
    public void The_notify_entry_point_turns_an_exception_into_OPAL_ERROR_and_a_log_line()
    {
        var result = RunScenario("global", "notify");
        Assert.That(result.StandardError, Does.Contain("native-snapc: checkpoint notify callback (state 0): internal error: InvalidOperationException: hosted notify failure"));
    }

    [Test]
    public void Log_lines_go_through_opal_output_verbatim()
    {
        var result = RunScenario("global", "log");
        // Passed as the argument of "%s": no conversion in the line is interpreted.
        Assert.That(result.StandardError, Does.Contain("native-snapc hosted log line: 100% %s %d %n"));
    }

    [Test]
    public void Timers_follow_the_opal_cr_macros_and_print_only_when_timing_is_enabled()
    {
        var result = RunScenario("global", "timers");
        Assert.That(Regex.Matches(result.StandardError, "OPAL CR Timing: \\*+ Summary Begin").Count, Is.EqualTo(1), result.Describe());
    }

    [Test]
    public void Buffers_take_the_hosts_dss_buffer_type()
    {
        RunScenario("global", "buffer-type-described", new Dictionary<string, string> { ["OMPI_MCA_dss_buffer_type"] = "1" });
    }

    [Test]
    public void Settings_come_from_registered_MCA_variables_then_the_environment()
    {
        var result = RunScenario("global", "settings", new Dictionary<string, string>
        {
            ["OMPI_MCA_snapc_full_verbose"] = "5",
            ["OMPI_MCA_snapc_full_skip_app"] = "true",
            ["OMPI_MCA_snapc_full_handshake_timeout"] = "9",
            ["OMPI_MCA_snapc_full_release_timeout"] = "abc",
            ["OMPI_MCA_snapc_full_reply_timeout"] = "5",
        });
        Assert.That(result.StandardError, Does.Contain("MCA parameter snapc_full_release_timeout=\"abc\" is not a whole number of seconds > 0; using 1800"));
    }

    [Test]
    public void Every_hosted_scenario_is_run_by_a_test()
    {
        var covered = typeof(OpenMpiHostHostedTests).GetMethod(nameof(Scenario))!
            .GetCustomAttributes(typeof(TestCaseAttribute), false).Cast<TestCaseAttribute>()
            .Select(testCase => (string)testCase.Arguments[1]!)
            .Concat(["receive-timeout", "slots-emptied-after-bind", "notify", "log", "timers", "buffer-type-described", "settings"]);
        Assert.That(covered, Is.EquivalentTo(HostedScenarios.Names));
    }

    private ProcessResult RunScenario(string openMpi, string scenario, IReadOnlyDictionary<string, string>? environment = null)
    {
        var assembly = typeof(HostedScenarios).Assembly.Location;
        var runtimeConfig = Path.ChangeExtension(assembly, ".runtimeconfig.json");
        var result = ProcessRunner.Run(_driver, [openMpi, _hostfxr, runtimeConfig, assembly, scenario], ScenarioTimeout, environment: environment);
        TestContext.Out.WriteLine(result.Describe());
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Describe());
        Assert.That(result.StandardOutput, Does.Contain($"scenario {scenario}: passed"));
        return result;
    }

    // The hostfxr of the .NET installation running this test (<root>/host/fxr/<version>/libhostfxr.so).
    private static string FindHostFxr()
    {
        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var fxr = Directory.GetDirectories(Path.Combine(root, "host", "fxr"))
            .Select(dir => (Dir: dir, Version: Version.TryParse(Path.GetFileName(dir).Split('-')[0], out var v) ? v : new Version(0, 0)))
            .OrderByDescending(x => x.Version)
            .Select(x => Path.Combine(x.Dir, "libhostfxr.so"))
            .FirstOrDefault(File.Exists);
        Assert.That(fxr, Is.Not.Null, $"no libhostfxr.so under {root}/host/fxr");
        return fxr!;
    }
}

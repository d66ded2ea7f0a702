using System;
using System.Collections.Generic;
using NativeSnapc.Coordinator;
using NativeSnapc.Diagnostics;
using NativeSnapc.Host.OpenMpi;
using NativeSnapc.Tests.Support;
using NUnit.Framework;

namespace NativeSnapc.Tests.Host;

[TestFixture]
[NonParallelizable] // swaps the process-wide Log sink and environment variables
public sealed class CoordinatorSettingsReaderTests
{
    private readonly List<string> _logged = [];
    private Action<string>? _savedSink;
    private int _savedVerbosity;

    [SetUp]
    public void CaptureLog()
    {
        _savedSink = Log.Sink;
        _savedVerbosity = Log.Verbosity;
        _logged.Clear();
        Log.Sink = _logged.Add;
    }

    [TearDown]
    public void RestoreLog()
    {
        Log.Sink = _savedSink;
        Log.Verbosity = _savedVerbosity;
    }

    [Test]
    public void Unset_variables_give_the_defaults_silently()
    {
        var settings = CoordinatorSettingsReader.Read(_ => null);
        Assert.That(settings, Is.EqualTo(new CoordinatorSettings()));
        Assert.That(settings.HandshakeTimeout, Is.EqualTo(TimeSpan.FromSeconds(60)));
        Assert.That(_logged, Is.Empty);
    }

    [Test]
    public void Each_variable_is_read_under_its_own_name()
    {
        var values = new Dictionary<string, string>
        {
            ["verbose"] = "20",
            ["skip_app"] = "1",
            ["handshake_timeout"] = "11",
            ["release_timeout"] = " 22 ",
            ["reply_timeout"] = "33",
            ["term_timeout"] = "+44",
        };
        var settings = CoordinatorSettingsReader.Read(name => values.GetValueOrDefault(name));
        Assert.That(settings, Is.EqualTo(new CoordinatorSettings
        {
            Verbose = 20,
            SkipApp = true,
            HandshakeTimeout = TimeSpan.FromSeconds(11),
            ReleaseTimeout = TimeSpan.FromSeconds(22),
            ReplyTimeout = TimeSpan.FromSeconds(33),
            TermTimeout = TimeSpan.FromSeconds(44),
        }));
        Assert.That(_logged, Is.Empty);
    }

    [TestCase("0")]
    [TestCase("-5")]
    [TestCase("abc")]
    [TestCase("1.5")]
    [TestCase("")]
    [TestCase("99999999999")]
    public void A_timeout_that_is_not_a_positive_whole_number_falls_back_to_the_default_with_a_log_line(string text)
    {
        var settings = CoordinatorSettingsReader.Read(name => name == "reply_timeout" ? text : null);
        Assert.That(settings.ReplyTimeout, Is.EqualTo(new CoordinatorSettings().ReplyTimeout));
        Assert.That(_logged, Has.Count.EqualTo(1));
        Assert.That(_logged[0], Does.Contain($"snapc_full_reply_timeout=\"{text}\"").And.Contain("using 1800"));
    }

    [TestCase("-1")]
    [TestCase("loud")]
    public void A_verbosity_that_is_not_a_level_falls_back_to_0_with_a_log_line(string text)
    {
        var settings = CoordinatorSettingsReader.Read(name => name == "verbose" ? text : null);
        Assert.That(settings.Verbose, Is.EqualTo(0));
        Assert.That(_logged, Has.Count.EqualTo(1).And.Some.Contains("snapc_full_verbose"));
    }

    // Open MPI's boolean enumerator (mca_base_var_enum.c): integers, and case-sensitive words.
    [TestCase("1", true)]
    [TestCase("7", true)]
    [TestCase("-1", true)]
    [TestCase("true", true)]
    [TestCase("t", true)]
    [TestCase("yes", true)]
    [TestCase("y", true)]
    [TestCase("enabled", true)]
    [TestCase("  true", true)]
    [TestCase("0", false)]
    [TestCase("false", false)]
    [TestCase("f", false)]
    [TestCase("no", false)]
    [TestCase("n", false)]
    [TestCase("disabled", false)]
    [TestCase("", false)]
    public void Skip_app_reads_booleans_as_Open_MPI_does(string text, bool expected)
    {
        var settings = CoordinatorSettingsReader.Read(name => name == "skip_app" ? text : null);
        Assert.That(settings.SkipApp, Is.EqualTo(expected));
        Assert.That(_logged, Is.Empty);
    }

    [TestCase("TRUE")]
    [TestCase("maybe")]
    public void A_skip_app_that_is_not_a_boolean_falls_back_to_false_with_a_log_line(string text)
    {
        var settings = CoordinatorSettingsReader.Read(name => name == "skip_app" ? text : null);
        Assert.That(settings.SkipApp, Is.False);
        Assert.That(_logged, Has.Count.EqualTo(1).And.Some.Contains("snapc_full_skip_app").And.Some.Contains("not a boolean"));
    }

    /// <summary>
    /// From the process's live (libc) environment, as the CRS reads its variables: a host that sets OMPI_MCA_*
    /// after the library started is seen, and both components agree.
    /// </summary>
    [Test]
    public void Without_a_host_the_settings_come_from_OMPI_MCA_environment_variables()
    {
        var names = new[] { "OMPI_MCA_snapc_full_verbose", "OMPI_MCA_snapc_full_handshake_timeout", "OMPI_MCA_snapc_full_term_timeout" };
        var saved = Array.ConvertAll(names, NativeEnvironment.Get);
        try
        {
            NativeEnvironment.Set(names[0], "15");
            NativeEnvironment.Set(names[1], "7");
            NativeEnvironment.Set(names[2], "never");
            Assert.That(Environment.GetEnvironmentVariable(names[1]), Is.Not.EqualTo("7"), "precondition: the managed copy does not see setenv");
            var settings = CoordinatorSettingsReader.ReadFromEnvironment();
            Assert.That(settings.Verbose, Is.EqualTo(15));
            Assert.That(Log.Verbosity, Is.EqualTo(15));
            Assert.That(settings.HandshakeTimeout, Is.EqualTo(TimeSpan.FromSeconds(7)));
            Assert.That(settings.TermTimeout, Is.EqualTo(new CoordinatorSettings().TermTimeout));
            Assert.That(_logged, Has.Count.EqualTo(1).And.Some.Contains("snapc_full_term_timeout=\"never\""));
        }
        finally
        {
            for (var i = 0; i < names.Length; i++)
            {
                NativeEnvironment.Set(names[i], saved[i]);
            }
        }
    }

    [Test]
    public void Names_follow_the_MCA_convention()
    {
        Assert.That(CoordinatorSettingsReader.FullName(CoordinatorSettingsReader.ReplyTimeout), Is.EqualTo("snapc_full_reply_timeout"));
        Assert.That(CoordinatorSettingsReader.EnvironmentName(CoordinatorSettingsReader.SkipApp), Is.EqualTo("OMPI_MCA_snapc_full_skip_app"));
    }
}

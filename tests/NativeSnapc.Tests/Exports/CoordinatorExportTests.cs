using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using NativeSnapc.Abi;
using NativeSnapc.Interop;
using NativeSnapc.Protocol.Wire;
using NativeSnapc.Tests.Support;
using NUnit.Framework;

namespace NativeSnapc.Tests.Exports;

/// <summary>
/// Every function export of the built NativeAOT library, called through P/Invoke in this test process, where no
/// Open MPI is loaded: app_coord_init is refused with a log line naming the first missing host symbol and
/// changes nothing, and the other entry points refuse to run before a successful init. The library's own
/// runtime and this host's CoreCLR share the process.
/// </summary>
/// <remarks>
/// Before binding, the library logs to stderr through its own Console, which duplicates descriptor 2 the first
/// time it is used: the fixtures that call the library share one capture file (<see cref="LibraryStderrCapture"/>).
/// </remarks>
[TestFixture]
[NonParallelizable]
public sealed unsafe partial class CoordinatorExportTests
{
    /// <summary>The function exports these tests call (the data symbol native_snapc_abi is VersionExportTests'; the components' are McaComponentExportTests').</summary>
    internal static readonly string[] CalledFunctionExports =
        ["app_coord_finalize", "app_coord_ft_event", "app_coord_init", "app_coord_request_op", "native_snapc_query_version"];

    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "app_coord_init")]
    private static partial int AppCoordInit();

    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "app_coord_finalize")]
    private static partial int AppCoordFinalize();

    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "app_coord_ft_event")]
    private static partial int AppCoordFtEvent(int state);

    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "app_coord_request_op")]
    private static partial int AppCoordRequestOp(OrteSnapcBaseRequestOp* datum);

    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "native_snapc_query_version")]
    private static partial int QueryVersion(uint* major, uint* minor, uint* patch);

    [OneTimeSetUp]
    public void CaptureStderrAndLoadTheLibrary()
    {
        _ = NativeLibraryUnderTest.Handle;
        LibraryStderrCapture.Acquire();
    }

    [OneTimeTearDown]
    public void RestoreStderr() => LibraryStderrCapture.Release();

    [Test]
    public void Every_function_export_of_the_golden_list_is_called_by_an_export_fixture()
    {
        var golden = File.ReadAllLines(Path.Combine(TestEnvironment.SourceDir, "tests", "abi", "exports.txt"))
            .Where(l => !l.StartsWith('#') && l.Split(' ') is [_, "T", ..])
            .Select(l => l.Split('@')[0]);
        Assert.That(CalledFunctionExports.Concat(McaComponentExportTests.CalledFunctionExports).Concat(RuntimeExportTests.CalledFunctionExports),
            Is.EquivalentTo(golden));
    }

    [Test]
    public void Init_without_Open_MPI_is_refused_naming_the_first_missing_symbol_and_changes_nothing()
    {
        var signal = TestLibc.QueryAction(Libc.SIGUSR1);

        var first = CallAndCapture(AppCoordInit);
        var second = CallAndCapture(AppCoordInit);

        Assert.That(first.Rc, Is.EqualTo(OpalStatus.NotFound));
        Assert.That(second.Rc, Is.EqualTo(OpalStatus.NotFound), "a refused init leaves nothing behind that a second one would trip over");
        AssertLogged(first.Log, "App) init: Error: native-snapc: cannot bind to the Open MPI 4.1 host: symbol 'opal_pmix' was not found");
        AssertLogged(second.Log, "symbol 'opal_pmix' was not found");
        Assert.That(TestLibc.Differences(signal, TestLibc.QueryAction(Libc.SIGUSR1)), Is.Empty,
            "the checkpoint signal's disposition is untouched");
        AssertVersionStillAnswers();
    }

    [Test]
    public void Finalize_before_a_successful_init_is_not_initialized()
    {
        var call = CallAndCapture(AppCoordFinalize);

        Assert.That(call.Rc, Is.EqualTo(OpalStatus.NotInitialized));
        AssertLogged(call.Log, "app_coord_finalize: Error: app_coord_init has not succeeded");
        AssertVersionStillAnswers();
    }

    [TestCase(0)]
    [TestCase(1)] // OPAL_CRS_CHECKPOINT
    [TestCase(3)] // OPAL_CRS_RESTART
    [TestCase(7)]
    [TestCase(99)]
    [TestCase(-1)]
    public void Ft_event_before_a_successful_init_is_not_initialized(int state)
    {
        var call = CallAndCapture(() => AppCoordFtEvent(state));

        Assert.That(call.Rc, Is.EqualTo(OpalStatus.NotInitialized));
        AssertLogged(call.Log, "app_coord_ft_event: Error: app_coord_init has not succeeded");
        AssertVersionStillAnswers();
    }

    [Test]
    public void Request_op_before_a_successful_init_is_not_initialized_and_leaves_the_datum_alone()
    {
        // Filled with a pattern, not a valid object: before init the datum must not be read or written.
        var size = sizeof(OrteSnapcBaseRequestOp);
        var datum = (OrteSnapcBaseRequestOp*)NativeMemory.Alloc((nuint)size);
        try
        {
            var bytes = new Span<byte>(datum, size);
            bytes.Fill(0xA5);
            var before = bytes.ToArray();

            var call = CallAndCapture(() => AppCoordRequestOp(datum));

            Assert.That(call.Rc, Is.EqualTo(OpalStatus.NotInitialized));
            Assert.That(new Span<byte>(datum, size).ToArray(), Is.EqualTo(before));
            AssertLogged(call.Log, "app_coord_request_op: Error: app_coord_init has not succeeded");
        }
        finally
        {
            NativeMemory.Free(datum);
        }
        AssertVersionStillAnswers();
    }

    [Test]
    public void Request_op_with_NULL_before_a_successful_init_is_a_refusal_not_a_crash()
    {
        var call = CallAndCapture(() => AppCoordRequestOp(null));

        Assert.That(call.Rc, Is.EqualTo(OpalStatus.NotInitialized));
        AssertLogged(call.Log, "app_coord_request_op: Error: app_coord_init has not succeeded");
        AssertVersionStillAnswers();
    }

    private static (int Rc, string Log) CallAndCapture(Func<int> call) => LibraryStderrCapture.Call(call);

    private void AssertLogged(string log, string expected)
    {
        if (log.Length == 0 && !LibraryStderrCapture.CapturedAnything)
        {
            Assert.Inconclusive("nothing of the library's stderr was captured: its Console had duplicated descriptor 2 "
                                + "before this fixture redirected it (the status codes were checked)");
        }
        Assert.That(log, Does.Contain(expected));
    }

    private static void AssertVersionStillAnswers()
    {
        uint major = 99, minor = 99, patch = 99;
        Assert.That(QueryVersion(&major, &minor, &patch), Is.EqualTo(OpalStatus.Success));
        Assert.That((major, minor, patch), Is.EqualTo((LibraryVersion.Major, LibraryVersion.Minor, LibraryVersion.Patch)));
    }
}

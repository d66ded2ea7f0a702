using NativeSnapc.Diagnostics;
using NativeSnapc.Exports;
using NativeSnapc.Host.OpenMpi;
using NUnit.Framework;

namespace NativeSnapc.Tests.Host;

/// <summary>Binding in the NUnit host itself, where no Open MPI is loaded.</summary>
[TestFixture]
public sealed class OpenMpiHostBindingTests
{
    [Test]
    public void Binding_without_Open_MPI_fails_naming_the_first_missing_symbol_and_changes_nothing()
    {
        using (var symbols = HostSymbols.Open())
        {
            Assume.That(symbols.LoadedLibraryCount == 0 && symbols.Resolve("opal_pmix") == 0, Is.True,
                "Open MPI is loaded in this test host; the hosted scenario bind-without-open-mpi covers this case in a clean process");
        }
        var sink = Log.Sink;

        Assert.That(OpenMpiHost.TryBind(CoordinatorExports.NotifyCallbackAddress, out var host, out var error), Is.False);

        Assert.That(host, Is.Null);
        Assert.That(error, Is.EqualTo(
            "native-snapc: cannot bind to the Open MPI 4.1 host: symbol 'opal_pmix' was not found in the process's global scope "
            + "or an already-loaded libopen-rte.so.40 / libopen-pal.so.40 (neither library is loaded in this process)"));
        Assert.That(Log.Sink, Is.SameAs(sink));
    }

    [Test]
    public void The_first_symbol_looked_up_is_the_first_the_brief_lists()
    {
        Assert.That(OpenMpiHost.RequiredSymbols[0], Is.EqualTo("opal_pmix"));
        Assert.That(OpenMpiHost.RequiredSymbols, Is.Unique);
        Assert.That(OpenMpiHost.OptionalSymbols, Has.None.AnyOf(OpenMpiHost.RequiredSymbols));
    }
}

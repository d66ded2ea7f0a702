extern alias command;

using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using command::NativeSnapc.Command.Local;
using NativeSnapc.Tests.Support;
using NUnit.Framework;

namespace NativeSnapc.Tests.Command.Local;

/// <summary>The local coordinator's wake-up when a rank's FIFO appears in the node directory (inotify).</summary>
[TestFixture]
internal sealed class FifoArrivalsTests
{
    [Test]
    public void A_wait_ends_when_its_FIFO_is_created_and_lasts_its_bound_otherwise()
    {
        var directory = TestEnvironment.ScratchDir("fifo-arrivals");
        using var arrivals = new FifoArrivals(directory);
        Assert.That(arrivals.Watching, Is.True, "inotify is available here");
        var path = Path.Combine(directory, "opal_cr_prog_write.4242_0");
        var clock = Stopwatch.StartNew();
        var maker = new Thread(() =>
        {
            Thread.Sleep(200);
            Assert.That(ProcessRunner.Run("mkfifo", [path], TimeSpan.FromSeconds(10)).ExitCode, Is.EqualTo(0));
        });
        maker.Start();
        arrivals.Wait(path, TimeSpan.FromSeconds(20));
        var woke = clock.Elapsed;
        maker.Join();
        Assert.That(File.Exists(path), Is.True);
        Assert.That(woke, Is.LessThan(TimeSpan.FromSeconds(10)), "woken by the creation, not by the bound");
        arrivals.Forget(path);

        clock.Restart();
        arrivals.Wait(Path.Combine(directory, "opal_cr_prog_write.4242_1"), TimeSpan.FromMilliseconds(300));
        Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(250)), "nothing created: the bound");
        // another name's creation does not end it early either
        clock.Restart();
        File.WriteAllText(Path.Combine(directory, "opal_cr_prog_read.4242_1"), "");
        arrivals.Wait(Path.Combine(directory, "opal_cr_prog_write.4242_2"), TimeSpan.FromMilliseconds(300));
        Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(250)));
    }
}

using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;
using NativeSnapc.Channels;
using NativeSnapc.Channels.Signals;
using NativeSnapc.Interop;
using NativeSnapc.Tests.Support;
using NUnit.Framework;
using static NativeSnapc.Tests.Channels.FifoTestSupport;

namespace NativeSnapc.Tests.Channels;

/// <summary>
/// EINTR is retried at the lowest layer: poll(2) is never restarted by SA_RESTART, so the checkpoint signal
/// itself interrupts every bounded wait of the handshake. A wait showered with signals must neither fail early
/// nor outlast its bound, and must still deliver the value when it comes.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed unsafe class InterruptedWaitTests
{
    [Test]
    public void A_read_showered_with_the_checkpoint_signal_keeps_its_bound_and_still_gets_its_value()
    {
        var original = TestLibc.QueryAction(Libc.SIGUSR2);
        TestLibc.SetAction(Libc.SIGUSR2, new Libc.SignalAction { sa_handler = Libc.SIG_IGN, sa_mask = Libc.EmptySignalSet() });
        var cell = (int*)NativeMemory.AllocZeroed(sizeof(int));
        var signal = CheckpointSignal.Instance;
        try
        {
            Assert.That(signal.Install(Libc.SIGUSR2, (nint)cell).Ok, Is.True);
            var directory = FreshDirectory();
            using var pipes = NewPipes(directory);
            using var peer = OpenWithThreadPeer(pipes);
            var bound = TimeSpan.FromMilliseconds(600);

            ChannelResult timedOut = default, delivered = default;
            var value = 0;
            TimeSpan firstWait = default;
            var readerTid = 0;
            var readerReady = new ManualResetEventSlim();
            var valueMayCome = new ManualResetEventSlim();
            var reader = new Thread(() =>
            {
                readerTid = TestLibc.GetTid();
                readerReady.Set();
                var start = Stopwatch.GetTimestamp();
                timedOut = pipes.ReadInt32(bound, out _);
                firstWait = Stopwatch.GetElapsedTime(start);
                valueMayCome.Set();
                delivered = pipes.ReadInt32(Patient, out value);
            }) { Name = "interrupted-reader" };
            reader.Start();
            Assert.That(readerReady.Wait(Patient), Is.True);

            // Signals aimed at the waiting thread, every 5 ms, for the whole first wait and into the second.
            var shots = 0;
            while (!valueMayCome.IsSet)
            {
                Assert.That(TestLibc.TgKill(Environment.ProcessId, readerTid, Libc.SIGUSR2), Is.EqualTo(0));
                shots++;
                Thread.Sleep(5);
            }
            for (var i = 0; i < 20; i++)
            {
                TestLibc.TgKill(Environment.ProcessId, readerTid, Libc.SIGUSR2);
                shots++;
                Thread.Sleep(5);
            }
            peer.WriteInt(0x5eed);
            Assert.That(reader.Join(Patient), Is.True);

            var handled = (*cell == 5 ? 1 : 0) + signal.TakeIgnoredRequests();
            TestContext.Out.WriteLine($"{shots} signals sent, {handled} handled by the reading thread; first wait {firstWait.TotalMilliseconds:F0} ms");
            Assert.That(handled, Is.GreaterThan(10), "the signals did not reach the waiting thread");
            Assert.That(timedOut.Failure, Is.EqualTo(ChannelFailure.TimedOut), timedOut.ToString());
            Assert.That(firstWait, Is.GreaterThanOrEqualTo(bound).And.LessThan(bound + TimeSpan.FromMilliseconds(500)));
            Assert.That(delivered.Ok, Is.True, delivered.ToString());
            Assert.That(value, Is.EqualTo(0x5eed));
        }
        finally
        {
            signal.Restore();
            signal.EndCheckpoint();
            signal.TakeIgnoredRequests();
            // Late signals fall on SIG_IGN before the original disposition comes back.
            Thread.Sleep(20);
            TestLibc.SetAction(Libc.SIGUSR2, original);
            NativeMemory.Free(cell);
        }
    }
}

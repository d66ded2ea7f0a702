using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using NativeSnapc.Channels;
using NativeSnapc.Interop;
using NUnit.Framework;
using static NativeSnapc.Tests.Channels.FifoTestSupport;

namespace NativeSnapc.Tests.Channels;

/// <summary>
/// The FIFO pair against a local coordinator in a separate process that opens and reads exactly as
/// snapc_full_local.c does (blocking calls), and that dies by SIGKILL at each step of the handshake.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class HandshakePeerProcessTests
{
    private static readonly TimeSpan DeathNoticeLimit = TimeSpan.FromSeconds(1);
    private const uint Handle = 1234;

    /// <summary>The local coordinator's part of docs/protocol.md#normal-checkpoint: options and handle, echo the
    /// response as sentinel, read the final state, release, close.</summary>
    private static readonly string[] Options = Enumerable.Repeat("w0", 6).Append($"w{Handle}").ToArray();

    [Test]
    public void Full_handshake_with_a_local_coordinator_process()
    {
        var directory = FreshDirectory();
        using var pipes = NewPipes(directory);
        using var peer = PeerProcess.Start(pipes.ReadPath, pipes.WritePath, Patient, [.. Options, "e", "r", "w0", "c"]);

        var opened = pipes.Open();
        Assert.That(opened.Ok, Is.True, () => $"{opened}\n{peer.Transcript}");
        var outcome = AppHandshake.Run(pipes, Patient);

        Assert.That(outcome.Reached, Is.EqualTo(HandshakeStep.Done), () => $"{outcome.Result}\n{peer.Transcript}");
        Assert.That(outcome.Options, Is.EqualTo(new[] { 0, 0, 0, 0, 0, 0 }));
        Assert.That(outcome.Handle, Is.EqualTo(Handle));
        Assert.That(peer.WaitForExit(Patient), Is.EqualTo(0), peer.Transcript);
        var lines = peer.Transcript.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.That(lines, Is.SupersetOf(new[] { "opened", "read 0", "echoed 0", "read 4", "closed", "done" }));

        pipes.CloseAndRemove();
        AssertGone(pipes.ReadPath, pipes.WritePath);
    }

    // Not before the options: until its first value the application cannot tell a dead local coordinator from a
    // slow one (HandshakePipesTests.A_peer_that_joins_and_dies_before_the_options_is_a_timeout_within_the_bound).
    private static IEnumerable<TestCaseData> DeathSteps()
    {
        yield return new TestCaseData(HandshakeStep.Response, Options);
        yield return new TestCaseData(HandshakeStep.Sentinel, Options.Append("r").ToArray());
        yield return new TestCaseData(HandshakeStep.FinalState, Options.Append("e").ToArray());
        yield return new TestCaseData(HandshakeStep.Release, Options.Append("e").Append("r").ToArray());
    }

    /// <summary>
    /// The peer holds after <paramref name="scriptBeforeDeath"/> and is killed: while the application waits at a
    /// read (noticed within a second), or before it writes (EPIPE, no SIGPIPE).
    /// </summary>
    [TestCaseSource(nameof(DeathSteps))]
    public void Local_coordinator_killed_is_PeerGone_at_every_step(HandshakeStep deathStep, string[] scriptBeforeDeath)
    {
        var directory = FreshDirectory();
        using var pipes = NewPipes(directory);
        using var peer = PeerProcess.Start(pipes.ReadPath, pipes.WritePath, Patient, [.. scriptBeforeDeath, "h"]);
        var opened = pipes.Open();
        Assert.That(opened.Ok, Is.True, () => $"{opened}\n{peer.Transcript}");
        Thread? killer = null;
        Exception? killerFailure = null;

        var outcome = AppHandshake.Run(pipes, Patient, step =>
        {
            if (step != deathStep)
            {
                return;
            }
            if (AppHandshake.IsRead(step))
            {
                killer = new Thread(() =>
                {
                    // An assertion escaping a thread of its own would end the test host: carry it back instead.
                    try
                    {
                        peer.WaitForLine("holding", Patient);
                        Thread.Sleep(200); // the application is waiting by now
                        peer.Kill();
                    }
                    catch (Exception e)
                    {
                        killerFailure = e;
                    }
                }) { IsBackground = true };
                killer.Start();
            }
            else
            {
                peer.WaitForLine("holding", Patient);
                peer.Kill();
            }
        });
        killer?.Join();
        Assert.That(killerFailure, Is.Null, () => killerFailure!.ToString());

        Assert.That(outcome.Reached, Is.EqualTo(deathStep), () => $"{outcome.Result}\n{peer.Transcript}");
        Assert.That(outcome.Result.Failure, Is.EqualTo(ChannelFailure.PeerGone), () => $"{outcome.Result}\n{peer.Transcript}");
        if (AppHandshake.IsRead(deathStep))
        {
            var noticedAfter = Between(peer.KilledAt, outcome.FailedAt);
            TestContext.Out.WriteLine($"death noticed after {noticedAfter.TotalMilliseconds:F1} ms");
            Assert.That(noticedAfter, Is.LessThan(DeathNoticeLimit));
        }
        else
        {
            Assert.That(outcome.Result.Errno, Is.EqualTo(Libc.EPIPE));
        }

        pipes.CloseAndRemove();
        AssertGone(pipes.ReadPath, pipes.WritePath);
    }

    [Test]
    public void A_short_write_then_exit_is_Truncated()
    {
        var directory = FreshDirectory();
        using var pipes = NewPipes(directory);
        using var peer = PeerProcess.Start(pipes.ReadPath, pipes.WritePath, Patient, "b3", "c");
        Assert.That(pipes.Open().Ok, Is.True, peer.Transcript);

        var read = pipes.ReadInt32(Patient, out _);

        Assert.That(read.Failure, Is.EqualTo(ChannelFailure.Truncated), () => $"{read}\n{peer.Transcript}");
        Assert.That(peer.WaitForExit(Patient), Is.EqualTo(0));
        pipes.CloseAndRemove();
        AssertGone(pipes.ReadPath, pipes.WritePath);
    }
}

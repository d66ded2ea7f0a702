using System;
using System.Collections.Generic;
using System.Diagnostics;
using NativeSnapc.Channels;
using NativeSnapc.Channels.Fifo;

namespace NativeSnapc.Tests.Channels;

/// <summary>The steps of the application side of the handshake after the rendezvous
/// (docs/protocol.md#normal-checkpoint).</summary>
public enum HandshakeStep
{
    /// <summary>Read the six option ints and the sstore handle.</summary>
    Options,
    /// <summary>Write the response (START, 0).</summary>
    Response,
    /// <summary>Read the sentinel.</summary>
    Sentinel,
    /// <summary>Write the final cr_state.</summary>
    FinalState,
    /// <summary>Read the release (last_cmd).</summary>
    Release,
    /// <summary>Every step succeeded.</summary>
    Done,
}

/// <summary>How far the application side got, and what stopped it.</summary>
internal sealed record HandshakeOutcome(HandshakeStep Reached, ChannelResult Result, long FailedAt, IReadOnlyList<int> Options, uint Handle, int Sentinel, int Release);

/// <summary>
/// The application side of docs/protocol.md#normal-checkpoint as snapc_full_app.c performs it (handshake_start, then
/// handshake_end), written against <see cref="IHandshakePipes"/>: what the coordinator will do, without the
/// coordinator.
/// </summary>
internal static class AppHandshake
{
    public const int ResponseStart = 0;
    public const int CrsContinue = 4;

    /// <param name="beforeStep">Runs before each step: where a test makes the peer act, or die.</param>
    public static HandshakeOutcome Run(IHandshakePipes pipes, TimeSpan bound, Action<HandshakeStep>? beforeStep = null, int finalState = CrsContinue)
    {
        var options = new List<int>();
        uint handle = 0;
        int sentinel = -1, release = -1;

        HandshakeOutcome Stop(HandshakeStep step, ChannelResult result) =>
            new(step, result, Stopwatch.GetTimestamp(), options, handle, sentinel, release);

        beforeStep?.Invoke(HandshakeStep.Options);
        for (var i = 0; i < 7; i++)
        {
            var read = pipes.ReadInt32(bound, out var value);
            if (!read.Ok)
            {
                return Stop(HandshakeStep.Options, read);
            }
            if (i < 6)
            {
                options.Add(value);
            }
            else
            {
                handle = unchecked((uint)value);
            }
        }

        beforeStep?.Invoke(HandshakeStep.Response);
        var written = pipes.WriteInt32(ResponseStart, bound);
        if (!written.Ok)
        {
            return Stop(HandshakeStep.Response, written);
        }

        beforeStep?.Invoke(HandshakeStep.Sentinel);
        var sentinelRead = pipes.ReadInt32(bound, out sentinel);
        if (!sentinelRead.Ok)
        {
            return Stop(HandshakeStep.Sentinel, sentinelRead);
        }

        beforeStep?.Invoke(HandshakeStep.FinalState);
        written = pipes.WriteInt32(finalState, bound);
        if (!written.Ok)
        {
            return Stop(HandshakeStep.FinalState, written);
        }

        beforeStep?.Invoke(HandshakeStep.Release);
        var releaseRead = pipes.ReadInt32(bound, out release);
        if (!releaseRead.Ok)
        {
            return Stop(HandshakeStep.Release, releaseRead);
        }
        return new HandshakeOutcome(HandshakeStep.Done, ChannelResult.Success, 0, options, handle, sentinel, release);
    }

    /// <summary>Steps that read (the app waits, so the peer's death must wake it) versus steps that write (the app meets EPIPE).</summary>
    public static bool IsRead(HandshakeStep step) => step is HandshakeStep.Options or HandshakeStep.Sentinel or HandshakeStep.Release;
}

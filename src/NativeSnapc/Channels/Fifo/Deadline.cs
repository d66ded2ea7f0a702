using System;
using System.Diagnostics;

namespace NativeSnapc.Channels.Fifo;

/// <summary>The end of a bounded wait, on the monotonic clock (wall-clock steps cannot stretch or cut it).</summary>
internal readonly struct Deadline
{
    private readonly long _start;

    private Deadline(long start, TimeSpan bound)
    {
        _start = start;
        Bound = bound;
    }

    /// <summary>A deadline <paramref name="bound"/> from now. Every wait is bounded: a negative bound (including Timeout.InfiniteTimeSpan) is refused.</summary>
    public static Deadline After(TimeSpan bound)
    {
        if (bound < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(bound), bound, "a channel wait needs a non-negative bound");
        }
        return new Deadline(Stopwatch.GetTimestamp(), bound);
    }

    public TimeSpan Bound { get; }

    public TimeSpan Remaining
    {
        get
        {
            var left = Bound - Stopwatch.GetElapsedTime(_start);
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    public bool Expired => Remaining == TimeSpan.Zero;

    /// <summary>The time left as a poll(2) timeout: rounded up, so a wait never returns just before its end and spins.</summary>
    public int RemainingPollMilliseconds => (int)Math.Min(int.MaxValue, Math.Ceiling(Remaining.TotalMilliseconds));
}

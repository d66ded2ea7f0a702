namespace NativeSnapc.Channels;

/// <summary>Why a channel operation did not complete.</summary>
internal enum ChannelFailure
{
    None = 0,
    /// <summary>The bound passed without the peer doing its part.</summary>
    TimedOut,
    /// <summary>The peer is gone: it closed its end or died (POLLERR/POLLHUP, EPIPE).</summary>
    PeerGone,
    /// <summary>The peer closed after sending part of a value (a short write followed by EOF).</summary>
    Truncated,
    /// <summary>Something is in the way that must not be touched (e.g. a regular file at a FIFO path).</summary>
    Refused,
    /// <summary>A system call failed; <see cref="ChannelResult.Errno"/> says which error.</summary>
    SystemError,
}

/// <summary>The outcome of a channel operation: the failure kind, the errno behind it and a sentence for the log.</summary>
internal readonly record struct ChannelResult(ChannelFailure Failure, int Errno, string? Detail)
{
    public static ChannelResult Success => default;

    public bool Ok => Failure == ChannelFailure.None;

    public static ChannelResult Fail(ChannelFailure failure, string detail, int errno = 0) => new(failure, errno, detail);

    public override string ToString() => Ok ? "ok" : Errno != 0 ? $"{Failure} (errno {Errno}): {Detail}" : $"{Failure}: {Detail}";
}

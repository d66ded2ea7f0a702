using System;

namespace NativeSnapc.Coordinator;

/// <summary>
/// The component's MCA parameters (read from the host's MCA variables when registered there, else from
/// <c>OMPI_MCA_&lt;name&gt;</c>). Every wait of the coordinator is bounded by one of these.
/// </summary>
internal sealed record CoordinatorSettings
{
    /// <summary><c>snapc_full_verbose</c>: 0 prints errors only; the original's levels otherwise (3, 5, 10, 15, 20, 30).</summary>
    public int Verbose { get; init; }

    /// <summary><c>snapc_full_skip_app</c>: take part in the handshake but skip INC and the CRS (a debugging aid).</summary>
    public bool SkipApp { get; init; }

    /// <summary><c>snapc_full_handshake_timeout</c> (s): FIFO rendezvous, options, handle, sentinel.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary><c>snapc_full_release_timeout</c> (s): the release after the final state, and the local waits of request_op.</summary>
    public TimeSpan ReleaseTimeout { get; init; } = TimeSpan.FromSeconds(1800);

    /// <summary><c>snapc_full_reply_timeout</c> (s): replies from the HNP (FIN_ACK, checkpoint and migration completion).</summary>
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromSeconds(1800);

    /// <summary><c>snapc_full_term_timeout</c> (s): how long a process asked to terminate (term, migrating, restart) waits to be killed.</summary>
    public TimeSpan TermTimeout { get; init; } = TimeSpan.FromSeconds(600);
}

using System;

namespace NativeSnapc.Channels.Fifo;

/// <summary>
/// The two named pipes of one checkpoint handshake, application side (docs/protocol.md#fifo-names-and-ids, #handshake):
/// <c>&lt;dir&gt;/opal_cr_prog_read.&lt;pid&gt;_&lt;id&gt;</c> carries ints from the local coordinator to the
/// application, <c>&lt;dir&gt;/opal_cr_prog_write.&lt;pid&gt;_&lt;id&gt;</c> from the application to it. Values are
/// native-endian 4-byte ints. Every wait is bounded, EINTR is retried, and the local coordinator's death
/// is noticed (POLLERR/POLLHUP on the write pipe) rather than waited out. Dispose = <see cref="CloseAndRemove"/>.
/// </summary>
internal interface IHandshakePipes : IDisposable
{
    /// <summary>The FIFO the application reads (OPAL_CR_NAMED_PROG_R).</summary>
    string ReadPath { get; }

    /// <summary>The FIFO the application writes (OPAL_CR_NAMED_PROG_W).</summary>
    string WritePath { get; }

    /// <summary>
    /// Creates both FIFOs (mode 0660; an existing path is reused only if it is a FIFO of this user granting
    /// nothing beyond 0660) and opens this side's ends without waiting for the local coordinator: the wait for it
    /// is the first <see cref="ReadInt32"/> (docs/protocol.md#rendezvous-and-blocking). On failure nothing stays
    /// open and no FIFO this call created stays behind.
    /// </summary>
    ChannelResult Open();

    /// <summary>Whether the local coordinator has joined: its first bytes arrived (it writes only after opening both FIFOs).</summary>
    bool PeerJoined { get; }

    /// <summary>
    /// Removes both names of an open pair now, keeping the descriptors: for a process that is killed as soon as its
    /// local coordinator has its final state (a migrating process), so that it leaves no FIFO behind. Otherwise the
    /// names go in stage 3, with the pair (<see cref="CloseAndRemove"/>).
    /// </summary>
    void RemoveNames();

    /// <summary>Reads exactly one int, waiting at most <paramref name="bound"/>.</summary>
    ChannelResult ReadInt32(TimeSpan bound, out int value);

    /// <summary>Writes exactly one int, waiting at most <paramref name="bound"/> for room.</summary>
    ChannelResult WriteInt32(int value, TimeSpan bound);

    /// <summary>Closes both descriptors and removes both FIFO files; never removes anything but a FIFO of this user granting nothing beyond 0660. Idempotent.</summary>
    void CloseAndRemove();
}

/// <summary>Makes the pipe pair for one checkpoint (names as <c>app_define_pipe_names</c>: "%s/%s.%d_%d").</summary>
internal interface IHandshakePipeFactory
{
    IHandshakePipes Create(string directory, int pid, int uniqueId);
}

using System;
using System.Collections.Generic;
using System.Threading;
using NativeSnapc.Channels.Node;
using NativeSnapc.Diagnostics;
using NativeSnapc.Host.OpenMpi;
using NativeSnapc.Protocol.Frames;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Runtime;

/// <summary>
/// The RML of a rank, as ORTE 4.1's behaves where the coordinator and sstore can tell (docs/runtime.md): sends go
/// to the local coordinator as NSRF frames carrying the buffer's bytes; receives are matched by sender (with
/// wildcards) and tag in posting order, and a message no receive matches waits for one. Deliveries run on the
/// connection's reader thread (ORTE's run on its progress thread). A send completes at once: its callback
/// (orte_rml_send_callback releases the buffer) runs before <see cref="Send"/> returns success.
///
/// When the connection ends, every posted receive — and every one posted later — gets an empty message with
/// ORTE_ERR_CONNECTION_FAILED: a receiver notices at once instead of waiting out its bound (no snapc or sstore
/// message is ever empty), and sends fail with ORTE_ERR_UNREACH.
/// </summary>
internal sealed class RmlRouter
{
    /// <summary>The longest a send waits for room on the socket.</summary>
    private static readonly TimeSpan SendBound = TimeSpan.FromSeconds(30);

    private readonly object _gate = new();
    private readonly List<PostedReceive> _posts = new();
    private readonly LinkedList<Arrival> _unmatched = new();
    private readonly NodeConnection _connection;
    private readonly RankHost _host;
    private readonly OrteProcessName _me;
    private string? _lost;

    public RmlRouter(NodeConnection connection, RankHost host, OrteProcessName me)
    {
        _connection = connection;
        _host = host;
        _me = me;
    }

    /// <summary>Set once MPI_Finalize began: the coordinators may end the job's connections from then on.</summary>
    public bool Finishing { get; set; }

    /// <summary>Why the connection ended, or null while it is up.</summary>
    public string? LostReason => Volatile.Read(ref _lost);

    /// <summary>A receive: who from (wildcards allowed), which tag, and either a host callback or a managed waiter.</summary>
    private sealed record PostedReceive(OrteProcessName Peer, uint Tag, bool Persistent, nint Callback, nint CallbackData, Action<int, byte[]>? Managed);

    private sealed record Arrival(OrteProcessName Sender, uint Tag, byte[] Payload);

    /// <summary>Sends <paramref name="payload"/> to <paramref name="peer"/> in <paramref name="role"/> on <paramref name="tag"/>.</summary>
    public int Send(OrteProcessName peer, FrameRole role, uint tag, byte[] payload)
    {
        if (LostReason is { } lost)
        {
            Log.Verbose(5, $"native-snapc: RML send on tag {tag} refused: {lost}");
            return OpalStatus.Unreach;
        }
        if ((uint)payload.Length > FrameCodec.MaxPayload)
        {
            return OpalStatus.BadParam;
        }
        var frame = FrameCodec.Encode(FrameKind.Rml, tag, _me, FrameRole.App, peer, role, payload);
        var sent = _connection.Send(frame, SendBound);
        if (!sent.Ok)
        {
            Log.Error($"native-snapc: cannot send on RML tag {tag} to the {role}: {sent}");
            return OpalStatus.Unreach;
        }
        return OpalStatus.Success;
    }

    /// <summary>Posts a receive whose message goes to a host callback (<c>orte_rml_buffer_callback_fn_t</c>).</summary>
    public void Post(OrteProcessName peer, uint tag, bool persistent, nint callback, nint callbackData) =>
        Add(new PostedReceive(peer, tag, persistent, callback, callbackData, null));

    /// <summary>
    /// Waits at most <paramref name="bound"/> for one message from <paramref name="peer"/> on <paramref name="tag"/>
    /// (the runtime's own receives, e.g. sstore's PULL reply). Timeout: the receive is withdrawn.
    /// </summary>
    public int Receive(OrteProcessName peer, uint tag, TimeSpan bound, out byte[] payload)
    {
        var done = new ManualResetEventSlim(false);
        var status = OpalStatus.Timeout;
        var received = Array.Empty<byte>();
        var post = new PostedReceive(peer, tag, false, 0, 0, (s, bytes) =>
        {
            status = s;
            received = bytes;
            done.Set();
        });
        Add(post);
        if (!done.Wait(bound))
        {
            lock (_gate)
            {
                _posts.Remove(post);
            }
            if (!done.IsSet)
            {
                payload = [];
                return OpalStatus.Timeout;
            }
        }
        payload = received;
        return status;
    }

    /// <summary>Withdraws the receives posted for <paramref name="peer"/> (as given) and <paramref name="tag"/>; none of their callbacks runs after this.</summary>
    public void Cancel(OrteProcessName peer, uint tag)
    {
        lock (_gate)
        {
            _posts.RemoveAll(p => p.Tag == tag && p.Peer.jobid == peer.jobid && p.Peer.vpid == peer.vpid);
        }
    }

    /// <summary>A frame from the local coordinator (reader thread).</summary>
    public void OnFrame(FrameHeader header, byte[] payload)
    {
        if (header.Kind != FrameKind.Rml)
        {
            return;
        }
        lock (_gate)
        {
            _unmatched.AddLast(new Arrival(header.Source, header.Tag, payload));
            MatchAll();
        }
    }

    /// <summary>The connection ended: every receive, now and later, gets an empty message with ORTE_ERR_CONNECTION_FAILED.</summary>
    public void OnConnectionLost(string reason)
    {
        if (Interlocked.CompareExchange(ref _lost, reason, null) is not null)
        {
            return;
        }
        if (Finishing)
        {
            Log.Verbose(5, $"native-snapc: the connection to this node's local coordinator ended while the job finalizes: {reason}");
        }
        else
        {
            Log.Error($"native-snapc: the connection to this node's local coordinator ended: {reason}; "
                      + "checkpoint/restart calls fail from now on, the program goes on");
        }
        lock (_gate)
        {
            var posts = _posts.ToArray();
            _posts.Clear();
            foreach (var post in posts)
            {
                Fail(post);
            }
        }
    }

    private void Add(PostedReceive post)
    {
        lock (_gate)
        {
            if (LostReason is not null)
            {
                Fail(post);
                return;
            }
            _posts.Add(post);
            MatchAll();
        }
    }

    private void Fail(PostedReceive post) => Deliver(post, OpalStatus.ConnectionFailed, new OrteProcessName(uint.MaxValue, uint.MaxValue), post.Tag, []);

    // With _gate held. A callback may post or cancel (Monitor is re-entrant), so the lists are walked afresh after each delivery.
    private void MatchAll()
    {
        var node = _unmatched.First;
        while (node is not null)
        {
            var arrival = node.Value;
            var index = _posts.FindIndex(p => p.Tag == arrival.Tag && Matches(p.Peer, arrival.Sender));
            if (index < 0)
            {
                node = node.Next;
                continue;
            }
            var post = _posts[index];
            if (!post.Persistent)
            {
                _posts.RemoveAt(index);
            }
            _unmatched.Remove(node);
            Deliver(post, OpalStatus.Success, arrival.Sender, arrival.Tag, arrival.Payload);
            node = _unmatched.First;
        }
    }

    private void Deliver(PostedReceive post, int status, OrteProcessName sender, uint tag, byte[] payload)
    {
        try
        {
            if (post.Managed is not null)
            {
                post.Managed(status, payload);
            }
            else
            {
                _host.Deliver(post.Callback, post.CallbackData, status, sender, tag, payload);
            }
        }
        catch (Exception e)
        {
            Log.Error($"native-snapc: delivering a message on RML tag {tag} failed: {e.GetType().Name}: {e.Message}");
        }
    }

    // ORTE_NAME wildcards: ORTE_JOBID_WILDCARD / ORTE_VPID_WILDCARD.
    private static bool Matches(OrteProcessName want, OrteProcessName got) =>
        (want.jobid == got.jobid || want.jobid == OrteName.JobIdWildcard) && (want.vpid == got.vpid || want.vpid == OrteName.VpidWildcard);
}

using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;
using NativeSnapc.Abi;
using NativeSnapc.Coordinator;
using NativeSnapc.Diagnostics;
using NativeSnapc.Interop;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Host.OpenMpi;

// IHostMessaging (PMIx fence, RML send/receive of DSS payloads) and ISnapshotStore (the sstore slots).
internal sealed unsafe partial class OpenMpiHost
{
    /// <summary>The pause between looks at <c>rb->active</c>, as ORTE_WAIT_FOR_COMPLETION sleeps (100 µs).</summary>
    private const long ReceivePollNanoseconds = 100_000;

    /// <summary>
    /// The <c>type</c> a freshly constructed <c>opal_buffer_t</c> gets: the host's <c>dss_buffer_type</c>
    /// default, which is what the receiving side will assume (the type is not sent). It is fixed when OPAL's dss
    /// opens (a file-static in dss_open_close.c), so it is learned once, from one constructed buffer.
    /// </summary>
    public DssBufferType BufferType
    {
        get
        {
            if (_bufferType is { } known)
            {
                return known;
            }
            var buffer = (OpalBuffer*)_objects.New(_bufferClass);
            if (buffer == null)
            {
                // malloc failed; a release build's default is the better guess than failing a message.
                return DssBufferType.NonDescribed;
            }
            var type = buffer->type;
            OpalObjects.Release(&buffer->parent);
            _bufferType = type;
            return type;
        }
    }

    private DssBufferType? _bufferType;

    public int Fence()
    {
        var fence = _pmix->fence;
        return fence == null ? SlotIsNull("opal_pmix.fence") : fence(null, 0);
    }

    /// <summary>
    /// <c>send_buffer_nb((uint16)orte_mgmt_conduit, peer, buffer, tag, orte_rml_send_callback, NULL)</c> with a
    /// new host buffer holding a malloc'ed copy of <paramref name="payload"/>. On success the RML owns the
    /// buffer (orte_rml_send_callback releases it); on failure it is released here.
    /// </summary>
    public int Send(RmlPeer peer, uint tag, ReadOnlySpan<byte> payload)
    {
        var sendBufferNb = _rml->send_buffer_nb;
        if (sendBufferNb == null)
        {
            return SlotIsNull("orte_rml.send_buffer_nb");
        }
        var load = _dss->load;
        if (load == null)
        {
            return SlotIsNull("opal_dss.load");
        }

        var buffer = (OpalBuffer*)_objects.New(_bufferClass);
        if (buffer == null)
        {
            return OpalStatus.OutOfResource;
        }
        byte* copy = null;
        if (payload.Length > 0)
        {
            copy = (byte*)TryMalloc((nuint)payload.Length);
            if (copy == null)
            {
                OpalObjects.Release(&buffer->parent);
                return OpalStatus.OutOfResource;
            }
            payload.CopyTo(new Span<byte>(copy, payload.Length));
        }
        // load takes ownership of the malloc'ed copy (the buffer destructor frees base_ptr).
        var status = load(buffer, copy, payload.Length);
        if (status != OpalStatus.Success)
        {
            NativeMemory.Free(copy);
            OpalObjects.Release(&buffer->parent);
            return status;
        }

        // 4.1's send_buffer_nb takes the conduit first; the global is an int, the parameter a uint16.
        var conduit = unchecked((ushort)Volatile.Read(ref *_mgmtConduit));
        status = sendBufferNb(conduit, PeerName(peer), buffer, tag, _rmlSendCallback, null);
        if (status != OpalStatus.Success)
        {
            OpalObjects.Release(&buffer->parent);
        }
        return status;
    }

    /// <summary>
    /// Posts a one-shot <c>recv_buffer_nb(peer, tag, non-persistent, orte_rml_recv_callback, rb)</c> and waits
    /// at most <paramref name="bound"/> (negative: no bound) for the ORTE progress thread to clear
    /// <c>rb->active</c>. It sleeps between looks, as ORTE_WAIT_FOR_COMPLETION does, and neither progresses nor
    /// tests for checkpoints (the original's waits do not either). On timeout the receive is cancelled and
    /// <see cref="OpalStatus.Timeout"/> returned.
    /// </summary>
    public int Receive(RmlPeer peer, uint tag, TimeSpan bound, out byte[] payload) => Receive(peer, tag, bound, null, out payload);

    public int ReceiveServicing(RmlPeer peer, uint tag, TimeSpan bound, Func<bool> whileWaiting, out byte[] payload) =>
        Receive(peer, tag, bound, whileWaiting, out payload);

    private int Receive(RmlPeer peer, uint tag, TimeSpan bound, Func<bool>? whileWaiting, out byte[] payload)
    {
        payload = [];
        var recvBufferNb = _rml->recv_buffer_nb;
        if (recvBufferNb == null)
        {
            return SlotIsNull("orte_rml.recv_buffer_nb");
        }
        var recvCancel = _rml->recv_cancel;
        if (recvCancel == null)
        {
            return SlotIsNull("orte_rml.recv_cancel");
        }
        var unload = _dss->unload;
        if (unload == null)
        {
            return SlotIsNull("opal_dss.unload");
        }

        var rb = (OrteRmlRecvCb*)_objects.New(_recvCbClass);
        if (rb == null)
        {
            return OpalStatus.OutOfResource;
        }
        rb->active = 1;
        var peerName = PeerName(peer);
        recvBufferNb(peerName, tag, OrteRml.NonPersistent, _rmlRecvCallback, rb);

        if (!WaitWhileActive(&rb->active, bound, whileWaiting))
        {
            recvCancel(peerName, tag);
            // rb is deliberately leaked: the cancel is only queued to the ORTE event thread, and a message that
            // matched before it may still be copied into rb after we return.
            Log.Error($"native-snapc: no message from {peer} {*peerName} on RML tag {tag} within {bound.TotalSeconds:0.###} s; receive cancelled");
            return OpalStatus.Timeout;
        }

        void* data = null;
        var size = 0;
        var status = unload(&rb->data, &data, &size);
        if (status == OpalStatus.Success && data != null && size > 0)
        {
            payload = new ReadOnlySpan<byte>(data, size).ToArray();
        }
        // unload hands back a malloc'ed region (the whole buffer, or a copy of its unread part).
        NativeMemory.Free(data);
        OpalObjects.Release(&rb->super);
        return status;
    }

    // ---- sstore -----------------------------------------------------------------------------------

    public uint SstoreHandleCurrent => Volatile.Read(ref *_sstoreHandleCurrent);

    public int SstoreRegisterHandle(uint handle)
    {
        var registerHandle = _sstore->register_handle;
        return registerHandle == null ? SlotIsNull("orte_sstore.register_handle") : registerHandle(handle);
    }

    public int SstoreGetAttr(uint handle, uint key, out string? value)
    {
        value = null;
        var getAttr = _sstore->get_attr;
        if (getAttr == null)
        {
            return SlotIsNull("orte_sstore.get_attr");
        }
        byte* text = null;
        var status = getAttr(handle, key, &text);
        // The store hands over a malloc'ed string (or leaves the pointer alone when it has none).
        value = HostString.Read(text);
        HostString.Free(text);
        return status;
    }

    public int SstoreSetAttr(uint handle, uint key, string value)
    {
        var setAttr = _sstore->set_attr;
        if (setAttr == null)
        {
            return SlotIsNull("orte_sstore.set_attr");
        }
        // set_attr only reads the value during the call (central strdups what it keeps).
        var text = HostString.Duplicate(value);
        try
        {
            return setAttr(handle, key, text);
        }
        finally
        {
            HostString.Free(text);
        }
    }

    public int SstoreSync(uint handle)
    {
        var sync = _sstore->sync;
        return sync == null ? SlotIsNull("orte_sstore.sync") : sync(handle);
    }

    // ORTE_PROC_MY_HNP / ORTE_PROC_MY_DAEMON: pointers into orte_process_info, as the C code passes them.
    private OrteProcessName* PeerName(RmlPeer peer) => peer switch
    {
        RmlPeer.Hnp => &_processInfo->my_hnp,
        RmlPeer.Daemon => &_processInfo->my_daemon,
        _ => throw new ArgumentOutOfRangeException(nameof(peer), peer, "unknown RML peer"),
    };

    private static bool WaitWhileActive(byte* active, TimeSpan bound, Func<bool>? whileWaiting)
    {
        var start = Stopwatch.GetTimestamp();
        var pause = new Libc.TimeSpec { tv_sec = 0, tv_nsec = ReceivePollNanoseconds };
        // Volatile.Read is an acquire: what orte_rml_recv_callback wrote before clearing the flag is visible
        // after it (the C macro's opal_atomic_rmb).
        while (Volatile.Read(ref *active) != 0)
        {
            if (bound >= TimeSpan.Zero && Stopwatch.GetElapsedTime(start) >= bound)
            {
                return false;
            }
            if (whileWaiting is not null && !whileWaiting())
            {
                return false;
            }
            Libc.NanoSleep(&pause, null);
        }
        return true;
    }

    private static void* TryMalloc(nuint size)
    {
        try
        {
            return NativeMemory.Alloc(size);
        }
        catch (OutOfMemoryException)
        {
            return null;
        }
    }
}

using System;
using System.Collections.Generic;
using NativeSnapc.Protocol.Dss;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Protocol.Sstore;

/// <summary>The command and handle every sstore/central message on tag 44 starts with.</summary>
internal readonly record struct SstoreCentralHead(byte Command, uint Handle);

/// <summary>What a daemon answers an application's PULL: where its local snapshot goes.</summary>
internal sealed record SstorePullReply(uint Handle, int Seq, string? GlobalReference, string? LocalLocation, string? MetadataFile);

/// <summary>An application's PUSH after its checkpoint: skipped (a non-migrating process of a migration) or the CRS component that wrote it.</summary>
internal sealed record SstoreAppPush(uint Handle, bool Skipped, string? CrsComponent);

/// <summary>One rank in a daemon's PUSH to the HNP.</summary>
internal readonly record struct SstoreLocalPushEntry(OrteProcessName Name, bool Skipped, string? CrsComponent);

/// <summary>A daemon's PUSH to the HNP once every local rank has pushed.</summary>
internal sealed record SstoreLocalPush(uint Handle, IReadOnlyList<SstoreLocalPushEntry> Entries);

/// <summary>
/// sstore/central's messages on tag 44 (ORTE_RML_TAG_SSTORE_INTERNAL), as sstore_central_app.c,
/// sstore_central_local.c and sstore_central_global.c pack them: every message starts with the command
/// (OPAL_UINT8: 1 PULL, 2 PUSH) and the handle (ORTE_SSTORE_HANDLE = OPAL_UINT32). A receiver reads the head
/// first (<see cref="ParseHead"/>), then the body with the same reader. Nothing here throws.
/// </summary>
internal static class SstoreCentralMessages
{
    /// <summary>Application → daemon PULL: [1][handle].</summary>
    public static int BuildAppPull(DssBufferType bufferType, uint handle, out byte[] payload)
    {
        var writer = new DssWriter(bufferType);
        var status = PackHead(writer, SstoreCentralCommand.Pull, handle);
        return Finish(status, writer, out payload);
    }

    /// <summary>
    /// Daemon → application reply to a PULL (<c>process_app_pull</c>): [2][handle][int seq][string global
    /// reference][string local location][string metadata file]; NULL strings when the daemon knows nothing yet.
    /// </summary>
    public static int BuildPullReply(DssBufferType bufferType, SstorePullReply reply, out byte[] payload)
    {
        payload = Array.Empty<byte>();
        if (reply is null)
        {
            return OpalStatus.BadParam;
        }
        var writer = new DssWriter(bufferType);
        var status = PackHead(writer, SstoreCentralCommand.Push, reply.Handle);
        status = Then(status, () => writer.PackInt(reply.Seq));
        status = Then(status, () => writer.PackString(reply.GlobalReference));
        status = Then(status, () => writer.PackString(reply.LocalLocation));
        status = Then(status, () => writer.PackString(reply.MetadataFile));
        return Finish(status, writer, out payload);
    }

    public static int ParsePullReply(ReadOnlyMemory<byte> payload, DssBufferType bufferType, out SstorePullReply? reply)
    {
        reply = null;
        var reader = new DssReader(payload, bufferType);
        var status = ParseHead(reader, out var head);
        if (status != OpalStatus.Success) return status;
        status = reader.UnpackInt(out var seq);
        if (status != OpalStatus.Success) return status;
        status = reader.UnpackString(out var reference);
        if (status != OpalStatus.Success) return status;
        status = reader.UnpackString(out var location);
        if (status != OpalStatus.Success) return status;
        status = reader.UnpackString(out var metadata);
        if (status != OpalStatus.Success) return status;
        reply = new SstorePullReply(head.Handle, seq, reference, location, metadata);
        return OpalStatus.Success;
    }

    /// <summary>Application → daemon PUSH (<c>orte_sstore_central_app_sync</c>): [2][handle][bool skipped][string crs component, only when not skipped].</summary>
    public static int BuildAppPush(DssBufferType bufferType, uint handle, bool skipped, string? crsComponent, out byte[] payload)
    {
        var writer = new DssWriter(bufferType);
        var status = PackHead(writer, SstoreCentralCommand.Push, handle);
        status = Then(status, () => writer.PackBool(skipped));
        if (!skipped)
        {
            status = Then(status, () => writer.PackString(crsComponent));
        }
        return Finish(status, writer, out payload);
    }

    /// <summary>The body of an application PUSH after <see cref="ParseHead"/> (<c>process_app_push</c>).</summary>
    public static int ParseAppPushBody(DssReader reader, SstoreCentralHead head, out SstoreAppPush? push)
    {
        push = null;
        var status = reader.UnpackBool(out var skipped);
        if (status != OpalStatus.Success) return status;
        string? component = null;
        if (!skipped)
        {
            status = reader.UnpackString(out component);
            if (status != OpalStatus.Success) return status;
        }
        push = new SstoreAppPush(head.Handle, skipped, component);
        return OpalStatus.Success;
    }

    /// <summary>
    /// Daemon → HNP PUSH (<c>push_handle_info</c>): [2][handle][size n] then per rank [name][bool skipped]
    /// [string crs component, only when not skipped].
    /// </summary>
    public static int BuildLocalPush(DssBufferType bufferType, uint handle, IReadOnlyList<SstoreLocalPushEntry> entries, out byte[] payload)
    {
        payload = Array.Empty<byte>();
        if (entries is null)
        {
            return OpalStatus.BadParam;
        }
        var writer = new DssWriter(bufferType);
        var status = PackHead(writer, SstoreCentralCommand.Push, handle);
        status = Then(status, () => writer.PackSize((ulong)entries.Count));
        for (var i = 0; i < entries.Count && status == OpalStatus.Success; i++)
        {
            var entry = entries[i];
            status = writer.PackName(entry.Name);
            status = Then(status, () => writer.PackBool(entry.Skipped));
            if (!entry.Skipped)
            {
                status = Then(status, () => writer.PackString(entry.CrsComponent));
            }
        }
        return Finish(status, writer, out payload);
    }

    /// <summary>The body of a daemon PUSH after <see cref="ParseHead"/> (<c>process_local_push</c>).</summary>
    public static int ParseLocalPushBody(DssReader reader, SstoreCentralHead head, out SstoreLocalPush? push)
    {
        push = null;
        var status = reader.UnpackSize(out var count);
        if (status != OpalStatus.Success) return status;
        var entries = new List<SstoreLocalPushEntry>();
        // Grows per entry read: a garbled count cannot allocate more than the payload holds.
        for (ulong i = 0; i < count; i++)
        {
            status = reader.UnpackName(out var name);
            if (status != OpalStatus.Success) return status;
            status = reader.UnpackBool(out var skipped);
            if (status != OpalStatus.Success) return status;
            string? component = null;
            if (!skipped)
            {
                status = reader.UnpackString(out component);
                if (status != OpalStatus.Success) return status;
            }
            entries.Add(new SstoreLocalPushEntry(name, skipped, component));
        }
        push = new SstoreLocalPush(head.Handle, entries);
        return OpalStatus.Success;
    }

    /// <summary>The command and the handle, as every receiver of tag 44 unpacks them first.</summary>
    public static int ParseHead(DssReader reader, out SstoreCentralHead head)
    {
        head = default;
        var status = reader.UnpackUInt8(out var command);
        if (status != OpalStatus.Success) return status;
        status = reader.UnpackUInt32(out var handle);
        if (status != OpalStatus.Success) return status;
        head = new SstoreCentralHead(command, handle);
        return OpalStatus.Success;
    }

    private static int PackHead(DssWriter writer, byte command, uint handle)
    {
        var status = writer.PackUInt8(command);
        return Then(status, () => writer.PackUInt32(handle));
    }

    private static int Then(int status, Func<int> next) => status == OpalStatus.Success ? next() : status;

    private static int Finish(int status, DssWriter writer, out byte[] payload)
    {
        payload = status == OpalStatus.Success ? writer.ToArray() : Array.Empty<byte>();
        return status;
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using NativeSnapc.Protocol.Dss;
using NativeSnapc.Protocol.Snapc;
using NativeSnapc.Protocol.Sstore;
using NativeSnapc.Protocol.Wire;
using NativeSnapc.Tests.Protocol.Dss;
using NUnit.Framework;

namespace NativeSnapc.Tests.Protocol.Snapc;

/// <summary>
/// The messages the coordinators exchange (snapc_full_global.c ↔ snapc_full_local.c on tag 25, sstore/central on
/// tag 44) as the C code packs them, item by item, so the oracle test compares our bytes with the real opal_dss.pack.
/// </summary>
internal static class CoordinatorMessageCases
{
    private const uint JobId = SnapcMessageCases.JobId;
    private static readonly SstoreCentralHandleInfo Handle =
        new(3, 2, "ompi_global_snapshot_4242.ckpt", "/home/u/ompi_global_snapshot_4242.ckpt/2/opal_snapshot_%d.ckpt");

    public static IEnumerable<SnapcMessageCase> Create()
    {
        yield return JobUpdate("UPDATE_JOB_STATE(PENDING)", SnapcCkptState.Pending, Handle, SnapcCheckpointOptions.None, null);
        yield return JobUpdate("UPDATE_JOB_STATE(PENDING,term,quiesce)", SnapcCkptState.Pending, Handle, new SnapcCheckpointOptions(true, false, true, false), null);
        yield return JobUpdate("UPDATE_JOB_STATE(NULL strings)", SnapcCkptState.Pending, new SstoreCentralHandleInfo(1, -1, null, null), new SnapcCheckpointOptions(false, true, false, true), null);
        yield return JobUpdate("UPDATE_JOB_STATE(migrating)", SnapcCkptState.Pending, Handle, SnapcCheckpointOptions.None,
            new[] { new OrteProcessName(JobId, 1), new OrteProcessName(JobId, 7) });
        yield return JobUpdateQuick("UPDATE_JOB_STATE_QUICK(FINISHED_LOCAL)", SnapcCkptState.FinishedLocal);
        yield return JobUpdateQuick("UPDATE_JOB_STATE_QUICK(ESTABLISHED)", SnapcCkptState.Established);
        yield return OrtedUpdate("UPDATE_ORTED_STATE(FINISHED_LOCAL)", SnapcCkptState.FinishedLocal, false);
        yield return OrtedUpdate("UPDATE_ORTED_STATE(INC_PREPED)", SnapcCkptState.IncPreped, false);
        yield return OrtedUpdate("UPDATE_ORTED_STATE_QUICK(RUNNING)", SnapcCkptState.Running, true);
        yield return OrtedUpdate("UPDATE_ORTED_STATE_QUICK(ERROR)", SnapcCkptState.Error, true);
        yield return AppPull("SSTORE_PULL", 7);
        yield return PullReply("SSTORE_PULL_REPLY", new SstorePullReply(7, 3, "ompi_global_snapshot_1.ckpt",
            "/s/ompi_global_snapshot_1.ckpt/3/opal_snapshot_2.ckpt", "/s/ompi_global_snapshot_1.ckpt/3/opal_snapshot_2.ckpt/snapshot_meta.data"));
        yield return PullReply("SSTORE_PULL_REPLY(unknown handle)", new SstorePullReply(9, -1, null, null, null));
        yield return AppPush("SSTORE_PUSH(self)", 7, false, "self");
        yield return AppPush("SSTORE_PUSH(skipped)", 7, true, null);
        yield return LocalPush("SSTORE_LOCAL_PUSH", 7, new[]
        {
            new SstoreLocalPushEntry(new OrteProcessName(JobId, 0), false, "self"),
            new SstoreLocalPushEntry(new OrteProcessName(JobId, 1), true, null),
            new SstoreLocalPushEntry(new OrteProcessName(JobId, 2), false, "none"),
        });
        yield return LocalPush("SSTORE_LOCAL_PUSH(empty)", 1, Array.Empty<SstoreLocalPushEntry>());
    }

    private static IEnumerable<DssItem> HandleItems(SstoreCentralHandleInfo h) => new[]
    {
        DssItem.UInt32(h.Handle), DssItem.Int(h.Seq), DssItem.String(h.GlobalReference), DssItem.String(h.AppLocationFormat),
    };

    private static SnapcMessageCase JobUpdate(string name, int state, SstoreCentralHandleInfo handle, SnapcCheckpointOptions options,
        IReadOnlyList<OrteProcessName>? migrating)
    {
        var items = new List<DssItem> { DssItem.UInt8(SnapcFullCommand.UpdateJobState), DssItem.JobId(JobId), DssItem.Int(state) };
        items.AddRange(HandleItems(handle));
        items.AddRange(new[] { DssItem.Bool(options.Term), DssItem.Bool(options.Stop), DssItem.Bool(options.IncPrepOnly), DssItem.Bool(options.IncRecoverOnly) });
        items.Add(DssItem.Bool(migrating is not null));
        if (migrating is not null)
        {
            items.Add(DssItem.Size((ulong)migrating.Count));
            items.AddRange(migrating.Select(DssItem.Name));
        }
        return new SnapcMessageCase(name,
            t => (CoordinatorMessages.BuildJobStateUpdate(t, JobId, state, handle, options, migrating, out var p), p),
            items,
            (bytes, t) => CoordinatorMessages.ParseJobStateUpdate(bytes, t, out _),
            (bytes, t) =>
            {
                Assert.That(CoordinatorMessages.ParseJobStateUpdate(bytes, t, out var update), Is.EqualTo(OpalStatus.Success));
                Assert.That(update!.IsQuick, Is.False);
                Assert.That((update.JobId, update.State, update.Handle, update.Options), Is.EqualTo((JobId, state, handle, options)));
                Assert.That(update.Migrating, Is.EqualTo(migrating is not null));
                Assert.That(update.MigratingProcesses, Is.EqualTo(migrating ?? Array.Empty<OrteProcessName>()));
            });
    }

    private static SnapcMessageCase JobUpdateQuick(string name, int state) =>
        new(name,
            t => (CoordinatorMessages.BuildJobStateUpdateQuick(t, JobId, state, out var p), p),
            new[] { DssItem.UInt8(SnapcFullCommand.UpdateJobStateQuick), DssItem.JobId(JobId), DssItem.Int(state) },
            (bytes, t) => CoordinatorMessages.ParseJobStateUpdate(bytes, t, out _),
            (bytes, t) =>
            {
                Assert.That(CoordinatorMessages.ParseJobStateUpdate(bytes, t, out var update), Is.EqualTo(OpalStatus.Success));
                Assert.That((update!.IsQuick, update.JobId, update.State, update.Handle), Is.EqualTo((true, JobId, state, (SstoreCentralHandleInfo?)null)));
            });

    private static SnapcMessageCase OrtedUpdate(string name, int state, bool quick) =>
        new(name,
            t => (CoordinatorMessages.BuildOrtedStateUpdate(t, state, quick, out var p), p),
            new[] { DssItem.UInt8(quick ? SnapcFullCommand.UpdateOrtedStateQuick : SnapcFullCommand.UpdateOrtedState), DssItem.Int(state) },
            (bytes, t) => CoordinatorMessages.ParseOrtedStateUpdate(bytes, t, out _),
            (bytes, t) =>
            {
                Assert.That(CoordinatorMessages.ParseOrtedStateUpdate(bytes, t, out var update), Is.EqualTo(OpalStatus.Success));
                Assert.That(update, Is.EqualTo(new SnapcOrtedStateUpdate(quick ? SnapcFullCommand.UpdateOrtedStateQuick : SnapcFullCommand.UpdateOrtedState, state)));
            });

    private static SnapcMessageCase AppPull(string name, uint handle) =>
        new(name,
            t => (SstoreCentralMessages.BuildAppPull(t, handle, out var p), p),
            new[] { DssItem.UInt8(SstoreCentralCommand.Pull), DssItem.UInt32(handle) },
            (bytes, t) => SstoreCentralMessages.ParseHead(new DssReader(bytes, t), out _),
            (bytes, t) =>
            {
                Assert.That(SstoreCentralMessages.ParseHead(new DssReader(bytes, t), out var head), Is.EqualTo(OpalStatus.Success));
                Assert.That(head, Is.EqualTo(new SstoreCentralHead(SstoreCentralCommand.Pull, handle)));
            });

    private static SnapcMessageCase PullReply(string name, SstorePullReply reply) =>
        new(name,
            t => (SstoreCentralMessages.BuildPullReply(t, reply, out var p), p),
            new[]
            {
                DssItem.UInt8(SstoreCentralCommand.Push), DssItem.UInt32(reply.Handle), DssItem.Int(reply.Seq),
                DssItem.String(reply.GlobalReference), DssItem.String(reply.LocalLocation), DssItem.String(reply.MetadataFile),
            },
            (bytes, t) => SstoreCentralMessages.ParsePullReply(bytes, t, out _),
            (bytes, t) =>
            {
                Assert.That(SstoreCentralMessages.ParsePullReply(bytes, t, out var parsed), Is.EqualTo(OpalStatus.Success));
                Assert.That(parsed, Is.EqualTo(reply));
            });

    private static SnapcMessageCase AppPush(string name, uint handle, bool skipped, string? component)
    {
        var items = new List<DssItem> { DssItem.UInt8(SstoreCentralCommand.Push), DssItem.UInt32(handle), DssItem.Bool(skipped) };
        if (!skipped)
        {
            items.Add(DssItem.String(component));
        }
        int Parse(byte[] bytes, DssBufferType t, out SstoreAppPush? push)
        {
            push = null;
            var reader = new DssReader(bytes, t);
            var status = SstoreCentralMessages.ParseHead(reader, out var head);
            return status != OpalStatus.Success ? status : SstoreCentralMessages.ParseAppPushBody(reader, head, out push);
        }
        return new(name,
            t => (SstoreCentralMessages.BuildAppPush(t, handle, skipped, component, out var p), p),
            items,
            (bytes, t) => Parse(bytes, t, out _),
            (bytes, t) =>
            {
                Assert.That(Parse(bytes, t, out var push), Is.EqualTo(OpalStatus.Success));
                Assert.That(push, Is.EqualTo(new SstoreAppPush(handle, skipped, component)));
            });
    }

    private static SnapcMessageCase LocalPush(string name, uint handle, IReadOnlyList<SstoreLocalPushEntry> entries)
    {
        var items = new List<DssItem> { DssItem.UInt8(SstoreCentralCommand.Push), DssItem.UInt32(handle), DssItem.Size((ulong)entries.Count) };
        foreach (var e in entries)
        {
            items.Add(DssItem.Name(e.Name));
            items.Add(DssItem.Bool(e.Skipped));
            if (!e.Skipped)
            {
                items.Add(DssItem.String(e.CrsComponent));
            }
        }
        int Parse(byte[] bytes, DssBufferType t, out SstoreLocalPush? push)
        {
            push = null;
            var reader = new DssReader(bytes, t);
            var status = SstoreCentralMessages.ParseHead(reader, out var head);
            return status != OpalStatus.Success ? status : SstoreCentralMessages.ParseLocalPushBody(reader, head, out push);
        }
        return new(name,
            t => (SstoreCentralMessages.BuildLocalPush(t, handle, entries, out var p), p),
            items,
            (bytes, t) => Parse(bytes, t, out _),
            (bytes, t) =>
            {
                Assert.That(Parse(bytes, t, out var push), Is.EqualTo(OpalStatus.Success));
                Assert.That(push!.Handle, Is.EqualTo(handle));
                Assert.That(push.Entries, Is.EqualTo(entries));
            });
    }
}

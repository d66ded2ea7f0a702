using System;
using System.Collections.Generic;
using System.Linq;
using NativeSnapc.Protocol.Snapc;
using NativeSnapc.Protocol.Wire;
using NativeSnapc.Tests.Protocol.Dss;
using NUnit.Framework;

namespace NativeSnapc.Tests.Protocol.Snapc;

/// <summary>
/// One message of docs/dss.md#golden-vectors-non-described (or of the coordinators: HNP ↔ daemon, sstore/central)
/// with concrete values: how the managed builder makes it, the same opal_dss.pack calls in the oracle's terms, and a
/// check that the managed parser reads it back.
/// </summary>
internal sealed record SnapcMessageCase(
    string Name,
    Func<DssBufferType, (int Status, byte[] Payload)> Build,
    IReadOnlyList<DssItem> Items,
    Func<byte[], DssBufferType, int> Parse,
    Action<byte[], DssBufferType> AssertParsesBack)
{
    public IReadOnlyList<(string Type, int Capacity)> Declared => Items.Select(item => (item.Type, 1)).ToArray();

    public override string ToString() => Name;
}

internal static class SnapcMessageCases
{
    // The example values of docs/dss.md#golden-vectors-non-described: job family 0x1a2b, local job 1, vpid 3,
    // pid 12345.
    public const uint JobId = 0x1a2b0001;
    public static readonly OrteProcessName Proc = new(JobId, 3);
    public const int Pid = 12345;
    public const string Handle = "ompi_global_snapshot_1234.ckpt";

    public static readonly SnapcMigrationEntry[] SpecMigration =
    {
        new(0, "node07", -1, 0),
        new(5, "", 2, 1),
    };

    public static IReadOnlyList<SnapcMessageCase> All { get; } = Create();

    public static SnapcMessageCase Get(string name) => All.Single(c => c.Name == name);

    private static IReadOnlyList<SnapcMessageCase> Create()
    {
        var cases = new List<SnapcMessageCase>
        {
            Simple("INIT", SnapcOpEvent.Init, t => Call(SnapcMessages.BuildInit, t)),
            Simple("FIN", SnapcOpEvent.Fin, t => Call(SnapcMessages.BuildFin, t)),
            Simple("CHECKPOINT", SnapcOpEvent.Checkpoint, t => Call(SnapcTestMessages.BuildCheckpoint, t)),
            Simple("QUIESCE_START", SnapcOpEvent.QuiesceStart, t => Call(SnapcTestMessages.BuildQuiesceStart, t)),
            Simple("QUIESCE_END", SnapcOpEvent.QuiesceEnd, t => Call(SnapcTestMessages.BuildQuiesceEnd, t)),
            Restart("RESTART(7,handle)", 7, Handle),
            Restart("RESTART(-1,NULL)", -1, null),
            Restart("RESTART(0,\"\")", 0, ""),
            Restart("RESTART(int.MaxValue,utf8)", int.MaxValue, "snap_ü_€_𝄞"),
            Migrate("MIGRATE(spec)", SpecMigration),
            Migrate("MIGRATE(none)", Array.Empty<SnapcMigrationEntry>()),
            Migrate("MIGRATE(NULL host, extremes)", new SnapcMigrationEntry[] { new(int.MaxValue, null, int.MinValue, -1), new(1, "h", 0, 0), new(2, "long-host-name.example.org", 7, 1) }),
            LocalFinish("LOCAL_FINISH(CONTINUE)", 4),
            LocalFinish("LOCAL_FINISH(ERROR)", 7),
            LocalUpdate("LOCAL_UPDATE", Proc, Pid, null),
            LocalUpdate("LOCAL_UPDATE+CRDEBUG(true)", Proc, Pid, true),
            LocalUpdate("LOCAL_UPDATE+CRDEBUG(false)", new OrteProcessName(uint.MaxValue, uint.MaxValue - 1), int.MaxValue, false),
            Reply("FIN_ACK", t => Call(SnapcMessages.BuildFinAck, t), SnapcOpEvent.FinAck, null),
            Reply("CHECKPOINT_DONE", t => Call((DssBufferType b, out byte[] p) => SnapcMessages.BuildCheckpointDone(b, 0, out p), t), SnapcOpEvent.Checkpoint, 0),
            Reply("CHECKPOINT_FAILED", t => Call((DssBufferType b, out byte[] p) => SnapcMessages.BuildCheckpointDone(b, -1, out p), t), SnapcOpEvent.Checkpoint, -1),
            Reply("MIGRATE_DONE", t => Call(SnapcTestMessages.BuildMigrateDone, t), SnapcOpEvent.Migrate, 0),
            // native-snapc's HNP refuses these at once, in the form of the completion replies
            Reply("MIGRATE_REFUSED", t => Call((DssBufferType b, out byte[] p) => SnapcMessages.BuildRequestOpDone(b, SnapcOpEvent.Migrate, -1, out p), t), SnapcOpEvent.Migrate, -1),
            Reply("RESTART_REFUSED", t => Call((DssBufferType b, out byte[] p) => SnapcMessages.BuildRequestOpDone(b, SnapcOpEvent.Restart, -1, out p), t), SnapcOpEvent.Restart, -1),
        };
        cases.AddRange(CoordinatorMessageCases.Create());
        return cases;
    }

    private delegate int Builder(DssBufferType bufferType, out byte[] payload);

    private static (int, byte[]) Call(Builder builder, DssBufferType type)
    {
        var status = builder(type, out var payload);
        return (status, payload);
    }

    private delegate int JobBuilder(DssBufferType bufferType, uint jobId, out byte[] payload);

    private static (int, byte[]) Call(JobBuilder builder, DssBufferType type)
    {
        var status = builder(type, JobId, out var payload);
        return (status, payload);
    }

    private static DssItem[] Head(SnapcOpEvent opEvent) =>
        new[] { DssItem.UInt8(SnapcCommand.FullRequestOp), DssItem.JobId(JobId), DssItem.Int((int)opEvent) };

    private static SnapcMessageCase Simple(string name, SnapcOpEvent opEvent, Func<DssBufferType, (int, byte[])> build) =>
        RequestOp(name, build, Head(opEvent), request =>
        {
            Assert.That(request.Event, Is.EqualTo(opEvent));
            Assert.That(request.GlobalHandle, Is.Null);
            Assert.That(request.Migrations, Is.Empty);
        });

    private static SnapcMessageCase Restart(string name, int seq, string? handle) =>
        RequestOp(name,
            t =>
            {
                var status = SnapcMessages.BuildRestart(t, JobId, seq, handle, out var payload);
                return (status, payload);
            },
            Head(SnapcOpEvent.Restart).Append(DssItem.Int(seq)).Append(DssItem.String(handle)).ToArray(),
            request =>
            {
                Assert.That(request.Event, Is.EqualTo(SnapcOpEvent.Restart));
                Assert.That(request.SeqNum, Is.EqualTo(seq));
                Assert.That(request.GlobalHandle, Is.EqualTo(handle));
            });

    private static SnapcMessageCase Migrate(string name, IReadOnlyList<SnapcMigrationEntry> entries)
    {
        var items = Head(SnapcOpEvent.Migrate).ToList();
        items.Add(DssItem.Int(entries.Count));
        foreach (var e in entries)
        {
            items.AddRange(new[] { DssItem.Int(e.Vpid), DssItem.String(e.HostPreference), DssItem.Int(e.VpidPreference), DssItem.Int(e.OffNode) });
        }
        return RequestOp(name,
            t =>
            {
                var status = SnapcMessages.BuildMigrate(t, JobId, entries, out var payload);
                return (status, payload);
            },
            items,
            request =>
            {
                Assert.That(request.Event, Is.EqualTo(SnapcOpEvent.Migrate));
                Assert.That(request.MigrationCount, Is.EqualTo(entries.Count));
                Assert.That(request.Migrations, Is.EqualTo(entries));
            });
    }

    private static SnapcMessageCase RequestOp(string name, Func<DssBufferType, (int, byte[])> build, IReadOnlyList<DssItem> items,
        Action<SnapcRequestOp> check) =>
        new(name, build, items,
            (bytes, t) => SnapcMessages.ParseRequestOp(bytes, t, out _),
            (bytes, t) =>
            {
                Assert.That(SnapcMessages.ParseRequestOp(bytes, t, out var request), Is.EqualTo(OpalStatus.Success));
                Assert.That(request!.Command, Is.EqualTo(SnapcCommand.FullRequestOp));
                Assert.That(request.JobId, Is.EqualTo(JobId));
                check(request);
            });

    private static SnapcMessageCase LocalFinish(string name, int crState) =>
        new(name,
            t =>
            {
                var status = SnapcTestMessages.BuildLocalFinish(t, crState, out var payload);
                return (status, payload);
            },
            new[] { DssItem.UInt8(SnapcCommand.LocalFinish), DssItem.Int(crState) },
            (bytes, t) => SnapcMessages.ParseLocalFinish(bytes, t, out _),
            (bytes, t) =>
            {
                Assert.That(SnapcMessages.ParseLocalFinish(bytes, t, out var message), Is.EqualTo(OpalStatus.Success));
                Assert.That(message, Is.EqualTo(new SnapcLocalFinish(SnapcCommand.LocalFinish, crState)));
            });

    private static SnapcMessageCase LocalUpdate(string name, OrteProcessName proc, int pid, bool? crdebug)
    {
        var items = new List<DssItem> { DssItem.UInt8(SnapcCommand.LocalUpdate), DssItem.Name(proc), DssItem.Pid(pid) };
        if (crdebug is { } flag)
        {
            items.Add(DssItem.Bool(flag));
        }
        return new(name,
            t =>
            {
                var status = SnapcMessages.BuildLocalUpdate(t, proc, pid, crdebug, out var payload);
                return (status, payload);
            },
            items,
            (bytes, t) => SnapcMessages.ParseLocalUpdate(bytes, t, crdebug.HasValue, out _),
            (bytes, t) =>
            {
                Assert.That(SnapcMessages.ParseLocalUpdate(bytes, t, crdebug.HasValue, out var message), Is.EqualTo(OpalStatus.Success));
                Assert.That(message, Is.EqualTo(new SnapcLocalUpdate(SnapcCommand.LocalUpdate, proc, pid, crdebug)));
            });
    }

    private static SnapcMessageCase Reply(string name, Func<DssBufferType, (int, byte[])> build, SnapcOpEvent opEvent, int? opState)
    {
        var items = new List<DssItem> { DssItem.UInt8(SnapcCommand.FullRequestOp), DssItem.Int((int)opEvent) };
        if (opState is { } state)
        {
            items.Add(DssItem.Int(state));
        }
        SnapcRequestOpReply? parsed = null;
        int Parse(byte[] bytes, DssBufferType t) => opState.HasValue
            ? SnapcMessages.ParseRequestOpDone(bytes, t, out parsed)
            : SnapcMessages.ParseFinAck(bytes, t, out parsed);
        return new(name, build, items,
            Parse,
            (bytes, t) =>
            {
                Assert.That(Parse(bytes, t), Is.EqualTo(OpalStatus.Success));
                Assert.That(parsed, Is.EqualTo(new SnapcRequestOpReply(SnapcCommand.FullRequestOp, opEvent, opState)));
            });
    }
}

using System;
using System.Runtime.InteropServices;
using System.Text;
using NativeSnapc.Abi;
using NativeSnapc.Host.OpenMpi;
using NativeSnapc.Protocol.Snapc;
using NativeSnapc.Protocol.Wire;
using NUnit.Framework;

namespace NativeSnapc.Tests.Host;

/// <summary>
/// The request_op datum reader and writer on an <c>orte_snapc_base_request_op_t</c> laid out by the mirror
/// struct (checked against the real header by the layout tests). The same code against a datum made and
/// destroyed by the real class is <see cref="HostedScenarios"/>' "request-op".
/// </summary>
[TestFixture]
public sealed unsafe class RequestOperationDatumTests
{
    private OrteSnapcBaseRequestOp* _datum;

    [SetUp]
    public void Allocate()
    {
        _datum = (OrteSnapcBaseRequestOp*)NativeMemory.AllocZeroed((nuint)sizeof(OrteSnapcBaseRequestOp));
        _datum->leader = -1;
        _datum->seq_num = -1;
        _datum->mig_num = -1;
    }

    [TearDown]
    public void Free()
    {
        NativeMemory.Free(_datum->global_handle);
        NativeMemory.Free(_datum->mig_vpids);
        NativeMemory.Free(_datum->mig_host_pref);
        NativeMemory.Free(_datum->mig_vpid_pref);
        NativeMemory.Free(_datum->mig_off_node);
        NativeMemory.Free(_datum);
    }

    [Test]
    public void NULL_reads_as_null() => Assert.That(new RequestOperationDatum(null).Read(), Is.Null);

    [Test]
    public void The_scalar_fields_and_the_handle_are_read()
    {
        _datum->@event = SnapcOpEvent.Restart;
        _datum->leader = 3;
        _datum->seq_num = 7;
        _datum->global_handle = HostString.Duplicate("ompi_global_snapshot_1234.ckpt");
        var op = new RequestOperationDatum(_datum).Read()!;
        Assert.That(op.Event, Is.EqualTo(5));
        Assert.That(op.OpEvent, Is.EqualTo(SnapcOpEvent.Restart));
        Assert.That(op.Leader, Is.EqualTo(3));
        Assert.That(op.SeqNum, Is.EqualTo(7));
        Assert.That(op.GlobalHandle, Is.EqualTo("ompi_global_snapshot_1234.ckpt"));
        Assert.That(op.GlobalHandleChanged, Is.False);
        Assert.That(op.Migrations, Is.Null);
    }

    [Test]
    public void An_event_outside_the_enum_is_passed_on_raw()
    {
        _datum->@event = (SnapcOpEvent)1234;
        Assert.That(new RequestOperationDatum(_datum).Read()!.Event, Is.EqualTo(1234));
    }

    [Test]
    public void A_migration_table_is_read_row_by_row()
    {
        FillTable(3);
        var op = new RequestOperationDatum(_datum).Read()!;
        Assert.That(op.MigrationCount, Is.EqualTo(3));
        Assert.That(op.Migrations, Is.EqualTo(new[]
        {
            new SnapcMigrationEntry(10, "node07", -1, 0),
            new SnapcMigrationEntry(11, "", 2, 1),
            new SnapcMigrationEntry(12, "nœud-ü", 4, 0),
        }));
    }

    [Test]
    public void A_host_preference_row_without_NUL_is_read_within_its_256_bytes()
    {
        FillTable(2);
        new Span<byte>(_datum->mig_host_pref, 2 * OpalConfig.MaxProcessorName).Fill((byte)'h');
        var op = new RequestOperationDatum(_datum).Read()!;
        Assert.That(op.Migrations![0].HostPreference, Is.EqualTo(new string('h', OpalConfig.MaxProcessorName)));
    }

    [Test]
    public void An_empty_table_is_empty_not_absent()
    {
        FillTable(0);
        Assert.That(new RequestOperationDatum(_datum).Read()!.Migrations, Is.Empty);
    }

    [TestCase(-1)]
    [TestCase(RequestOperationDatum.MaxMigrationCount + 1)]
    [TestCase(int.MaxValue)]
    public void A_count_out_of_range_gives_no_table(int count)
    {
        FillTable(1);
        _datum->mig_num = count;
        var op = new RequestOperationDatum(_datum).Read()!;
        Assert.That(op.Migrations, Is.Null);
        Assert.That(op.MigrationCount, Is.EqualTo(count));
    }

    [TestCase("mig_vpids")]
    [TestCase("mig_host_pref")]
    [TestCase("mig_vpid_pref")]
    [TestCase("mig_off_node")]
    public void A_missing_array_gives_no_table(string array)
    {
        FillTable(1);
        switch (array)
        {
            case "mig_vpids": NativeMemory.Free(_datum->mig_vpids); _datum->mig_vpids = null; break;
            case "mig_host_pref": NativeMemory.Free(_datum->mig_host_pref); _datum->mig_host_pref = null; break;
            case "mig_vpid_pref": NativeMemory.Free(_datum->mig_vpid_pref); _datum->mig_vpid_pref = null; break;
            case "mig_off_node": NativeMemory.Free(_datum->mig_off_node); _datum->mig_off_node = null; break;
        }
        Assert.That(new RequestOperationDatum(_datum).Read()!.Migrations, Is.Null);
    }

    [Test]
    public void The_table_is_ignored_unless_the_event_is_MIGRATE()
    {
        FillTable(2);
        _datum->@event = SnapcOpEvent.Checkpoint;
        var op = new RequestOperationDatum(_datum).Read()!;
        Assert.That(op.Migrations, Is.Null);
        Assert.That(op.MigrationCount, Is.EqualTo(2));
    }

    [Test]
    public void Writing_back_stores_seq_num_and_leaves_an_unchanged_handle_alone()
    {
        var original = HostString.Duplicate("ompi_global_snapshot_1.ckpt");
        _datum->global_handle = original;
        var op = new RequestOperationDatum(_datum).Read()!;
        op.SeqNum = 4;
        new RequestOperationDatum(_datum).Write(op);
        Assert.That(_datum->seq_num, Is.EqualTo(4));
        Assert.That((nint)_datum->global_handle, Is.EqualTo((nint)original));
    }

    [Test]
    public void A_changed_handle_replaces_the_old_string_with_a_malloced_copy()
    {
        _datum->global_handle = HostString.Duplicate("old");
        var op = new RequestOperationDatum(_datum).Read()!;
        op.SetGlobalHandle("ompi_global_snapshot_4242.ckpt");
        new RequestOperationDatum(_datum).Write(op);
        Assert.That(HostString.Read(_datum->global_handle), Is.EqualTo("ompi_global_snapshot_4242.ckpt"));

        op.SetGlobalHandle(null);
        new RequestOperationDatum(_datum).Write(op);
        Assert.That((nint)_datum->global_handle, Is.EqualTo(nint.Zero));

        op.SetGlobalHandle("Unknown");
        new RequestOperationDatum(_datum).Write(op);
        Assert.That(HostString.Read(_datum->global_handle), Is.EqualTo("Unknown"));
    }

    private void FillTable(int count)
    {
        _datum->@event = SnapcOpEvent.Migrate;
        _datum->mig_num = count;
        var rows = Math.Max(count, 1);
        _datum->mig_vpids = (int*)NativeMemory.AllocZeroed((nuint)(rows * sizeof(int)));
        _datum->mig_vpid_pref = (int*)NativeMemory.AllocZeroed((nuint)(rows * sizeof(int)));
        _datum->mig_off_node = (int*)NativeMemory.AllocZeroed((nuint)(rows * sizeof(int)));
        _datum->mig_host_pref = (byte*)NativeMemory.AllocZeroed((nuint)(rows * OpalConfig.MaxProcessorName));
        string[] hosts = ["node07", "", "nœud-ü"];
        int[] preferences = [-1, 2, 4];
        for (var i = 0; i < count; i++)
        {
            _datum->mig_vpids[i] = 10 + i;
            _datum->mig_vpid_pref[i] = preferences[i % 3];
            _datum->mig_off_node[i] = i % 2;
            var row = new Span<byte>(_datum->mig_host_pref + i * OpalConfig.MaxProcessorName, OpalConfig.MaxProcessorName);
            row.Fill((byte)'#'); // garbage after the NUL must not be read
            var text = Encoding.UTF8.GetBytes(hosts[i % 3]);
            text.CopyTo(row);
            row[text.Length] = 0;
        }
    }
}

using System.Collections.Generic;
using NativeSnapc.Abi;
using NativeSnapc.Coordinator;
using NativeSnapc.Protocol.Snapc;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Host.OpenMpi;

/// <summary>
/// A caller's <c>orte_snapc_base_request_op_t</c> (release-build layout, docs/abi.md#struct-layouts): read into a
/// <see cref="RequestOperation"/> and the results written back. Only valid after a successful
/// <see cref="OpenMpiHost.TryBind"/>, which refuses hosts with another object layout.
/// </summary>
internal sealed unsafe class RequestOperationDatum : IRequestOperationDatum
{
    /// <summary>The largest <c>mig_num</c> read: a larger one is taken as garbage rather than a table to walk.</summary>
    public const int MaxMigrationCount = 1 << 20;

    private readonly OrteSnapcBaseRequestOp* _datum;

    /// <param name="datum">The caller's datum; NULL reads as null.</param>
    public RequestOperationDatum(OrteSnapcBaseRequestOp* datum)
    {
        _datum = datum;
    }

    public RequestOperation? Read() => _datum is null ? null : new(HostString.Read(_datum->global_handle))
    {
        Event = (int)_datum->@event,
        Leader = _datum->leader,
        SeqNum = _datum->seq_num,
        MigrationCount = _datum->mig_num,
        Migrations = _datum->@event == SnapcOpEvent.Migrate ? ReadMigrations(_datum) : null,
    };

    /// <summary>
    /// Stores <c>seq_num</c> and, when the coordinator changed it, <c>global_handle</c>: the old string is
    /// freed and a malloc'ed copy stored, because the datum's destructor frees it with free().
    /// </summary>
    public void Write(RequestOperation operation)
    {
        _datum->seq_num = operation.SeqNum;
        if (operation.GlobalHandleChanged)
        {
            var old = _datum->global_handle;
            _datum->global_handle = HostString.Duplicate(operation.GlobalHandle);
            HostString.Free(old);
        }
    }

    // mig_host_pref is never initialised by the constructor, so the table is read only when the caller
    // says MIGRATE, gives a sane count and allocated all four arrays (ompi/mpiext/cr does all of that).
    private static List<SnapcMigrationEntry>? ReadMigrations(OrteSnapcBaseRequestOp* datum)
    {
        var count = datum->mig_num;
        if (count < 0 || count > MaxMigrationCount
            || datum->mig_vpids is null || datum->mig_host_pref is null
            || datum->mig_vpid_pref is null || datum->mig_off_node is null)
        {
            return null;
        }
        var entries = new List<SnapcMigrationEntry>(count);
        for (var i = 0; i < count; i++)
        {
            var hostPreference = HostString.ReadBounded(datum->mig_host_pref + (nint)i * OpalConfig.MaxProcessorName, OpalConfig.MaxProcessorName);
            entries.Add(new SnapcMigrationEntry(datum->mig_vpids[i], hostPreference, datum->mig_vpid_pref[i], datum->mig_off_node[i]));
        }
        return entries;
    }
}

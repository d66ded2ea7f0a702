using System;
using NativeSnapc.Abi;
using NativeSnapc.Coordinator;

namespace NativeSnapc.Host.OpenMpi;

/// <summary>
/// An <c>opal_crs_base_snapshot_t</c> this adapter made with OBJ_NEW for the coordinator, which owns it (the
/// caller's-pointer view of the same struct is <see cref="CallerCrsSnapshot"/>). Its destructor frees
/// <c>metadata_filename</c> and <c>snapshot_directory</c> (and fcloses <c>metadata</c>) but not <c>component_name</c>,
/// so Dispose frees that one before releasing the object.
/// </summary>
internal sealed unsafe class OwnedCrsSnapshot : IOwnedCrsSnapshot
{
    private OpalCrsBaseSnapshot* _snapshot;

    public OwnedCrsSnapshot(OpalCrsBaseSnapshot* snapshot)
    {
        _snapshot = snapshot;
    }

    /// <summary>Wraps another host object, once the previous one was released (Dispose).</summary>
    internal void Attach(OpalCrsBaseSnapshot* snapshot)
    {
        if (_snapshot is not null)
        {
            throw new InvalidOperationException("the snapshot wrapper still holds a live host snapshot");
        }
        _snapshot = snapshot;
    }

    // The component name is the same every checkpoint ("self"): read without allocating while it does not change.
    private string? _componentNameText;

    /// <summary>The host object, for <c>opal_cr_inc_core_ckpt</c>; NULL once disposed.</summary>
    public OpalCrsBaseSnapshot* Pointer => _snapshot;

    public string? ComponentName
    {
        get => HostString.ReadReusing(Live->component_name, ref _componentNameText);
        set => Replace(ref Live->component_name, value);
    }

    public string? SnapshotDirectory
    {
        get => HostString.Read(Live->snapshot_directory);
        set => Replace(ref Live->snapshot_directory, value);
    }

    public string? MetadataFilename
    {
        get => HostString.Read(Live->metadata_filename);
        set => Replace(ref Live->metadata_filename, value);
    }

    public void Dispose()
    {
        var snapshot = _snapshot;
        if (snapshot is null)
        {
            return;
        }
        _snapshot = null;
        HostString.Free(snapshot->component_name);
        snapshot->component_name = null;
        OpalObjects.Release(&snapshot->super.super);
    }

    private OpalCrsBaseSnapshot* Live => _snapshot is not null ? _snapshot : throw new ObjectDisposedException(nameof(OwnedCrsSnapshot));

    // The host (the CRS, the snapshot destructor) frees these fields with free(), so they hold malloc'ed copies.
    private static void Replace(ref byte* field, string? value)
    {
        var old = field;
        field = HostString.Duplicate(value);
        HostString.Free(old);
    }
}

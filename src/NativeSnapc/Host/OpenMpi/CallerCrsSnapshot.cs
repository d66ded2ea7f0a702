using NativeSnapc.Abi;
using NativeSnapc.Crs;
using NativeSnapc.Interop;

namespace NativeSnapc.Host.OpenMpi;

/// <summary>
/// A caller's <c>opal_crs_base_snapshot_t</c> during a CRS call: read and updated in place, never owned (the
/// caller releases it; the owned view of the same struct is <see cref="OwnedCrsSnapshot"/>). Strings it stores are
/// malloc'ed, as the class destructor and the caller free them.
/// </summary>
internal sealed unsafe class CallerCrsSnapshot : ICallerCrsSnapshot
{
    private readonly OpalCrsBaseSnapshot* _snapshot;

    private CallerCrsSnapshot(OpalCrsBaseSnapshot* snapshot)
    {
        _snapshot = snapshot;
    }

    /// <summary>A view of <paramref name="snapshot"/>, or null for NULL.</summary>
    public static CallerCrsSnapshot? Wrap(OpalCrsBaseSnapshot* snapshot) => snapshot is null ? null : new CallerCrsSnapshot(snapshot);

    public string? MetadataFilename => HostString.Read(_snapshot->metadata_filename);

    public string? SnapshotDirectory => HostString.Read(_snapshot->snapshot_directory);

    public string? ComponentName => HostString.Read(_snapshot->component_name);

    public bool ColdStart => _snapshot->cold_start != 0;

    public void FlushMetadataStream()
    {
        if (_snapshot->metadata is not null)
        {
            Libc.FFlush(_snapshot->metadata);
        }
    }

    public void CloseMetadataStream()
    {
        if (_snapshot->metadata is not null)
        {
            Libc.FClose(_snapshot->metadata);
            _snapshot->metadata = null;
        }
    }

    public void SetComponentName(string name)
    {
        var old = _snapshot->component_name;
        _snapshot->component_name = HostString.Duplicate(name);
        HostString.Free(old);
    }
}

/// <summary>A caller's <c>opal_crs_base_ckpt_options_t</c>, read only.</summary>
internal static unsafe class CallerCkptOptions
{
    /// <summary>The <c>stop</c> flag; false for NULL options.</summary>
    public static bool Stop(OpalCrsBaseCkptOptions* options) => options is not null && options->stop != 0;
}

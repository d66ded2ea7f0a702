using NativeSnapc.Coordinator;

namespace NativeSnapc.Host.OpenMpi;

/// <summary>The libopen-rte globals of the snapc module: <c>orte_snapc_coord_type_t orte_snapc_coord_type</c> (uint32) and <c>int orte_initialized</c>.</summary>
internal sealed unsafe class SnapcFullHostState : ISnapcFullHostState
{
    private nint _coordType;
    private nint _orteInitialized;

    public uint? CoordType
    {
        get => HostSymbols.ResolveCached(ref _coordType, "orte_snapc_coord_type") is var address and not 0 ? *(uint*)address : null;
        set
        {
            if (value is { } type && HostSymbols.ResolveCached(ref _coordType, "orte_snapc_coord_type") is var address and not 0)
            {
                *(uint*)address = type;
            }
        }
    }

    public bool OrteInitialized => HostSymbols.ResolveCached(ref _orteInitialized, "orte_initialized") is var address and not 0 && *(int*)address != 0;
}

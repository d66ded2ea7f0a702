using NativeSnapc.Protocol;

namespace NativeSnapc.Abi;

/// <summary>
/// <c>orte_snapc_coord_type_t</c> bits (uint32, orte/mca/snapc/base/base.h), the values of the host global
/// <c>orte_snapc_coord_type</c>.
/// </summary>
internal static class SnapcCoordType
{
    [NativeName("ORTE_SNAPC_UNASSIGN_TYPE")] public const uint Unassigned = 0;
    [NativeName("ORTE_SNAPC_GLOBAL_COORD_TYPE")] public const uint Global = 1;
    [NativeName("ORTE_SNAPC_LOCAL_COORD_TYPE")] public const uint Local = 2;
    [NativeName("ORTE_SNAPC_APP_COORD_TYPE")] public const uint App = 4;
}

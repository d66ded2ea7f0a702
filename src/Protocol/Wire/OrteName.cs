namespace NativeSnapc.Protocol.Wire;

/// <summary>Reserved <c>orte_jobid_t</c> / <c>orte_vpid_t</c> values (orte/types.h, opal/util/proc.h).</summary>
internal static class OrteName
{
    [NativeName("ORTE_JOBID_INVALID")] public const uint JobIdInvalid = 0xffffffff;
    [NativeName("ORTE_JOBID_WILDCARD")] public const uint JobIdWildcard = 0xfffffffe;
    [NativeName("ORTE_VPID_INVALID")] public const uint VpidInvalid = 0xffffffff;
    [NativeName("ORTE_VPID_WILDCARD")] public const uint VpidWildcard = 0xfffffffe;
}

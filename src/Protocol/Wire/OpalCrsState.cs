namespace NativeSnapc.Protocol.Wire;

/// <summary><c>opal_crs_state_type_t</c> (opal/mca/crs/crs.h, 4 bytes): checkpoint/restart states, the ft_event argument.</summary>
internal enum OpalCrsState
{
    [NativeName("OPAL_CRS_NONE")] None = 0,
    [NativeName("OPAL_CRS_CHECKPOINT")] Checkpoint = 1,
    [NativeName("OPAL_CRS_RESTART_PRE")] RestartPre = 2,
    [NativeName("OPAL_CRS_RESTART")] Restart = 3,
    [NativeName("OPAL_CRS_CONTINUE")] Continue = 4,
    [NativeName("OPAL_CRS_TERM")] Term = 5,
    [NativeName("OPAL_CRS_RUNNING")] Running = 6,
    [NativeName("OPAL_CRS_ERROR")] Error = 7,
    [NativeName("OPAL_CRS_STATE_MAX")] StateMax = 8,
}

namespace NativeSnapc.Protocol.Wire;

/// <summary>Snapc checkpoint states, ORTE_SNAPC_CKPT_STATE_* (orte/mca/snapc/snapc.h; plain ints).</summary>
internal static class SnapcCkptState
{
    [NativeName("ORTE_SNAPC_CKPT_STATE_ERROR")] public const int Error = 0;
    [NativeName("ORTE_SNAPC_CKPT_STATE_NONE")] public const int None = 1;
    [NativeName("ORTE_SNAPC_CKPT_STATE_REQUEST")] public const int Request = 2;
    [NativeName("ORTE_SNAPC_CKPT_STATE_PENDING")] public const int Pending = 3;
    [NativeName("ORTE_SNAPC_CKPT_STATE_RUNNING")] public const int Running = 4;
    [NativeName("ORTE_SNAPC_CKPT_STATE_INC_PREPED")] public const int IncPreped = 5;
    [NativeName("ORTE_SNAPC_CKPT_STATE_STOPPED")] public const int Stopped = 6;
    [NativeName("ORTE_SNAPC_CKPT_STATE_FINISHED_LOCAL")] public const int FinishedLocal = 7;
    [NativeName("ORTE_SNAPC_CKPT_STATE_MIGRATING")] public const int Migrating = 8;
    [NativeName("ORTE_SNAPC_CKPT_STATE_ESTABLISHED")] public const int Established = 9;
    [NativeName("ORTE_SNAPC_CKPT_STATE_RECOVERED")] public const int Recovered = 10;
    [NativeName("ORTE_SNAPC_CKPT_STATE_NO_CKPT")] public const int NoCkpt = 11;
    [NativeName("ORTE_SNAPC_CKPT_STATE_NO_RESTART")] public const int NoRestart = 12;
    [NativeName("ORTE_SNAPC_CKPT_MAX")] public const int Max = 13;

    /// <summary>ORTE_SNAPC_CKPT_NOTIFY(state) = Shift + state encodes a snapc state in an ft_event int.</summary>
    [NativeName("ORTE_SNAPC_CKPT_SHIFT")] public const int Shift = 131072;
}

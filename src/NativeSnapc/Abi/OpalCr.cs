using NativeSnapc.Protocol;

namespace NativeSnapc.Abi;

/// <summary>Checkpoint/restart runtime constants (opal/runtime/opal_cr.h).</summary>
internal static class OpalCr
{
    /// <summary>Base name of the FIFO the application reads: "%s/%s.%d_%d" of (opal_cr_pipe_dir, name, pid, n).</summary>
    [NativeName("OPAL_CR_NAMED_PROG_R")] public const string NamedProgRead = "opal_cr_prog_read";
    /// <summary>Base name of the FIFO the application writes.</summary>
    [NativeName("OPAL_CR_NAMED_PROG_W")] public const string NamedProgWrite = "opal_cr_prog_write";
    [NativeName("OPAL_CR_BASE_ENV_NAME")] public const string BaseEnvName = "opal_cr_restart-env";

    // Timer slots for OPAL_CR_SET_TIMER; the application coordinator uses the ENTRY ones.
    [NativeName("OPAL_CR_TIMER_ENTRY0")] public const int TimerEntry0 = 0;
    [NativeName("OPAL_CR_TIMER_ENTRY1")] public const int TimerEntry1 = 1;
    [NativeName("OPAL_CR_TIMER_ENTRY2")] public const int TimerEntry2 = 2;
    [NativeName("OPAL_CR_TIMER_ENTRY3")] public const int TimerEntry3 = 19;
    [NativeName("OPAL_CR_TIMER_ENTRY4")] public const int TimerEntry4 = 20;
    [NativeName("OPAL_CR_TIMER_MAX")] public const int TimerMax = 21;
}

namespace NativeSnapc.Protocol.Wire;

/// <summary>
/// <c>opal_cr_ckpt_cmd_state_t</c> (opal/runtime/opal_cr.h, 4 bytes). One C enum holds two groups: the
/// notify-callback answers (OPAL_CHECKPOINT_CMD_*) and the values of <c>opal_cr_checkpoint_request</c> /
/// <c>opal_cr_checkpointing_state</c> (OPAL_CR_STATUS_*).
/// </summary>
internal enum OpalCrCkptCmdState
{
    [NativeName("OPAL_CHECKPOINT_CMD_START")] CmdStart = 0,
    [NativeName("OPAL_CHECKPOINT_CMD_IN_PROGRESS")] CmdInProgress = 1,
    [NativeName("OPAL_CHECKPOINT_CMD_NULL")] CmdNull = 2,
    [NativeName("OPAL_CHECKPOINT_CMD_ERROR")] CmdError = 3,
    [NativeName("OPAL_CR_STATUS_NONE")] StatusNone = 4,
    [NativeName("OPAL_CR_STATUS_REQUESTED")] StatusRequested = 5,
    [NativeName("OPAL_CR_STATUS_RUNNING")] StatusRunning = 6,
    [NativeName("OPAL_CR_STATUS_TERM")] StatusTerm = 7,
    [NativeName("OPAL_CR_STATUS_CONTINUE")] StatusContinue = 8,
    [NativeName("OPAL_CR_STATUS_RESTART_PRE")] StatusRestartPre = 9,
    [NativeName("OPAL_CR_STATUS_RESTART_POST")] StatusRestartPost = 10,
}

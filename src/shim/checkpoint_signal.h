/*
 * The handler of the checkpoint entry-point signal (opal_cr_entry_point_signal, SIGUSR1 by default).
 *
 * It is C because no managed code may run in signal context. It replaces snapc_full_app_signal_handler
 * (snapc_full_app.c L334-356) with the same effect and none of its hazards: the first request while no
 * checkpoint is active stores OPAL_CR_STATUS_REQUESTED into the host's opal_cr_checkpoint_request and
 * marks a checkpoint active; a request while one is active is counted, not logged (opal_output is not
 * async-signal-safe). Only lock-free atomics; errno is preserved; everything is ignored while disarmed.
 *
 * The C# side (Channels/Signals/CheckpointSignal.cs) arms this state, then installs the handler's
 * address with sigaction; it disarms after putting the previous disposition back.
 */
#ifndef NATIVE_SNAPC_CHECKPOINT_SIGNAL_H
#define NATIVE_SNAPC_CHECKPOINT_SIGNAL_H

#ifdef __cplusplus
extern "C" {
#endif

/* The handler itself, for sa_handler (plain one-argument form, no SA_SIGINFO). */
void native_snapc_signal_handler(int signo);

/* The handler's address, so C# can put it into a struct sigaction without taking a C function's address itself. */
void *native_snapc_signal_handler_address(void);

/*
 * Arms the handler: from now on `signo` is the entry-point signal and `request_cell` (the host's
 * `int opal_cr_checkpoint_request`) receives OPAL_CR_STATUS_REQUESTED. Starts a fresh session: no
 * checkpoint active, no ignored requests. Returns 0, or EINVAL for a NULL cell or a signal number
 * outside 1..NSIG-1. Call before installing the handler.
 */
int native_snapc_signal_arm(int signo, int *request_cell);

/* Disarms: later deliveries (one still pending, or one racing the restore) change nothing. */
void native_snapc_signal_disarm(void);

/* The signal number armed, 0 when disarmed. */
int native_snapc_signal_armed(void);

/* 1 while a request was accepted and its checkpoint has not ended, else 0. */
int native_snapc_signal_checkpoint_active(void);

/* Ends the active checkpoint: the next signal is a new request. */
void native_snapc_signal_end_checkpoint(void);

/* The number of requests ignored because a checkpoint was active, since the last call; resets it to 0. */
long native_snapc_signal_take_ignored(void);

#ifdef __cplusplus
}
#endif

#endif /* NATIVE_SNAPC_CHECKPOINT_SIGNAL_H */

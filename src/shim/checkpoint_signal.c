/* The async-signal-safe handler of the checkpoint entry-point signal (written in the next step). */

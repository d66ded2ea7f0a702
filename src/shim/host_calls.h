/*
 * Calls into the Open MPI host that C# cannot make directly.
 *
 * opal_output is variadic: calling a variadic function through a non-variadic function pointer is
 * undefined behaviour (on x86_64 the caller must also set %al), so the managed host adapter calls
 * these fixed-signature trampolines instead, passing the host function it resolved by name.
 */
#ifndef NATIVE_SNAPC_HOST_CALLS_H
#define NATIVE_SNAPC_HOST_CALLS_H

#ifdef __cplusplus
extern "C" {
#endif

/* The type of the host's opal_output (opal/util/output.h). */
typedef void (*native_snapc_opal_output_fn)(int output_id, const char *format, ...);

/*
 * Writes one line through the host's opal_output(output_id, "%s", line). The line is passed as an
 * argument, never as the format, so '%' in it is printed as is. Does nothing when either pointer is NULL.
 */
void native_snapc_host_output(native_snapc_opal_output_fn opal_output_fn, int output_id, const char *line);

#ifdef __cplusplus
}
#endif

#endif /* NATIVE_SNAPC_HOST_CALLS_H */

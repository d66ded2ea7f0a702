using System;
using NativeSnapc.Diagnostics;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Exports;

/// <summary>
/// What every export's catch block does: an exception that escaped an [UnmanagedCallersOnly] method
/// would abort the MPI process, so it becomes a log line and an Open MPI error code instead.
/// </summary>
internal static class ExportGuard
{
    public static int Fail(string export, Exception error)
    {
        try
        {
            Log.Error($"native-snapc: {export}: internal error: {error.GetType().Name}: {error.Message}");
        }
        catch
        {
            // Logging is best effort here; the return code still reaches the caller.
        }
        return OpalStatus.Error;
    }

    /// <summary><see cref="Fail"/> for a checkpoint: the state the caller reads afterwards says ERROR too.</summary>
    public static unsafe int FailCheckpoint(string export, Exception error, OpalCrsState* state)
    {
        if (state is not null)
        {
            *state = OpalCrsState.Error;
        }
        return Fail(export, error);
    }
}

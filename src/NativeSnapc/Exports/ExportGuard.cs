using System;
using NativeSnapc.Abi;
using NativeSnapc.Diagnostics;

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
}

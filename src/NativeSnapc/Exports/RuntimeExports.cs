using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NativeSnapc.Abi;
using NativeSnapc.Composition;
using NativeSnapc.Runtime;

namespace NativeSnapc.Exports;

/// <summary>
/// The runtime's C entry points: the contract with the MPI profiling layer (include/native_snapc/runtime.h), the safe
/// point and Open MPI's C/R application API (include/native_snapc/mpiext_cr.h). No logic here. The C/R calls return
/// MPI error codes, so a failure inside is MPI_ERR_OTHER.
/// </summary>
internal static unsafe class RuntimeExports
{
    /// <summary><c>int native_snapc_runtime_start(const native_snapc_mpi_t *mpi)</c>: 0 checkpointing on, 1 off (never fails MPI_Init).</summary>
    [UnmanagedCallersOnly(EntryPoint = "native_snapc_runtime_start", CallConvs = [typeof(CallConvCdecl)])]
    private static int RuntimeStart(NativeSnapcMpi* mpi)
    {
        try
        {
            return RankRuntimeRoot.Start(mpi);
        }
        catch (Exception e)
        {
            ExportGuard.Fail("native_snapc_runtime_start", e);
            return 1;
        }
    }

    /// <summary><c>int native_snapc_runtime_stop(void)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "native_snapc_runtime_stop", CallConvs = [typeof(CallConvCdecl)])]
    private static int RuntimeStop()
    {
        try
        {
            return RankRuntimeRoot.Stop();
        }
        catch (Exception e)
        {
            return ExportGuard.Fail("native_snapc_runtime_stop", e);
        }
    }

    /// <summary><c>void native_snapc_runtime_test_point(void)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "native_snapc_runtime_test_point", CallConvs = [typeof(CallConvCdecl)])]
    private static void RuntimeTestPoint()
    {
        try
        {
            RankRuntimeRoot.TestPoint();
        }
        catch (Exception e)
        {
            ExportGuard.Fail("native_snapc_runtime_test_point", e);
        }
    }

    /// <summary><c>int native_snapc_safe_point(MPI_Comm comm, int *checkpointed)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "native_snapc_safe_point", CallConvs = [typeof(CallConvCdecl)])]
    private static int SafePoint(nint comm, int* checkpointed)
    {
        try
        {
            return RankRuntimeRoot.SafePoint(comm, checkpointed);
        }
        catch (Exception e)
        {
            ExportGuard.Fail("native_snapc_safe_point", e);
            return CrApi.MpiErrOther;
        }
    }

    /// <summary><c>int OMPI_CR_Checkpoint(char **handle, int *seq, MPI_Info *info)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "OMPI_CR_Checkpoint", CallConvs = [typeof(CallConvCdecl)])]
    private static int CrCheckpoint(byte** handle, int* seq, nint info)
    {
        try
        {
            return RankRuntimeRoot.Checkpoint(handle, seq);
        }
        catch (Exception e)
        {
            ExportGuard.Fail("OMPI_CR_Checkpoint", e);
            return CrApi.MpiErrOther;
        }
    }

    /// <summary><c>int OMPI_CR_Restart(char *handle, int seq, MPI_Info *info)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "OMPI_CR_Restart", CallConvs = [typeof(CallConvCdecl)])]
    private static int CrRestart(byte* handle, int seq, nint info)
    {
        try
        {
            return RankRuntimeRoot.Restart(handle, seq);
        }
        catch (Exception e)
        {
            ExportGuard.Fail("OMPI_CR_Restart", e);
            return CrApi.MpiErrOther;
        }
    }

    /// <summary><c>int OMPI_CR_Migrate(MPI_Comm comm, char *hostname, int rank, MPI_Info *info)</c> (rank ignored, as in Open MPI)</summary>
    [UnmanagedCallersOnly(EntryPoint = "OMPI_CR_Migrate", CallConvs = [typeof(CallConvCdecl)])]
    private static int CrMigrate(nint comm, byte* hostname, int rank, nint info)
    {
        try
        {
            return RankRuntimeRoot.Migrate(comm, hostname, info);
        }
        catch (Exception e)
        {
            ExportGuard.Fail("OMPI_CR_Migrate", e);
            return CrApi.MpiErrOther;
        }
    }

    /// <summary><c>int OMPI_CR_INC_register_callback(OMPI_CR_INC_callback_event_t event, OMPI_CR_INC_callback_function function, OMPI_CR_INC_callback_function *prev_function)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "OMPI_CR_INC_register_callback", CallConvs = [typeof(CallConvCdecl)])]
    private static int CrIncRegisterCallback(int incEvent, nint function, nint* previous)
    {
        try
        {
            return RankRuntimeRoot.RegisterIncCallback(incEvent, function, previous);
        }
        catch (Exception e)
        {
            ExportGuard.Fail("OMPI_CR_INC_register_callback", e);
            return CrApi.MpiErrOther;
        }
    }

    /// <summary><c>int OMPI_CR_self_register_checkpoint_callback(OMPI_CR_self_checkpoint_fn function)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "OMPI_CR_self_register_checkpoint_callback", CallConvs = [typeof(CallConvCdecl)])]
    private static int CrSelfRegisterCheckpointCallback(nint function)
    {
        try
        {
            return RankRuntimeRoot.RegisterSelfCallback("checkpoint", function);
        }
        catch (Exception e)
        {
            ExportGuard.Fail("OMPI_CR_self_register_checkpoint_callback", e);
            return CrApi.MpiErrOther;
        }
    }

    /// <summary><c>int OMPI_CR_self_register_restart_callback(OMPI_CR_self_restart_fn function)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "OMPI_CR_self_register_restart_callback", CallConvs = [typeof(CallConvCdecl)])]
    private static int CrSelfRegisterRestartCallback(nint function)
    {
        try
        {
            return RankRuntimeRoot.RegisterSelfCallback("restart", function);
        }
        catch (Exception e)
        {
            ExportGuard.Fail("OMPI_CR_self_register_restart_callback", e);
            return CrApi.MpiErrOther;
        }
    }

    /// <summary><c>int OMPI_CR_self_register_continue_callback(OMPI_CR_self_continue_fn function)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "OMPI_CR_self_register_continue_callback", CallConvs = [typeof(CallConvCdecl)])]
    private static int CrSelfRegisterContinueCallback(nint function)
    {
        try
        {
            return RankRuntimeRoot.RegisterSelfCallback("continue", function);
        }
        catch (Exception e)
        {
            ExportGuard.Fail("OMPI_CR_self_register_continue_callback", e);
            return CrApi.MpiErrOther;
        }
    }

    /// <summary><c>int OMPI_CR_Quiesce_start(MPI_Comm comm, MPI_Info *info)</c> (comm ignored: MPI_COMM_WORLD, as in Open MPI)</summary>
    [UnmanagedCallersOnly(EntryPoint = "OMPI_CR_Quiesce_start", CallConvs = [typeof(CallConvCdecl)])]
    private static int CrQuiesceStart(nint comm, nint info)
    {
        try
        {
            return RankRuntimeRoot.QuiesceStart();
        }
        catch (Exception e)
        {
            ExportGuard.Fail("OMPI_CR_Quiesce_start", e);
            return CrApi.MpiErrOther;
        }
    }

    /// <summary><c>int OMPI_CR_Quiesce_checkpoint(MPI_Comm comm, char **handle, int *seq, MPI_Info *info)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "OMPI_CR_Quiesce_checkpoint", CallConvs = [typeof(CallConvCdecl)])]
    private static int CrQuiesceCheckpoint(nint comm, byte** handle, int* seq, nint info)
    {
        try
        {
            return RankRuntimeRoot.QuiesceCheckpoint(handle, seq);
        }
        catch (Exception e)
        {
            ExportGuard.Fail("OMPI_CR_Quiesce_checkpoint", e);
            return CrApi.MpiErrOther;
        }
    }

    /// <summary><c>int OMPI_CR_Quiesce_end(MPI_Comm comm, MPI_Info *info)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "OMPI_CR_Quiesce_end", CallConvs = [typeof(CallConvCdecl)])]
    private static int CrQuiesceEnd(nint comm, nint info)
    {
        try
        {
            return RankRuntimeRoot.QuiesceEnd();
        }
        catch (Exception e)
        {
            ExportGuard.Fail("OMPI_CR_Quiesce_end", e);
            return CrApi.MpiErrOther;
        }
    }
}

using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NativeSnapc.Abi;
using NativeSnapc.Composition;

namespace NativeSnapc.Exports;

/// <summary>
/// The application coordinator's C entry points, with the prototypes of snapc_full.h at v4.1.4
/// (docs/abi.md#entry-points), and the notify callback it registers with opal_cr. No logic here: an exception must
/// not cross into the MPI process.
/// </summary>
internal static unsafe class CoordinatorExports
{
    /// <summary>The address of <see cref="NotifyCallback"/>, which the host adapter registers with <c>opal_cr_reg_notify_callback</c>.</summary>
    public static nint NotifyCallbackAddress => (nint)(delegate* unmanaged[Cdecl]<int, int>)&NotifyCallback;

    /// <summary><c>int app_coord_init(void)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "app_coord_init", CallConvs = [typeof(CallConvCdecl)])]
    private static int Init()
    {
        try
        {
            return AppCoordinatorRoot.AppCoordInit();
        }
        catch (Exception e)
        {
            return ExportGuard.Fail("app_coord_init", e);
        }
    }

    /// <summary><c>int app_coord_finalize(void)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "app_coord_finalize", CallConvs = [typeof(CallConvCdecl)])]
    private static int FinalizeCoordinator()
    {
        try
        {
            return AppCoordinatorRoot.AppCoordFinalize();
        }
        catch (Exception e)
        {
            return ExportGuard.Fail("app_coord_finalize", e);
        }
    }

    /// <summary><c>int app_coord_ft_event(int state)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "app_coord_ft_event", CallConvs = [typeof(CallConvCdecl)])]
    private static int FtEvent(int state)
    {
        try
        {
            return AppCoordinatorRoot.AppCoordFtEvent(state);
        }
        catch (Exception e)
        {
            return ExportGuard.Fail("app_coord_ft_event", e);
        }
    }

    /// <summary><c>int app_coord_request_op(orte_snapc_base_request_op_t *datum)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "app_coord_request_op", CallConvs = [typeof(CallConvCdecl)])]
    private static int RequestOp(OrteSnapcBaseRequestOp* datum)
    {
        try
        {
            return AppCoordinatorRoot.AppCoordRequestOp(datum);
        }
        catch (Exception e)
        {
            return ExportGuard.Fail("app_coord_request_op", e);
        }
    }

    /// <summary>
    /// <c>int (*opal_cr_notify_callback_fn_t)(opal_cr_ckpt_cmd_state_t)</c>, which the host's
    /// <c>opal_cr_test_if_checkpoint_ready</c> calls; a function pointer, not an exported name.
    /// </summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int NotifyCallback(int state)
    {
        try
        {
            return AppCoordinatorRoot.NotifyCallback(state);
        }
        catch (Exception e)
        {
            return ExportGuard.Fail($"checkpoint notify callback (state {state})", e);
        }
    }
}

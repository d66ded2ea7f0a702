using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NativeSnapc.Abi;
using NativeSnapc.Composition;

namespace NativeSnapc.Exports;

/// <summary>
/// The snapc "full" component's functions and module slots, which the C data of src/shim/mca_components.c point
/// at (mca_snapc_full_component, its module table). No logic here.
/// </summary>
internal static unsafe class SnapcFullExports
{
    /// <summary><c>int register(void): snapc_full_* MCA variables</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "native_snapc_snapc_full_component_register", CallConvs = [typeof(CallConvCdecl)])]
    private static int ComponentRegister()
    {
        try
        {
            return SnapcFullComponent.Register();
        }
        catch (Exception e)
        {
            return ExportGuard.Fail("native_snapc_snapc_full_component_register", e);
        }
    }

    /// <summary><c>int open(void)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "native_snapc_snapc_full_component_open", CallConvs = [typeof(CallConvCdecl)])]
    private static int ComponentOpen()
    {
        try
        {
            return SnapcFullComponent.Open();
        }
        catch (Exception e)
        {
            return ExportGuard.Fail("native_snapc_snapc_full_component_open", e);
        }
    }

    /// <summary><c>int close(void)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "native_snapc_snapc_full_component_close", CallConvs = [typeof(CallConvCdecl)])]
    private static int ComponentClose()
    {
        try
        {
            return SnapcFullComponent.Close();
        }
        catch (Exception e)
        {
            return ExportGuard.Fail("native_snapc_snapc_full_component_close", e);
        }
    }

    /// <summary><c>int query(mca_base_module_t **module, int *priority)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "native_snapc_snapc_full_component_query", CallConvs = [typeof(CallConvCdecl)])]
    private static int ComponentQuery(McaBaseModule** module, int* priority)
    {
        try
        {
            return SnapcFullComponent.Query(module, priority);
        }
        catch (Exception e)
        {
            return ExportGuard.Fail("native_snapc_snapc_full_component_query", e);
        }
    }

    /// <summary><c>int snapc_init(bool seed, bool app)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "native_snapc_snapc_full_init", CallConvs = [typeof(CallConvCdecl)])]
    private static int Init(byte seed, byte app)
    {
        try
        {
            return SnapcFullComponent.Init(seed != 0, app != 0);
        }
        catch (Exception e)
        {
            return ExportGuard.Fail("native_snapc_snapc_full_init", e);
        }
    }

    /// <summary><c>int snapc_finalize(void)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "native_snapc_snapc_full_finalize", CallConvs = [typeof(CallConvCdecl)])]
    private static int FinalizeModule()
    {
        try
        {
            return SnapcFullComponent.Finalize();
        }
        catch (Exception e)
        {
            return ExportGuard.Fail("native_snapc_snapc_full_finalize", e);
        }
    }

    /// <summary><c>int setup_job(orte_jobid_t jobid)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "native_snapc_snapc_full_setup_job", CallConvs = [typeof(CallConvCdecl)])]
    private static int SetupJob(uint jobid)
    {
        try
        {
            return SnapcFullComponent.SetupJob(jobid);
        }
        catch (Exception e)
        {
            return ExportGuard.Fail("native_snapc_snapc_full_setup_job", e);
        }
    }

    /// <summary><c>int release_job(orte_jobid_t jobid)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "native_snapc_snapc_full_release_job", CallConvs = [typeof(CallConvCdecl)])]
    private static int ReleaseJob(uint jobid)
    {
        try
        {
            return SnapcFullComponent.ReleaseJob(jobid);
        }
        catch (Exception e)
        {
            return ExportGuard.Fail("native_snapc_snapc_full_release_job", e);
        }
    }

    /// <summary><c>int ft_event(int state)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "native_snapc_snapc_full_ft_event", CallConvs = [typeof(CallConvCdecl)])]
    private static int FtEvent(int state)
    {
        try
        {
            return SnapcFullComponent.FtEvent(state);
        }
        catch (Exception e)
        {
            return ExportGuard.Fail("native_snapc_snapc_full_ft_event", e);
        }
    }

    /// <summary><c>int start_ckpt(orte_snapc_base_quiesce_t *datum)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "native_snapc_snapc_full_start_ckpt", CallConvs = [typeof(CallConvCdecl)])]
    private static int StartCheckpoint(void* datum)
    {
        try
        {
            return SnapcFullComponent.StartCheckpoint();
        }
        catch (Exception e)
        {
            return ExportGuard.Fail("native_snapc_snapc_full_start_ckpt", e);
        }
    }

    /// <summary><c>int end_ckpt(orte_snapc_base_quiesce_t *datum)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "native_snapc_snapc_full_end_ckpt", CallConvs = [typeof(CallConvCdecl)])]
    private static int EndCheckpoint(void* datum)
    {
        try
        {
            return SnapcFullComponent.EndCheckpoint();
        }
        catch (Exception e)
        {
            return ExportGuard.Fail("native_snapc_snapc_full_end_ckpt", e);
        }
    }

    /// <summary><c>int request_op(orte_snapc_base_request_op_t *datum)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "native_snapc_snapc_full_request_op", CallConvs = [typeof(CallConvCdecl)])]
    private static int RequestOp(OrteSnapcBaseRequestOp* datum)
    {
        try
        {
            return SnapcFullComponent.RequestOp(datum);
        }
        catch (Exception e)
        {
            return ExportGuard.Fail("native_snapc_snapc_full_request_op", e);
        }
    }
}

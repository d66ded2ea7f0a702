using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NativeSnapc.Abi;
using NativeSnapc.Composition;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Exports;

/// <summary>
/// The CRS "self" component's functions and module slots, which the C data of src/shim/mca_components.c point
/// at (mca_crs_self_component, its module table), and the snapshot-directory extension. No logic here.
/// </summary>
internal static unsafe class CrsSelfExports
{
    /// <summary><c>int register(void): crs_self_* MCA variables</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "native_snapc_crs_self_component_register", CallConvs = [typeof(CallConvCdecl)])]
    private static int ComponentRegister()
    {
        try
        {
            return CrsSelfComponent.Register();
        }
        catch (Exception e)
        {
            return ExportGuard.Fail("native_snapc_crs_self_component_register", e);
        }
    }

    /// <summary><c>int open(void)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "native_snapc_crs_self_component_open", CallConvs = [typeof(CallConvCdecl)])]
    private static int ComponentOpen()
    {
        try
        {
            return CrsSelfComponent.Open();
        }
        catch (Exception e)
        {
            return ExportGuard.Fail("native_snapc_crs_self_component_open", e);
        }
    }

    /// <summary><c>int close(void)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "native_snapc_crs_self_component_close", CallConvs = [typeof(CallConvCdecl)])]
    private static int ComponentClose()
    {
        try
        {
            return CrsSelfComponent.Close();
        }
        catch (Exception e)
        {
            return ExportGuard.Fail("native_snapc_crs_self_component_close", e);
        }
    }

    /// <summary><c>int query(mca_base_module_t **module, int *priority)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "native_snapc_crs_self_component_query", CallConvs = [typeof(CallConvCdecl)])]
    private static int ComponentQuery(McaBaseModule** module, int* priority)
    {
        try
        {
            return CrsSelfComponent.Query(module, priority);
        }
        catch (Exception e)
        {
            return ExportGuard.Fail("native_snapc_crs_self_component_query", e);
        }
    }

    /// <summary><c>int crs_init(void)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "native_snapc_crs_self_init", CallConvs = [typeof(CallConvCdecl)])]
    private static int Init()
    {
        try
        {
            return CrsSelfComponent.Init();
        }
        catch (Exception e)
        {
            return ExportGuard.Fail("native_snapc_crs_self_init", e);
        }
    }

    /// <summary><c>int crs_finalize(void)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "native_snapc_crs_self_finalize", CallConvs = [typeof(CallConvCdecl)])]
    private static int FinalizeModule()
    {
        try
        {
            return CrsSelfComponent.Finalize();
        }
        catch (Exception e)
        {
            return ExportGuard.Fail("native_snapc_crs_self_finalize", e);
        }
    }

    /// <summary><c>int crs_checkpoint(pid_t pid, opal_crs_base_snapshot_t *snapshot, opal_crs_base_ckpt_options_t *options, opal_crs_state_type_t *state)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "native_snapc_crs_self_checkpoint", CallConvs = [typeof(CallConvCdecl)])]
    private static int Checkpoint(int pid, OpalCrsBaseSnapshot* snapshot, OpalCrsBaseCkptOptions* options, OpalCrsState* state)
    {
        try
        {
            return CrsSelfComponent.Checkpoint(pid, snapshot, options, state);
        }
        catch (Exception e)
        {
            return ExportGuard.FailCheckpoint("native_snapc_crs_self_checkpoint", e, state);
        }
    }

    /// <summary><c>int crs_restart(opal_crs_base_snapshot_t *snapshot, bool spawn_child, pid_t *child_pid)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "native_snapc_crs_self_restart", CallConvs = [typeof(CallConvCdecl)])]
    private static int Restart(OpalCrsBaseSnapshot* snapshot, byte spawnChild, int* childPid)
    {
        try
        {
            return CrsSelfComponent.Restart(snapshot, spawnChild != 0, childPid);
        }
        catch (Exception e)
        {
            return ExportGuard.Fail("native_snapc_crs_self_restart", e);
        }
    }

    /// <summary><c>int crs_disable_checkpoint(void)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "native_snapc_crs_self_disable_checkpoint", CallConvs = [typeof(CallConvCdecl)])]
    private static int DisableCheckpoint()
    {
        try
        {
            return CrsSelfComponent.DisableCheckpoint();
        }
        catch (Exception e)
        {
            return ExportGuard.Fail("native_snapc_crs_self_disable_checkpoint", e);
        }
    }

    /// <summary><c>int crs_enable_checkpoint(void)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "native_snapc_crs_self_enable_checkpoint", CallConvs = [typeof(CallConvCdecl)])]
    private static int EnableCheckpoint()
    {
        try
        {
            return CrsSelfComponent.EnableCheckpoint();
        }
        catch (Exception e)
        {
            return ExportGuard.Fail("native_snapc_crs_self_enable_checkpoint", e);
        }
    }

    /// <summary><c>int crs_prelaunch(int32_t rank, char *base_snapshot_dir, char **app, char **cwd, char ***argv, char ***env)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "native_snapc_crs_self_prelaunch", CallConvs = [typeof(CallConvCdecl)])]
    private static int Prelaunch(int rank, byte* baseSnapshotDirectory, byte** app, byte** cwd, byte*** argv, byte*** environment)
    {
        try
        {
            return CrsSelfComponent.Prelaunch(environment);
        }
        catch (Exception e)
        {
            return ExportGuard.Fail("native_snapc_crs_self_prelaunch", e);
        }
    }

    /// <summary><c>int crs_reg_thread(void)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "native_snapc_crs_self_reg_thread", CallConvs = [typeof(CallConvCdecl)])]
    private static int RegThread()
    {
        try
        {
            return CrsSelfComponent.RegThread();
        }
        catch (Exception e)
        {
            return ExportGuard.Fail("native_snapc_crs_self_reg_thread", e);
        }
    }

    /// <summary>
    /// <c>const char *native_snapc_crs_self_snapshot_directory(void)</c> (include/native_snapc/crs_self.h): the snapshot
    /// directory while the application's checkpoint callback runs, else NULL.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "native_snapc_crs_self_snapshot_directory", CallConvs = [typeof(CallConvCdecl)])]
    private static byte* SnapshotDirectory()
    {
        try
        {
            return CrsSelfComponent.SnapshotDirectoryInProgress();
        }
        catch (Exception e)
        {
            ExportGuard.Fail("native_snapc_crs_self_snapshot_directory", e);
            return null;
        }
    }
}

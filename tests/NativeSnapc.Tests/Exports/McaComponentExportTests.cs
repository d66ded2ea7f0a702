using System;
using System.IO;
using System.Runtime.InteropServices;
using NativeSnapc.Abi;
using NativeSnapc.Protocol.Snapc;
using NativeSnapc.Protocol.Wire;
using NativeSnapc.Tests.Support;
using NUnit.Framework;

namespace NativeSnapc.Tests.Exports;

/// <summary>
/// Every function export of the two MCA components (the slots of mca_crs_self_component, mca_snapc_full_component
/// and their module tables, and native_snapc_crs_self_snapshot_directory), called through P/Invoke into the built
/// NativeAOT library in this test process, where no Open MPI is loaded and the application defines no "self"
/// callbacks: each answers with the documented status and log line, and none crashes. The components' life with a
/// real host is tested in C (tests/components).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed unsafe partial class McaComponentExportTests
{
    internal static readonly string[] CalledFunctionExports =
    [
        "native_snapc_crs_self_component_register", "native_snapc_crs_self_component_open", "native_snapc_crs_self_component_close",
        "native_snapc_crs_self_component_query", "native_snapc_crs_self_init", "native_snapc_crs_self_finalize",
        "native_snapc_crs_self_checkpoint", "native_snapc_crs_self_restart", "native_snapc_crs_self_disable_checkpoint",
        "native_snapc_crs_self_enable_checkpoint", "native_snapc_crs_self_prelaunch", "native_snapc_crs_self_reg_thread",
        "native_snapc_crs_self_snapshot_directory",
        "native_snapc_snapc_full_component_register", "native_snapc_snapc_full_component_open", "native_snapc_snapc_full_component_close",
        "native_snapc_snapc_full_component_query", "native_snapc_snapc_full_init", "native_snapc_snapc_full_finalize",
        "native_snapc_snapc_full_setup_job", "native_snapc_snapc_full_release_job", "native_snapc_snapc_full_ft_event",
        "native_snapc_snapc_full_start_ckpt", "native_snapc_snapc_full_end_ckpt", "native_snapc_snapc_full_request_op",
    ];

    private const string ExportsPrefix = "native_snapc_";

    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "native_snapc_crs_self_component_register")] private static partial int CrsRegister();
    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "native_snapc_crs_self_component_open")] private static partial int CrsOpen();
    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "native_snapc_crs_self_component_close")] private static partial int CrsClose();
    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "native_snapc_crs_self_component_query")] private static partial int CrsQuery(void** module, int* priority);
    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "native_snapc_crs_self_init")] private static partial int CrsInit();
    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "native_snapc_crs_self_finalize")] private static partial int CrsFinalize();
    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "native_snapc_crs_self_checkpoint")] private static partial int CrsCheckpoint(int pid, OpalCrsBaseSnapshot* snapshot, OpalCrsBaseCkptOptions* options, int* state);
    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "native_snapc_crs_self_restart")] private static partial int CrsRestart(OpalCrsBaseSnapshot* snapshot, byte spawnChild, int* childPid);
    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "native_snapc_crs_self_disable_checkpoint")] private static partial int CrsDisable();
    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "native_snapc_crs_self_enable_checkpoint")] private static partial int CrsEnable();
    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "native_snapc_crs_self_prelaunch")] private static partial int CrsPrelaunch(int rank, byte* dir, byte** app, byte** cwd, byte*** argv, byte*** env);
    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "native_snapc_crs_self_reg_thread")] private static partial int CrsRegThread();
    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "native_snapc_crs_self_snapshot_directory")] private static partial byte* CrsSnapshotDirectory();

    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "native_snapc_snapc_full_component_register")] private static partial int SnapcRegister();
    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "native_snapc_snapc_full_component_open")] private static partial int SnapcOpen();
    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "native_snapc_snapc_full_component_close")] private static partial int SnapcClose();
    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "native_snapc_snapc_full_component_query")] private static partial int SnapcQuery(void** module, int* priority);
    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "native_snapc_snapc_full_init")] private static partial int SnapcInit(byte seed, byte app);
    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "native_snapc_snapc_full_finalize")] private static partial int SnapcFinalize();
    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "native_snapc_snapc_full_setup_job")] private static partial int SnapcSetupJob(uint jobid);
    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "native_snapc_snapc_full_release_job")] private static partial int SnapcReleaseJob(uint jobid);
    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "native_snapc_snapc_full_ft_event")] private static partial int SnapcFtEvent(int state);
    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "native_snapc_snapc_full_start_ckpt")] private static partial int SnapcStartCkpt(void* datum);
    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "native_snapc_snapc_full_end_ckpt")] private static partial int SnapcEndCkpt(void* datum);
    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "native_snapc_snapc_full_request_op")] private static partial int SnapcRequestOp(OrteSnapcBaseRequestOp* datum);

    [LibraryImport("libc", EntryPoint = "unsetenv")] private static partial int Unsetenv(byte* name);
    [LibraryImport("libc", EntryPoint = "waitpid")] private static partial int WaitPid(int pid, int* status, int options);

    private string _dir = null!;

    [OneTimeSetUp]
    public void LoadTheLibraryAndCaptureStderr()
    {
        _ = NativeLibraryUnderTest.Handle;
        LibraryStderrCapture.Acquire();
        _dir = TestEnvironment.ScratchDir("mca-component-exports");
    }

    [OneTimeTearDown]
    public void RestoreStderrAndEnvironment()
    {
        LibraryStderrCapture.Release();
        // A restart sets these in this process's native environment.
        foreach (var name in new[] { "OMPI_MCA_crs", "OMPI_MCA_crs_self_do_restart", "OMPI_MCA_crs_self_prefix" })
        {
            fixed (byte* bytes = System.Text.Encoding.UTF8.GetBytes(name + "\0"))
            {
                Unsetenv(bytes);
            }
        }
    }

    private static void AssertLogged(string log, string expected)
    {
        if (log.Length == 0 && !LibraryStderrCapture.CapturedAnything)
        {
            Assert.Inconclusive("nothing of the library's stderr was captured (the status codes were checked)");
        }
        Assert.That(log, Does.Contain(expected));
    }

    [Test]
    public void Every_export_of_the_list_is_in_the_library_and_named_native_snapc()
    {
        foreach (var name in CalledFunctionExports)
        {
            Assert.That(name, Does.StartWith(ExportsPrefix));
            Assert.That(NativeLibraryUnderTest.Export(name), Is.Not.Zero, name);
        }
    }

    [Test]
    public void The_crs_component_functions_work_without_a_host()
    {
        Assert.That(CrsRegister(), Is.EqualTo(OpalStatus.Success), "no variable system: the environment is read instead");
        Assert.That(CrsOpen(), Is.EqualTo(OpalStatus.Success));
        void* module = (void*)1;
        var priority = 99;
        var rc = CrsQuery(&module, &priority);
        Assert.That((rc, priority, (nint)module), Is.EqualTo((OpalStatus.Error, -1, (nint)0)),
            "this process defines no opal_crs_self_user_checkpoint, so the component is not available");
        Assert.That(CrsQuery(null, &priority), Is.EqualTo(OpalStatus.BadParam));
        Assert.That(CrsClose(), Is.EqualTo(OpalStatus.Success));
    }

    [Test]
    public void The_crs_module_slots_answer_without_callbacks()
    {
        Assert.That(CrsInit(), Is.EqualTo(OpalStatus.Success));
        Assert.That(CrsRegThread(), Is.EqualTo(OpalStatus.Success));
        Assert.That(CrsDisable(), Is.EqualTo(OpalStatus.Success));
        Assert.That(CrsEnable(), Is.EqualTo(OpalStatus.Success));
        Assert.That(CrsFinalize(), Is.EqualTo(OpalStatus.Success));
        Assert.That((nint)CrsSnapshotDirectory(), Is.EqualTo((nint)0), "no checkpoint in progress");
    }

    [Test]
    public void A_checkpoint_without_the_callback_fails_with_state_error_and_leaves_the_metadata_alone()
    {
        var metadata = Path.Combine(_dir, "snapshot_meta.data");
        File.WriteAllText(metadata, "# PID: 1\n");
        var snapshot = NewSnapshot(metadata);
        var options = (OpalCrsBaseCkptOptions*)NativeMemory.AllocZeroed((nuint)sizeof(OpalCrsBaseCkptOptions));
        try
        {
            var state = (int)OpalCrsState.Running;
            var mark = LibraryStderrCapture.Mark();
            var rc = CrsCheckpoint(Environment.ProcessId, snapshot, options, &state);
            Assert.That((rc, state), Is.EqualTo((OpalStatus.Error, (int)OpalCrsState.Error)));
            AssertLogged(LibraryStderrCapture.Since(mark), "crs:self: checkpoint(): Error: the application has no checkpoint callback: it registered none");
            Assert.That(File.ReadAllText(metadata), Is.EqualTo("# PID: 1\n"));
            Assert.That((nint)snapshot->component_name, Is.EqualTo((nint)0));

            state = (int)OpalCrsState.Running;
            Assert.That(CrsCheckpoint(1, null, options, &state), Is.EqualTo(OpalStatus.BadParam));
            Assert.That(state, Is.EqualTo((int)OpalCrsState.Error));
            Assert.That(LibraryStderrCapture.Call(() => CrsCheckpoint(1, snapshot, options, null)).Rc, Is.EqualTo(OpalStatus.BadParam));
        }
        finally
        {
            FreeSnapshot(snapshot);
            NativeMemory.Free(options);
        }
    }

    [Test]
    public void A_restart_spawns_the_command_of_a_complete_snapshot_and_refuses_anything_else()
    {
        var marker = Path.Combine(_dir, "restarted");
        var metadata = Path.Combine(_dir, "restart_meta.data");
        File.WriteAllText(metadata, $"# PID: 1\n# OPAL CRS Component: self\n# CONTEXT: /usr/bin/touch {marker}\n");
        var snapshot = NewSnapshot(metadata);
        try
        {
            var pid = -1;
            Assert.That(CrsRestart(snapshot, 1, &pid), Is.EqualTo(OpalStatus.Success));
            Assert.That(pid, Is.GreaterThan(0));
            int status;
            Assert.That(WaitPid(pid, &status, 0), Is.EqualTo(pid));
            Assert.That(status, Is.Zero, "touch exited 0");
            Assert.That(File.Exists(marker));

            File.Delete(marker);
            File.WriteAllText(metadata, $"# OPAL CRS Component: none\n# CONTEXT: /usr/bin/touch {marker}\n");
            pid = -1;
            var mark = LibraryStderrCapture.Mark();
            var rc = CrsRestart(snapshot, 1, &pid);
            Assert.That((rc, pid), Is.EqualTo((OpalStatus.Error, -1)));
            AssertLogged(LibraryStderrCapture.Since(mark), "written by the \"none\" checkpointer");
            Assert.That(LibraryStderrCapture.Call(() => CrsRestart(snapshot, 0, null)).Rc, Is.EqualTo(OpalStatus.Error),
                "refused before any exec, so this process goes on");
            Assert.That(File.Exists(marker), Is.False, "nothing was run");

            Assert.That(CrsRestart(null, 1, &pid), Is.EqualTo(OpalStatus.BadParam));
            Assert.That(LibraryStderrCapture.Call(() => CrsRestart(snapshot, 1, null)).Rc, Is.EqualTo(OpalStatus.BadParam));
        }
        finally
        {
            FreeSnapshot(snapshot);
        }
    }

    [Test]
    public void Prelaunch_sets_the_tool_flag_in_the_environment_array()
    {
        byte** environment = null;
        Assert.That(CrsPrelaunch(0, null, null, null, null, &environment), Is.EqualTo(OpalStatus.Success));
        try
        {
            Assert.That(Marshal.PtrToStringUTF8((nint)environment[0]), Is.EqualTo("OMPI_MCA_opal_cr_is_tool=0"));
            Assert.That((nint)environment[1], Is.EqualTo((nint)0));
            Assert.That(LibraryStderrCapture.Call(() => CrsPrelaunch(0, null, null, null, null, null)).Rc, Is.EqualTo(OpalStatus.BadParam));
        }
        finally
        {
            NativeMemory.Free(environment[0]);
            NativeMemory.Free(environment);
        }
    }

    [Test]
    public void The_snapc_component_offers_its_module_and_refuses_the_coordinator_roles()
    {
        Assert.That(SnapcRegister(), Is.EqualTo(OpalStatus.Success));
        Assert.That(SnapcOpen(), Is.EqualTo(OpalStatus.Success));
        void* module = null;
        var priority = 0;
        Assert.That(SnapcQuery(&module, &priority), Is.EqualTo(OpalStatus.Success));
        Assert.That((priority, (nint)module != 0), Is.EqualTo((20, true)));
        var table = (OrteSnapcBaseModule*)module;
        Assert.That((nint)table->snapc_init, Is.EqualTo(NativeLibraryUnderTest.Export("native_snapc_snapc_full_init")));
        Assert.That((nint)table->request_op, Is.EqualTo(NativeLibraryUnderTest.Export("native_snapc_snapc_full_request_op")));
        Assert.That(LibraryStderrCapture.Call(() => SnapcQuery(null, null)).Rc, Is.EqualTo(OpalStatus.BadParam));
        Assert.That(SnapcClose(), Is.EqualTo(OpalStatus.Success));

        var hnp = LibraryStderrCapture.Call(() => SnapcInit(1, 0));
        Assert.That(hnp.Rc, Is.EqualTo(OpalStatus.NotSupported));
        AssertLogged(hnp.Log, "snapc:full: module_init: Error: not supported: this process is the HNP");
        Assert.That(LibraryStderrCapture.Call(() => SnapcInit(0, 0)).Rc, Is.EqualTo(OpalStatus.NotSupported));
        Assert.That(LibraryStderrCapture.Call(() => SnapcSetupJob(1)).Rc, Is.EqualTo(OpalStatus.NotSupported));
        Assert.That(LibraryStderrCapture.Call(() => SnapcReleaseJob(1)).Rc, Is.EqualTo(OpalStatus.NotSupported));
        Assert.That(LibraryStderrCapture.Call(() => SnapcStartCkpt(null)).Rc, Is.EqualTo(OpalStatus.NotSupported));
        Assert.That(LibraryStderrCapture.Call(() => SnapcEndCkpt(null)).Rc, Is.EqualTo(OpalStatus.NotSupported));
    }

    [Test]
    public void Without_libopen_rte_the_application_role_cannot_start_and_nothing_is_dispatched()
    {
        var init = LibraryStderrCapture.Call(() => SnapcInit(0, 1));
        Assert.That(init.Rc, Is.EqualTo(OpalStatus.NotFound));
        AssertLogged(init.Log, "the host has no orte_snapc_coord_type");
        Assert.That(SnapcFtEvent((int)OpalCrsState.Checkpoint), Is.EqualTo(OpalStatus.Success), "no application coordinator: nothing to do");
        Assert.That(LibraryStderrCapture.Call(() => SnapcRequestOp(null)).Rc, Is.EqualTo(OpalStatus.NotInitialized));
        Assert.That(SnapcFinalize(), Is.EqualTo(OpalStatus.Success));
    }

    private static OpalCrsBaseSnapshot* NewSnapshot(string metadata)
    {
        var snapshot = (OpalCrsBaseSnapshot*)NativeMemory.AllocZeroed((nuint)sizeof(OpalCrsBaseSnapshot));
        snapshot->metadata_filename = (byte*)Marshal.StringToCoTaskMemUTF8(metadata);
        return snapshot;
    }

    private static void FreeSnapshot(OpalCrsBaseSnapshot* snapshot)
    {
        Marshal.FreeCoTaskMem((nint)snapshot->metadata_filename);
        NativeMemory.Free(snapshot->component_name);
        NativeMemory.Free(snapshot);
    }
}

using System;
using System.Runtime.InteropServices;
using NativeSnapc.Abi;
using NativeSnapc.Tests.Support;
using NUnit.Framework;

namespace NativeSnapc.Tests.Exports;

/// <summary>
/// The runtime's function exports (include/native_snapc/runtime.h, mpiext_cr.h), called through P/Invoke in this
/// test process, where no MPI and no runtime run: each answers with an error code and a log line, never a crash, and
/// changes nothing. (In real ranks: tests/NativeSnapc.Tests/Runtime.)
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed unsafe partial class RuntimeExportTests
{
    private const int MpiErrOther = 16;

    internal static readonly string[] CalledFunctionExports =
    [
        "native_snapc_runtime_start", "native_snapc_runtime_stop", "native_snapc_runtime_test_point", "native_snapc_safe_point",
        "OMPI_CR_Checkpoint", "OMPI_CR_Restart", "OMPI_CR_Migrate", "OMPI_CR_INC_register_callback",
        "OMPI_CR_self_register_checkpoint_callback", "OMPI_CR_self_register_restart_callback",
        "OMPI_CR_self_register_continue_callback", "OMPI_CR_Quiesce_start", "OMPI_CR_Quiesce_checkpoint", "OMPI_CR_Quiesce_end",
    ];

    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "native_snapc_runtime_start")]
    private static partial int RuntimeStart(NativeSnapcMpi* mpi);

    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "native_snapc_runtime_stop")]
    private static partial int RuntimeStop();

    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "native_snapc_runtime_test_point")]
    private static partial void RuntimeTestPoint();

    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "native_snapc_safe_point")]
    private static partial int SafePoint(nint comm, int* checkpointed);

    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "OMPI_CR_Checkpoint")]
    private static partial int Checkpoint(byte** handle, int* seq, nint info);

    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "OMPI_CR_Restart")]
    private static partial int Restart(byte* handle, int seq, nint info);

    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "OMPI_CR_Migrate")]
    private static partial int Migrate(nint comm, byte* hostname, int rank, nint info);

    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "OMPI_CR_INC_register_callback")]
    private static partial int IncRegisterCallback(int incEvent, nint function, nint* previous);

    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "OMPI_CR_self_register_checkpoint_callback")]
    private static partial int RegisterCheckpoint(nint function);

    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "OMPI_CR_self_register_restart_callback")]
    private static partial int RegisterRestart(nint function);

    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "OMPI_CR_self_register_continue_callback")]
    private static partial int RegisterContinue(nint function);

    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "OMPI_CR_Quiesce_start")]
    private static partial int QuiesceStart(nint comm, nint info);

    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "OMPI_CR_Quiesce_checkpoint")]
    private static partial int QuiesceCheckpoint(nint comm, byte** handle, int* seq, nint info);

    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "OMPI_CR_Quiesce_end")]
    private static partial int QuiesceEnd(nint comm, nint info);

    [OneTimeSetUp]
    public void CaptureStderrAndLoadTheLibrary()
    {
        _ = NativeLibraryUnderTest.Handle;
        LibraryStderrCapture.Acquire();
    }

    [OneTimeTearDown]
    public void RestoreStderr() => LibraryStderrCapture.Release();

    [Test]
    public void Start_without_an_MPI_table_or_with_one_from_another_version_leaves_checkpointing_off()
    {
        var none = LibraryStderrCapture.Call(() => RuntimeStart(null));
        Assert.That(none.Rc, Is.EqualTo(1));
        Assert.That(none.Log, Does.Contain("checkpointing is off in this process: the MPI profiling layer passed no MPI table"));

        var table = new NativeSnapcMpi { size = 8, version = 0 };
        var mark = LibraryStderrCapture.Mark();
        Assert.That(RuntimeStart(&table), Is.EqualTo(1));
        Assert.That(LibraryStderrCapture.Since(mark), Does.Contain("table is version 0, 8 bytes; this library needs version 1"));

        var stop = LibraryStderrCapture.Call(RuntimeStop);
        Assert.That(stop.Rc, Is.EqualTo(0), "stopping a runtime that never started is nothing to do");
        RuntimeTestPoint(); // returns at once: nothing active
    }

    [Test]
    public void A_safe_point_without_the_runtime_takes_nothing_and_succeeds()
    {
        var checkpointed = 7;
        var rc = SafePoint(0, &checkpointed);
        Assert.That((rc, checkpointed), Is.EqualTo((0, 0)));
    }

    [Test]
    public void The_C_R_calls_without_the_runtime_are_MPI_ERR_OTHER_with_a_log_line_and_leave_no_handle()
    {
        byte* handle = (byte*)0x1;
        var seq = 99;
        var mark = LibraryStderrCapture.Mark();
        Assert.That(Checkpoint(&handle, &seq, 0), Is.EqualTo(MpiErrOther));
        Assert.That((nint)handle, Is.EqualTo((nint)0));
        Assert.That(seq, Is.EqualTo(-1));
        Assert.That(LibraryStderrCapture.Since(mark), Does.Contain("OMPI_CR_Checkpoint: checkpointing is not active in this process"));

        var nullHandle = LibraryStderrCapture.Call(() => Restart(null, 1, 0));
        Assert.That(nullHandle.Rc, Is.EqualTo(MpiErrOther));
        Assert.That(nullHandle.Log, Does.Contain("OMPI_CR_Restart: the handle is NULL"));
        var name = "ompi_global_snapshot_1.ckpt\0"u8.ToArray();
        fixed (byte* n = name)
        {
            var p = n;
            Assert.That(LibraryStderrCapture.Call(() => Restart(p, 0, 0)).Rc, Is.EqualTo(MpiErrOther));
            Assert.That(LibraryStderrCapture.Call(() => Migrate(0, p, 0, 0)).Rc, Is.EqualTo(MpiErrOther));
        }
        Assert.That(LibraryStderrCapture.Call(() => QuiesceStart(0, 0)).Rc, Is.EqualTo(MpiErrOther));
        Assert.That(LibraryStderrCapture.Call(() => QuiesceEnd(0, 0)).Rc, Is.EqualTo(MpiErrOther));
        byte* quiesceHandle = (byte*)0x1;
        var quiesceSeq = 5;
        Assert.That(QuiesceCheckpoint(0, &quiesceHandle, &quiesceSeq, 0), Is.EqualTo(MpiErrOther));
        Assert.That(((nint)quiesceHandle, quiesceSeq), Is.EqualTo(((nint)0, -1)));
        nint previous = 0x1234;
        mark = LibraryStderrCapture.Mark();
        Assert.That(IncRegisterCallback(0, 0, &previous), Is.EqualTo(MpiErrOther));
        Assert.That(LibraryStderrCapture.Since(mark), Does.Contain("OMPI_CR_INC_register_callback: checkpointing is not active"));
        Assert.That(previous, Is.EqualTo((nint)0x1234), "nothing registered, nothing changed");
    }

    [Test]
    public void The_self_callbacks_can_be_registered_and_withdrawn_before_any_runtime()
    {
        var callback = (nint)(delegate* unmanaged<byte**, int>)&NeverCalled;
        Assert.That(RegisterCheckpoint(callback), Is.EqualTo(0));
        Assert.That(RegisterContinue(callback), Is.EqualTo(0));
        Assert.That(RegisterRestart(0), Is.EqualTo(0), "no restart is owed in a process that was not restarted");
        // Withdrawn again, so that no other fixture of this process finds them.
        Assert.That(RegisterCheckpoint(0), Is.EqualTo(0));
        Assert.That(RegisterContinue(0), Is.EqualTo(0));
    }

    [UnmanagedCallersOnly]
    private static int NeverCalled(byte** restartCommand) => -1;
}

using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using NativeSnapc.Abi;
using NativeSnapc.Crs;
using NativeSnapc.Host.OpenMpi;
using NativeSnapc.Interop;
using NativeSnapc.Protocol.Wire;
using NativeSnapc.Tests.Support;
using NUnit.Framework;

namespace NativeSnapc.Tests.Host;

/// <summary>
/// The "self" checkpointer's host side in a process without Open MPI (under the JIT, with the CMake-built shim):
/// its settings from the native environment, the caller's snapshot and environment array it updates in place,
/// and how it starts a restart command.
/// </summary>
[TestFixture]
[NonParallelizable] // changes this process's native environment
public sealed unsafe partial class CrsSelfHostTests
{
    private static readonly string[] SelfVariables =
        ["OMPI_MCA_crs_self_prefix", "OMPI_MCA_crs_self_do_restart", "OMPI_MCA_crs_self_verbose", "OMPI_MCA_crs_self_priority"];

    [LibraryImport("libc", EntryPoint = "unsetenv")] private static partial int Unsetenv(byte* name);
    [LibraryImport("libc", EntryPoint = "waitpid")] private static partial int WaitPid(int pid, int* status, int options);
    [LibraryImport("libc", EntryPoint = "fopen")] private static partial void* FOpen(byte* path, byte* mode);
    [LibraryImport("libc", EntryPoint = "fputs")] private static partial int FPuts(byte* text, void* stream);

    private static byte[] C(string text) => Encoding.UTF8.GetBytes(text + "\0");

    private static void Unset(string name)
    {
        fixed (byte* bytes = C(name))
        {
            Unsetenv(bytes);
        }
    }

    [TearDown]
    public void ClearEnvironment()
    {
        foreach (var name in SelfVariables)
        {
            Unset(name);
        }
    }

    [Test]
    public void Unregistered_settings_come_from_the_native_environment_else_the_defaults()
    {
        var component = (OpalCrsBaseComponent*)NativeMemory.AllocZeroed((nuint)sizeof(OpalCrsBaseComponent));
        try
        {
            var variables = new CrsSelfVariables(component);
            Assert.That(variables.Register(registrar: null), Is.EqualTo(OpalStatus.Success));
            Assert.That(variables.Registered, Is.False);
            Assert.That(component->priority, Is.EqualTo(20), "the register function writes the defaults into the struct");
            Assert.That(variables.Read(), Is.EqualTo(new SelfSettings { Prefix = "opal_crs_self_user", Priority = 20 }));

            Libc.Setenv("OMPI_MCA_crs_self_prefix", "my_app");
            Libc.Setenv("OMPI_MCA_crs_self_do_restart", "yes");
            Libc.Setenv("OMPI_MCA_crs_self_verbose", "10");
            Libc.Setenv("OMPI_MCA_crs_self_priority", " 7 ");
            Assert.That(variables.Read(), Is.EqualTo(new SelfSettings { Prefix = "my_app", DoRestart = true, Verbose = 10, Priority = 7 }));

            Libc.Setenv("OMPI_MCA_crs_self_do_restart", "0");
            Libc.Setenv("OMPI_MCA_crs_self_priority", "high");
            Assert.That(variables.Read() is { DoRestart: false, Priority: 20 }, "an unreadable number keeps the default");
        }
        finally
        {
            NativeMemory.Free(component);
        }
    }

    [Test]
    public void Getenv_sees_what_setenv_set_after_the_runtime_started()
    {
        Assert.That(Libc.Setenv("OMPI_MCA_crs_self_prefix", "late"), Is.EqualTo(default(ErrorInfo)));
        Assert.That(Libc.Getenv("OMPI_MCA_crs_self_prefix"), Is.EqualTo("late"));
        Assert.That(new CrsSelfHost().SetEnvironment("OMPI_MCA_crs_self_prefix", "again"), Is.Null);
        Assert.That(Libc.Getenv("OMPI_MCA_crs_self_prefix"), Is.EqualTo("again"));
    }

    [Test]
    public void Without_Open_MPI_the_process_is_not_a_tool_and_names_follow_OMPI_MCA()
    {
        var host = new CrsSelfHost();
        Assert.That(host.IsTool, Is.False);
        Assert.That(host.EnvironmentName("crs_self_do_restart"), Is.EqualTo("OMPI_MCA_crs_self_do_restart"));
        var callbacks = host.FindCallbacks("nsnapc_no_such_application");
        Assert.That((callbacks.HasCheckpoint, callbacks.HasContinue, callbacks.HasRestart), Is.EqualTo((false, false, false)));
        Assert.That(host.FindCallbacks("").HasCheckpoint, Is.False);
    }

    [Test]
    public void Spawn_starts_the_command_from_PATH_and_reports_a_missing_program()
    {
        var host = new CrsSelfHost();
        Assert.That(host.Spawn(["sh", "-c", "exit 7"], out var pid), Is.Null);
        int status;
        Assert.That(WaitPid(pid, &status, 0), Is.EqualTo(pid));
        Assert.That((status >> 8) & 0xff, Is.EqualTo(7));

        Assert.That(host.Spawn(["/nonexistent/nsnapc-program"], out pid), Does.Contain("No such file or directory"));
        Assert.That(pid, Is.Zero);
    }

    [Test]
    public void A_failed_exec_returns_with_the_error_and_the_process_goes_on()
    {
        Assert.That(new CrsSelfHost().Exec(["/nonexistent/nsnapc-program", "x"]),
            Is.EqualTo("execvp(/nonexistent/nsnapc-program): No such file or directory (errno 2)"));
    }

    [Test]
    public void The_callers_snapshot_gets_a_malloced_component_name_and_its_stream_flushed_then_closed()
    {
        var dir = TestEnvironment.ScratchDir("crs-caller-snapshot");
        var path = Path.Combine(dir, "snapshot_meta.data");
        var snapshot = (OpalCrsBaseSnapshot*)NativeMemory.AllocZeroed((nuint)sizeof(OpalCrsBaseSnapshot));
        try
        {
            fixed (byte* p = C(path), mode = C("a"), line = C("# PID: 3\n"))
            {
                snapshot->metadata = FOpen(p, mode);
                Assert.That((nint)snapshot->metadata, Is.Not.Zero);
                FPuts(line, snapshot->metadata);
            }
            snapshot->metadata_filename = HostString.Duplicate(path);
            snapshot->component_name = HostString.Duplicate("old");
            var view = CallerCrsSnapshot.Wrap(snapshot)!;
            Assert.That(view.MetadataFilename, Is.EqualTo(path));

            view.FlushMetadataStream();
            Assert.That(File.ReadAllText(path), Is.EqualTo("# PID: 3\n"), "buffered lines reach the file before it is read");
            view.CloseMetadataStream();
            Assert.That((nint)snapshot->metadata, Is.EqualTo((nint)0), "closed and cleared, so the destructor does not close it again");
            view.CloseMetadataStream();

            view.SetComponentName("self");
            Assert.That(view.ComponentName, Is.EqualTo("self"));
            Assert.That(CallerCrsSnapshot.Wrap(null), Is.Null);
        }
        finally
        {
            HostString.Free(snapshot->metadata_filename);
            HostString.Free(snapshot->component_name);
            NativeMemory.Free(snapshot);
        }
    }

    [Test]
    public void An_environment_array_is_created_updated_in_place_and_extended()
    {
        byte** environment = null;
        var array = HostEnvironmentArray.Wrap(&environment)!;
        Assert.That(array.Set("A", "1"), Is.Null);
        Assert.That(array.Set("OMPI_MCA_opal_cr_is_tool", "1"), Is.Null);
        Assert.That(array.Set("OMPI_MCA_opal_cr_is_tool", "0"), Is.Null);
        Assert.That(array.Set("B", "2"), Is.Null);
        try
        {
            Assert.That(Entries(environment), Is.EqualTo(new[] { "A=1", "OMPI_MCA_opal_cr_is_tool=0", "B=2" }));
        }
        finally
        {
            for (var entry = environment; *entry != null; entry++)
            {
                NativeMemory.Free(*entry);
            }
            NativeMemory.Free(environment);
        }
        Assert.That(HostEnvironmentArray.Wrap(null), Is.Null);
    }

    private static string[] Entries(byte** environment)
    {
        var list = new System.Collections.Generic.List<string>();
        for (var entry = environment; *entry != null; entry++)
        {
            list.Add(Marshal.PtrToStringUTF8((nint)(*entry))!);
        }
        return [.. list];
    }
}

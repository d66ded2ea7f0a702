using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;
using NativeSnapc.Abi;
using NativeSnapc.Host.OpenMpi;
using NativeSnapc.Interop;

namespace NativeSnapc.Command.Restart;

/// <summary>
/// What opal-restart (opal/tools/opal-restart) uses of libopen-pal, bound by name in a <c>dlopen</c>ed Debian
/// libopen-pal.so.40: opal_init, the tool flag, the component a snapshot names, the real crs framework opened and
/// selected from a component directory, and the selected CRS's <c>crs_restart</c>. Layouts come from the library's
/// Abi mirrors (compiled in from src/NativeSnapc/Abi, checked against the real headers there).
/// </summary>
internal sealed unsafe class OpalRestartHost
{
    public const string LibraryName = "libopen-pal.so.40";

    private static readonly string[] Required =
    [
        "opal_init", "opal_cr_is_tool", "opal_cr_is_enabled", "opal_crs_base_extract_expected_component",
        "mca_base_var_env_name", "mca_base_component_repository_add", "mca_base_framework_open",
        "opal_crs_base_framework", "opal_crs_base_select", "opal_crs_base_selected_component", "opal_crs",
        "opal_crs_base_snapshot_t_class", "opal_class_initialize", "opal_class_init_epoch",
    ];

    private readonly Dictionary<string, nint> _symbols;
    private readonly OpalObjects _objects;

    private OpalRestartHost(Dictionary<string, nint> symbols)
    {
        _symbols = symbols;
        _objects = new OpalObjects(symbols["opal_class_initialize"], symbols["opal_class_init_epoch"]);
    }

    /// <summary>Loads libopen-pal (RTLD_GLOBAL: the components the MCA loader opens resolve against it) and binds every symbol; null and why not.</summary>
    public static OpalRestartHost? Bind(out string error)
    {
        nint handle;
        fixed (byte* file = new NativePath(LibraryName).Bytes)
        {
            handle = Libc.Dlopen(file, Libc.RTLD_NOW | Libc.RTLD_GLOBAL);
        }
        if (handle == 0)
        {
            error = $"cannot load Open MPI's {LibraryName}: {Libc.Dlerror()}";
            return null;
        }
        var symbols = new Dictionary<string, nint>(StringComparer.Ordinal);
        foreach (var name in Required)
        {
            var address = Libc.Dlsym(handle, name);
            if (address == 0)
            {
                error = $"{LibraryName} has no symbol {name}: not Open MPI 4.1?";
                return null;
            }
            symbols[name] = address;
        }
        var snapshotClass = (OpalClass*)symbols["opal_crs_base_snapshot_t_class"];
        if (snapshotClass->cls_sizeof != (nuint)sizeof(OpalCrsBaseSnapshot))
        {
            error = $"opal_crs_base_snapshot_t is {snapshotClass->cls_sizeof} bytes in this {LibraryName}, not {sizeof(OpalCrsBaseSnapshot)}: only release builds of Open MPI 4.1 are supported";
            return null;
        }
        error = "";
        return new OpalRestartHost(symbols);
    }

    /// <summary><c>opal_init(&amp;argc, &amp;argv)</c> with a one-word command line; an Open MPI status.</summary>
    public int Init(string programName)
    {
        var argv = (byte**)NativeMemory.AllocZeroed((nuint)(2 * sizeof(byte*)));
        argv[0] = CString(programName);
        var argc = 1;
        var init = (delegate* unmanaged[Cdecl]<int*, byte***, int>)_symbols["opal_init"];
        return init(&argc, &argv);
    }

    /// <summary>As opal-restart marks itself: CRS "self" is selectable in a process that has no application callbacks.</summary>
    public void MarkAsTool()
    {
        *(byte*)_symbols["opal_cr_is_tool"] = 1;
        *(byte*)_symbols["opal_cr_is_enabled"] = 1;
    }

    /// <summary>
    /// The checkpointer a local snapshot names, read by Open MPI's own <c>opal_crs_base_extract_expected_component</c>
    /// (which keeps the blank after the colon in 4.1.4: trimmed here, else no component of that name is found).
    /// </summary>
    public string? ExpectedComponent(string metadataPath, out int previousPid, out string error)
    {
        previousPid = -1;
        var opened = Libc.FOpen(metadataPath, "r", out var stream);
        if (opened.IsError)
        {
            error = $"cannot read {metadataPath}: {opened}";
            return null;
        }
        byte* name = null;
        int pid = -1;
        var extract = (delegate* unmanaged[Cdecl]<nint, byte**, int*, int>)_symbols["opal_crs_base_extract_expected_component"];
        var status = extract(stream, &name, &pid);
        Libc.FClose((void*)stream); // opened for reading: nothing to flush, its result says nothing
        previousPid = pid;
        if (status != 0 || name == null)
        {
            error = $"{metadataPath} names no checkpointer (opal_crs_base_extract_expected_component: {status})";
            return null;
        }
        var text = Marshal.PtrToStringUTF8((nint)name)!.Trim(' ', '\t');
        NativeMemory.Free(name);
        error = "";
        return text;
    }

    /// <summary>The MCA environment variable of a parameter (<c>OMPI_MCA_&lt;name&gt;</c>), as the framework reads it.</summary>
    public string EnvironmentName(string parameter)
    {
        byte* name = null;
        var envName = (delegate* unmanaged[Cdecl]<byte*, byte**, int>)_symbols["mca_base_var_env_name"];
        var parameterBytes = CString(parameter);
        try
        {
            if (envName(parameterBytes, &name) != 0 || name == null)
            {
                return "OMPI_MCA_" + parameter;
            }
            var text = Marshal.PtrToStringUTF8((nint)name)!;
            NativeMemory.Free(name);
            return text;
        }
        finally
        {
            NativeMemory.Free(parameterBytes);
        }
    }

    /// <summary>
    /// The real crs framework opened over <paramref name="componentDirectory"/> and its selection run (the MCA
    /// parameter crs set beforehand decides which); the selected component's name, or null and why not.
    /// </summary>
    public string? SelectCrs(string componentDirectory, out string error)
    {
        var directory = CString(componentDirectory);
        var add = (delegate* unmanaged[Cdecl]<byte*, int>)_symbols["mca_base_component_repository_add"];
        var open = (delegate* unmanaged[Cdecl]<void*, int, int>)_symbols["mca_base_framework_open"];
        var select = (delegate* unmanaged[Cdecl]<int>)_symbols["opal_crs_base_select"];
        int status;
        if ((status = add(directory)) != 0 || (status = open((void*)_symbols["opal_crs_base_framework"], 0)) != 0 || (status = select()) != 0)
        {
            error = $"the crs framework selected no component from {componentDirectory} (Open MPI status {status})";
            return null;
        }
        var selected = (OpalCrsBaseComponent*)_symbols["opal_crs_base_selected_component"];
        var name = Marshal.PtrToStringUTF8((nint)selected->base_version.mca_component_name) ?? "";
        if (((OpalCrsBaseModule*)_symbols["opal_crs"])->crs_restart == null)
        {
            error = $"the selected checkpointer \"{name}\" cannot restart (crs_restart is NULL)";
            return null;
        }
        error = "";
        return name;
    }

    /// <summary>
    /// A cold-start <c>opal_crs_base_snapshot_t</c> for the local snapshot, then <c>opal_crs.crs_restart(snapshot,
    /// false, &amp;pid)</c>, which execs the program's restart command: it returns only on failure, with its status.
    /// </summary>
    public int Restart(string snapshotDirectory, string metadataPath)
    {
        var snapshot = (OpalCrsBaseSnapshot*)_objects.New((OpalClass*)_symbols["opal_crs_base_snapshot_t_class"]);
        if (snapshot == null)
        {
            return -2; // OPAL_ERR_OUT_OF_RESOURCE
        }
        snapshot->cold_start = 1;
        snapshot->snapshot_directory = CString(snapshotDirectory);
        snapshot->metadata_filename = CString(metadataPath);
        var pid = 0;
        return ((OpalCrsBaseModule*)_symbols["opal_crs"])->crs_restart(snapshot, 0, &pid);
    }

    /// <summary>A malloc'ed NUL-terminated copy (Open MPI frees the snapshot's strings with free()).</summary>
    private static byte* CString(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var copy = (byte*)NativeMemory.Alloc((nuint)bytes.Length + 1);
        bytes.CopyTo(new Span<byte>(copy, bytes.Length));
        copy[bytes.Length] = 0;
        return copy;
    }
}

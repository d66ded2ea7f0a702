using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using NativeSnapc.Interop;

namespace NativeSnapc.Host.OpenMpi;

/// <summary>
/// Finds Open MPI's symbols by name: first in the process's global scope (dlsym on the main-program handle,
/// which covers an MPI program linked with -lmpi), then in copies of libopen-rte / libopen-pal the host already
/// loaded with RTLD_LOCAL (dlopen with RTLD_NOLOAD, so a second copy of Open MPI is never loaded).
/// </summary>
internal sealed unsafe class HostSymbols : IDisposable
{
    /// <summary>The Open MPI 4.1 libraries by SONAME; libopen-rte depends on libopen-pal.</summary>
    public static readonly IReadOnlyList<string> LibrarySonames = ["libopen-rte.so.40", "libopen-pal.so.40"];

    private readonly nint _mainProgram;
    private readonly List<nint> _loadedLibraries = [];

    private HostSymbols(nint mainProgram)
    {
        _mainProgram = mainProgram;
    }

    /// <summary>How many of <see cref="LibrarySonames"/> are loaded in this process (RTLD_NOLOAD found them).</summary>
    public int LoadedLibraryCount => _loadedLibraries.Count;

    public static HostSymbols Open()
    {
        var symbols = new HostSymbols(NativeLibrary.GetMainProgramHandle());
        foreach (var soname in LibrarySonames)
        {
            var handle = OpenIfLoaded(soname);
            if (handle != 0)
            {
                symbols._loadedLibraries.Add(handle);
            }
        }
        return symbols;
    }

    /// <summary>The address of <paramref name="name"/>, or 0 when neither the global scope nor a loaded Open MPI library has it.</summary>
    public nint Resolve(string name)
    {
        if (NativeLibrary.TryGetExport(_mainProgram, name, out var address) && address != 0)
        {
            return address;
        }
        foreach (var handle in _loadedLibraries)
        {
            if (NativeLibrary.TryGetExport(handle, name, out address) && address != 0)
            {
                return address;
            }
        }
        return 0;
    }

    /// <summary>
    /// <paramref name="name"/> in the process's global scope only (dlsym on the main-program handle, as
    /// RTLD_DEFAULT searches): where an application's own functions are found; 0 when absent.
    /// </summary>
    public static nint ResolveGlobal(string name) =>
        NativeLibrary.TryGetExport(NativeLibrary.GetMainProgramHandle(), name, out var address) ? address : 0;

    /// <summary>
    /// <paramref name="name"/> as <see cref="Resolve"/> finds it, looked up once and remembered in
    /// <paramref name="cache"/> when found (a missing symbol is looked up again next time: Open MPI may be loaded
    /// later). The RTLD_NOLOAD references taken for a found symbol are kept, so its library stays mapped.
    /// </summary>
    public static nint ResolveCached(ref nint cache, string name)
    {
        var address = System.Threading.Volatile.Read(ref cache);
        if (address != 0)
        {
            return address;
        }
        var symbols = Open();
        address = symbols.Resolve(name);
        if (address == 0)
        {
            symbols.Dispose();
            return 0;
        }
        System.Threading.Volatile.Write(ref cache, address);
        return address;
    }

    /// <summary>Where <see cref="Resolve"/> looked, for an error message.</summary>
    public string DescribeSearch() =>
        $"the process's global scope or an already-loaded {string.Join(" / ", LibrarySonames)}"
        + (_loadedLibraries.Count == 0 ? " (neither library is loaded in this process)" : "");

    /// <summary>
    /// Drops the RTLD_NOLOAD references. Only for a failed binding: a bound host keeps them so that the
    /// libraries, and every address resolved from them, stay valid for the life of the process.
    /// </summary>
    public void Dispose()
    {
        foreach (var handle in _loadedLibraries)
        {
            Libc.Dlclose(handle);
        }
        _loadedLibraries.Clear();
    }

    private static nint OpenIfLoaded(string soname)
    {
        var bytes = HostString.ToNullTerminatedUtf8(soname);
        fixed (byte* name = bytes)
        {
            return Libc.Dlopen(name, Libc.RTLD_LAZY | Libc.RTLD_NOLOAD);
        }
    }
}

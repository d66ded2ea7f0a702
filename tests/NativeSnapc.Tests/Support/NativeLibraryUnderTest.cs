using System;
using System.Reflection;
using System.Runtime.InteropServices;

namespace NativeSnapc.Tests.Support;

/// <summary>
/// P/Invoke access to the built libnative_snapc.so. Imports name <see cref="Name"/>; the resolver maps
/// it to the CMake build's library, so the tests exercise the NativeAOT binary, not the managed assembly.
/// </summary>
internal static class NativeLibraryUnderTest
{
    public const string Name = "native_snapc_under_test";

    private static readonly Lazy<nint> s_handle = new(() => NativeLibrary.Load(TestEnvironment.LibraryPath));

    static NativeLibraryUnderTest()
    {
        NativeLibrary.SetDllImportResolver(typeof(NativeLibraryUnderTest).Assembly, Resolve);
    }

    /// <summary>Registers the resolver; call before the first P/Invoke (a fixture's OneTimeSetUp).</summary>
    public static nint Handle => s_handle.Value;

    /// <summary>The address of an exported symbol (function or data).</summary>
    public static nint Export(string symbol) => NativeLibrary.GetExport(Handle, symbol);

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName == Name ? Handle : 0;
}

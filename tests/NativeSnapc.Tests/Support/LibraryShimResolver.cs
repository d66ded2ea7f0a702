using System;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NativeSnapc.Tests.Support;

/// <summary>
/// The library's C# reaches its C functions through <c>[LibraryImport("native_snapc_shim")]</c>, which the
/// NativeAOT build binds at link time. Under the JIT there is no link step: this maps the name, for the library
/// assembly, to the same C sources built by CMake as libnative_snapc_shim.so (NATIVE_SNAPC_SHIM_FOR_TESTS).
/// Registered when the test assembly loads, before any test or fixture runs; .NET allows one resolver per
/// assembly, so every test that needs the shim relies on this one.
/// </summary>
internal static class LibraryShimResolver
{
    public const string ShimName = "native_snapc_shim";

    public static Assembly LibraryAssembly { get; } = typeof(NativeSnapc.Channels.ChannelResult).Assembly;

    private static readonly Lazy<nint> s_handle = new(() => NativeLibrary.Load(ShimPath));

    /// <summary>The CMake-built shim: from CTest's environment, else the default preset's build tree.</summary>
    public static string ShimPath =>
        Environment.GetEnvironmentVariable("NATIVE_SNAPC_SHIM_FOR_TESTS")
        ?? Path.Combine(TestEnvironment.BuildDir, "tests", "libnative_snapc_shim.so");

    /// <summary>The loaded shim, for tests that look up one of its functions themselves.</summary>
    public static nint Handle => s_handle.Value;

#pragma warning disable CA2255 // A module initializer is exactly right here: the resolver must exist before any test touches the library.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() => NativeLibrary.SetDllImportResolver(LibraryAssembly, Resolve);

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName == ShimName ? s_handle.Value : 0;
}

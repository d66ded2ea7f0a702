using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NUnit.Framework;

namespace NativeSnapc.Tests.Support;

/// <summary>
/// Where the CMake build put the things the tests use. CTest passes them as environment variables
/// (tests/NativeSnapc.Tests/CMakeLists.txt); run by hand, `dotnet test` falls back to the default
/// preset's build tree, build/default.
/// </summary>
internal static class TestEnvironment
{
    public static string SourceDir { get; } =
        Environment.GetEnvironmentVariable("NATIVE_SNAPC_SOURCE_DIR") ?? FindSourceDir();

    public static string BuildDir { get; } =
        Environment.GetEnvironmentVariable("NATIVE_SNAPC_BUILD_DIR") ?? Path.Combine(SourceDir, "build", "default");

    /// <summary>The published NativeAOT library (publish/libnative_snapc.so).</summary>
    public static string LibraryPath => RequireFile(
        Environment.GetEnvironmentVariable("NATIVE_SNAPC_LIBRARY") ?? Path.Combine(BuildDir, "publish", "libnative_snapc.so"));

    /// <summary>The MPI profiling layer that puts the runtime into a rank (publish/libnative_snapc_mpi.so).</summary>
    public static string ActivationLibraryPath => RequireFile(Path.Combine(Path.GetDirectoryName(LibraryPath)!, "libnative_snapc_mpi.so"));

    /// <summary>The C compiler the build uses.</summary>
    public static string CCompiler { get; } = Environment.GetEnvironmentVariable("NATIVE_SNAPC_CC") ?? "cc";

    /// <summary>Include directories of the real Open MPI 4.1 headers.</summary>
    public static IReadOnlyList<string> OpenMpiIncludeDirs { get; } =
        (Environment.GetEnvironmentVariable("NATIVE_SNAPC_OMPI_INCLUDE_DIRS")
         ?? "/usr/lib/x86_64-linux-gnu/openmpi/include;/usr/lib/x86_64-linux-gnu/openmpi/include/openmpi")
        .Split(';', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Linker flags for the real libopen-rte / libopen-pal.</summary>
    public static IReadOnlyList<string> OpenMpiLinkFlags { get; } =
        (Environment.GetEnvironmentVariable("NATIVE_SNAPC_OMPI_LINK_FLAGS")
         ?? "-L/usr/lib/x86_64-linux-gnu/openmpi/lib;-lopen-rte;-lopen-pal")
        .Split(';', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The project's public headers.</summary>
    public static string IncludeDir => Path.Combine(SourceDir, "include");

    /// <summary>A helper program built by CMake under tests/ (for example tests/dss/dss_oracle).</summary>
    public static string BuiltTool(string relativePath) => RequireFile(Path.Combine(BuildDir, "tests", relativePath));

    /// <summary>A fresh scratch directory under the build tree, for generated sources and binaries.</summary>
    public static string ScratchDir(string name)
    {
        var dir = Path.Combine(BuildDir, "nunit-scratch", name);
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string RequireFile(string path)
    {
        if (!File.Exists(path))
        {
            Assert.Fail($"{path} does not exist: build with the README's test command (it runs CMake first).");
        }
        return path;
    }

    private static string FindSourceDir()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "native-snapc.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("cannot find the repository root (native-snapc.sln) above " + AppContext.BaseDirectory);
    }
}

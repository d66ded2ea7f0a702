using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NUnit.Framework;

namespace NativeSnapc.Tests.Support;

/// <summary>
/// Compiles small C programs during the test run, against the real Open MPI 4.1 headers and the
/// project's headers, so that expected numbers come from the C compiler, never from a hand-typed table.
/// </summary>
internal static class NativeToolchain
{
    /// <summary>
    /// Compiles <paramref name="source"/> into an executable in <paramref name="scratchDir"/>. A compile
    /// error fails the test and shows the compiler's output (a failed _Static_assert shows up here).
    /// </summary>
    public static string CompileC(string scratchDir, string name, string source, bool linkOpenMpi = false, IEnumerable<string>? extraArguments = null)
    {
        var sourcePath = Path.Combine(scratchDir, name + ".c");
        var binaryPath = Path.Combine(scratchDir, name);
        File.WriteAllText(sourcePath, source);

        var arguments = new List<string> { "-std=gnu11", "-Wall", "-Werror", "-o", binaryPath, sourcePath, "-I" + TestEnvironment.IncludeDir };
        arguments.AddRange(TestEnvironment.OpenMpiIncludeDirs.Select(dir => "-I" + dir));
        if (linkOpenMpi)
        {
            arguments.AddRange(TestEnvironment.OpenMpiLinkFlags);
        }
        if (extraArguments is not null)
        {
            arguments.AddRange(extraArguments);
        }

        var result = ProcessRunner.Run(TestEnvironment.CCompiler, arguments, TimeSpan.FromMinutes(2));
        if (result.ExitCode != 0)
        {
            Assert.Fail($"compiling {sourcePath} failed:\n{result.StandardError}\n{result.StandardOutput}");
        }
        return binaryPath;
    }

    /// <summary>Compiles and runs a C program; returns its standard output (a non-zero exit fails the test).</summary>
    public static string CompileAndRun(string scratchDir, string name, string source, bool linkOpenMpi = false)
    {
        var binary = CompileC(scratchDir, name, source, linkOpenMpi);
        var result = ProcessRunner.Run(binary, Array.Empty<string>(), TimeSpan.FromMinutes(1));
        if (result.ExitCode != 0)
        {
            Assert.Fail($"{binary} failed: {result.Describe()}");
        }
        return result.StandardOutput;
    }
}

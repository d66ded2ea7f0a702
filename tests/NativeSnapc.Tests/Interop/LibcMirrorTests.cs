extern alias command;

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using NativeSnapc.Interop;
using NativeSnapc.Tests.Abi;
using NativeSnapc.Tests.Support;
using NUnit.Framework;

namespace NativeSnapc.Tests.Interop;

/// <summary>
/// Every libc constant and struct the library and the command mirror ([LibcName] anywhere in either assembly: the
/// library's Interop, the files of it the command compiles in, and the command's own Interop) against the numbers the
/// C compiler prints from glibc's own headers during the run.
/// Values are printed rather than _Static_asserted because some are not constant expressions in C (SIGRTMIN is a
/// function call, SIG_IGN a pointer).
/// </summary>
[TestFixture]
public sealed class LibcMirrorTests
{
    private sealed record Mirror(Type Type, string CName);

    private static readonly string[] Headers =
    [
        "dlfcn.h", "errno.h", "fcntl.h", "poll.h", "signal.h", "spawn.h", "stddef.h", "stdint.h", "stdio.h", "sys/file.h",
        "sys/socket.h", "sys/stat.h", "sys/wait.h", "time.h", "unistd.h",
    ];

    /// <summary>The two assemblies with libc mirrors: the library, and the command (its own and the shared files).</summary>
    public static IEnumerable<TestCaseData> Assemblies() =>
    [
        new TestCaseData(LibraryShimResolver.LibraryAssembly).SetArgDisplayNames("library"),
        new TestCaseData(typeof(command::NativeSnapc.Interop.Libc).Assembly).SetArgDisplayNames("command"),
    ];

    /// <summary>
    /// The C name a member carries, by the attribute's name: each assembly has its own LibcNameAttribute (the command
    /// compiles the library's file in).
    /// </summary>
    private static string? CName(MemberInfo member) => member.CustomAttributes
        .FirstOrDefault(a => a.AttributeType.Name == nameof(LibcNameAttribute))?.ConstructorArguments[0].Value as string;

    private static IReadOnlyList<(FieldInfo Field, string CName)> Constants(Assembly assembly) => assembly.GetTypes()
        .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
        .Select(f => (Field: f, Name: CName(f)))
        .Where(x => x.Name is not null)
        .Select(x => (x.Field, x.Name!))
        .ToList();

    private static IReadOnlyList<Mirror> Structs(Assembly assembly) => assembly.GetTypes()
        .Where(t => t.IsValueType && CName(t) is not null)
        .Select(t => new Mirror(t, CName(t)!))
        .ToList();

    private static IEnumerable<FieldInfo> InstanceFields(Type type) => type
        .GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
        .OrderBy(f => f.MetadataToken);

    [Test]
    public void The_signal_and_fifo_mirrors_are_found()
    {
        var constants = Constants(LibraryShimResolver.LibraryAssembly).Select(c => c.CName).ToList();
        Assert.That(constants, Is.SupersetOf(new[] { "SA_RESTART", "SIG_BLOCK", "SIG_SETMASK", "SIGPIPE", "EPIPE", "EINTR", "EAGAIN", "ENXIO", "EEXIST" }));
        Assert.That(Structs(LibraryShimResolver.LibraryAssembly).Select(s => s.CName), Is.SupersetOf(new[] { "struct sigaction", "sigset_t", "struct timespec" }));
    }

    [TestCaseSource(nameof(Assemblies))]
    public void Constants_sizes_and_offsets_equal_glibc(Assembly assembly)
    {
        var constants = Constants(assembly);
        var structs = Structs(assembly);
        var source = new StringBuilder("#define _GNU_SOURCE\n");
        foreach (var header in Headers)
        {
            source.AppendLine($"#include <{header}>");
        }
        source.AppendLine("int main(void)\n{");
        foreach (var (_, cName) in constants)
        {
            source.AppendLine($"    printf(\"const\\t{cName}\\t%lld\\n\", (long long)(intptr_t)({cName}));");
        }
        foreach (var mirror in structs)
        {
            source.AppendLine($"    printf(\"size\\t{mirror.CName}\\t%zu\\n\", sizeof({mirror.CName}));");
            source.AppendLine($"    printf(\"align\\t{mirror.CName}\\t%zu\\n\", _Alignof({mirror.CName}));");
            foreach (var field in InstanceFields(mirror.Type))
            {
                var member = CMemberName(field);
                source.AppendLine($"    printf(\"offset\\t{mirror.CName}.{member}\\t%zu\\n\", offsetof({mirror.CName}, {member}));");
                source.AppendLine($"    printf(\"fieldsize\\t{mirror.CName}.{member}\\t%zu\\n\", sizeof(((({mirror.CName} *)0)->{member})));");
            }
        }
        source.AppendLine("    return 0;\n}");

        var output = NativeToolchain.CompileAndRun(TestEnvironment.ScratchDir($"libc-mirrors-{assembly.GetName().Name}"), "libc_mirrors", source.ToString());
        var c = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t'))
            .ToDictionary(parts => (parts[0], parts[1]), parts => long.Parse(parts[2], CultureInfo.InvariantCulture));

        var problems = new List<string>();
        var facts = 0;
        void Compare(string kind, string name, long managed)
        {
            facts++;
            var native = c[(kind, name)];
            if (native != managed)
            {
                problems.Add($"{kind} {name}: C {native}, C# {managed}");
            }
        }

        foreach (var (field, cName) in constants)
        {
            Compare("const", cName, Convert.ToInt64(field.GetRawConstantValue(), CultureInfo.InvariantCulture));
        }
        foreach (var mirror in structs)
        {
            Compare("size", mirror.CName, ManagedLayout.SizeOf(mirror.Type));
            Compare("size", mirror.CName, Marshal.SizeOf(mirror.Type));
            Compare("align", mirror.CName, ManagedLayout.AlignmentOf(mirror.Type));
            foreach (var field in InstanceFields(mirror.Type))
            {
                var member = $"{mirror.CName}.{CMemberName(field)}";
                Compare("offset", member, (long)Marshal.OffsetOf(mirror.Type, field.Name));
                Compare("fieldsize", member, FieldSize(field));
            }
        }
        TestContext.Out.WriteLine($"{facts} facts compared: {constants.Count} constants, {structs.Count} structs.");
        Assert.That(problems, Is.Empty, () => string.Join("\n", problems));
    }

    [TestCaseSource(nameof(Assemblies))]
    public void Mirrors_are_blittable_and_sequential(Assembly assembly)
    {
        foreach (var mirror in Structs(assembly))
        {
            Assert.That(mirror.Type.IsLayoutSequential, Is.True, mirror.CName);
            Assert.That(ManagedLayout.IsReferenceOrContainsReferences(mirror.Type), Is.False, mirror.CName);
        }
    }

    /// <summary>A C# fixed buffer is compiled into a field of a nested struct type; its C name is the field's own.</summary>
    private static string CMemberName(FieldInfo field) => field.Name;

    private static long FieldSize(FieldInfo field) =>
        field.GetCustomAttribute<FixedBufferAttribute>() is { } buffer
            ? buffer.Length * ManagedLayout.SizeOf(buffer.ElementType)
            : ManagedLayout.SizeOf(field.FieldType);
}

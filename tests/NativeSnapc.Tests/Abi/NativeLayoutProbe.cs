using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using NativeSnapc.Tests.Support;
using NUnit.Framework;

namespace NativeSnapc.Tests.Abi;

/// <summary>What the C compiler says about one member of a real struct.</summary>
internal sealed record CFieldFacts(long Offset, long Size, long Alignment)
{
    /// <summary>Results of type-agreement checks (see <see cref="NativeLayoutProbe"/>), by check name.</summary>
    public Dictionary<string, bool> Checks { get; } = new(StringComparer.Ordinal);
}

/// <summary>What the C compiler says about one real struct.</summary>
internal sealed record CStructFacts(long Size, long Alignment)
{
    public Dictionary<string, CFieldFacts> Fields { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Generates C programs from the mirror structs, compiles them against the real Open MPI headers and
/// collects the compiler's numbers. Two passes: the first only declares one object of every mirrored type
/// and reads the member lists from its debug information; the second prints sizeof/_Alignof/offsetof for
/// the members that exist in C (so a misnamed C# field is reported, not a compile error) and evaluates
/// type-agreement checks with <c>__builtin_types_compatible_p</c>:
/// <list type="bullet">
/// <item>"declared": the member's type is the field's [NativeTypeName];</item>
/// <item>"mirror": a field typed as a mirror struct (or pointer to one) has that mirror's C type;</item>
/// <item>"signed": the C integer member is signed (checked for C# integer fields).</item>
/// </list>
/// </summary>
internal sealed class NativeLayoutProbe
{
    private static readonly Lazy<NativeLayoutProbe> SharedProbe = new(Run);

    public static NativeLayoutProbe Shared => SharedProbe.Value;

    /// <summary>Per mirror: the real struct's members in declaration order, from DWARF (null if the compiler emitted none).</summary>
    public IReadOnlyDictionary<MirrorStruct, IReadOnlyList<DwarfMember>?> CMembers { get; }

    public IReadOnlyDictionary<MirrorStruct, CStructFacts> Facts { get; }

    /// <summary>The debug information of every mirrored type (for function-pointer signatures).</summary>
    public DwarfStructMembers Dwarf { get; }

    private NativeLayoutProbe(IReadOnlyDictionary<MirrorStruct, IReadOnlyList<DwarfMember>?> members, IReadOnlyDictionary<MirrorStruct, CStructFacts> facts, DwarfStructMembers dwarf)
    {
        CMembers = members;
        Facts = facts;
        Dwarf = dwarf;
    }

    public static bool IsSignedInteger(Type type) =>
        type == typeof(sbyte) || type == typeof(short) || type == typeof(int) || type == typeof(long);

    public static bool IsUnsignedInteger(Type type) =>
        type == typeof(byte) || type == typeof(ushort) || type == typeof(uint) || type == typeof(ulong);

    /// <summary>The mirror a field's type refers to: the field's own struct type or the pointee of a (single) pointer.</summary>
    public static MirrorStruct? ReferencedMirror(Type fieldType) =>
        AbiCatalog.MirrorOf(fieldType) ?? (fieldType.IsPointer ? AbiCatalog.MirrorOf(fieldType.GetElementType()!) : null);

    private static NativeLayoutProbe Run()
    {
        var mirrors = AbiCatalog.Mirrors;
        var scratch = TestEnvironment.ScratchDir("abi-layout");

        // Pass 1: objects of every type, so the debug information describes each struct completely.
        var declarations = new StringBuilder(OpenMpiHeaders.Prelude(withProjectHeaders: false));
        for (var i = 0; i < mirrors.Count; i++)
        {
            declarations.AppendLine($"{mirrors[i].CName} nsnapc_layout_probe_{i}; {CSpelling.Comment(mirrors[i].Type.FullName!)}");
        }
        var objectFile = NativeToolchain.CompileC(scratch, "abi_members.o", declarations.ToString(), extraArguments: new[] { "-g", "-c" });
        var dwarf = DwarfStructMembers.Read(objectFile);
        var members = mirrors.ToDictionary(m => m, m => dwarf.MembersOf(m.CName));

        // Pass 2: the numbers and the type checks, for members that exist on both sides.
        var source = new StringBuilder(OpenMpiHeaders.Prelude(withProjectHeaders: false));
        source.AppendLine("int main(void)");
        source.AppendLine("{");
        for (var i = 0; i < mirrors.Count; i++)
        {
            var mirror = mirrors[i];
            var c = mirror.CName;
            source.AppendLine($"    {CSpelling.Comment(mirror.Type.FullName!)}");
            source.AppendLine($"    printf(\"S\\t{i}\\t%zu\\t%zu\\n\", sizeof({c}), _Alignof({c}));");
            var cNames = members[mirror]?.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var field in mirror.Fields)
            {
                if (cNames is not null && !cNames.Contains(field.Name) || !CSpelling.IsIdentifier(field.Name))
                {
                    continue; // reported by the member-list test
                }
                var member = $"((({c} *)0)->{field.Name})";
                source.AppendLine($"    printf(\"F\\t{i}\\t{field.Name}\\t%zu\\t%zu\\t%zu\\n\", offsetof({c}, {field.Name}), sizeof{member}, __alignof__{member});");
                if (field.CType is not null)
                {
                    AppendCheck(source, i, field.Name, "declared", $"__builtin_types_compatible_p(__typeof__{member}, {field.CType})");
                }
                var referenced = ReferencedMirror(field.FieldType);
                if (referenced is not null)
                {
                    var checkedType = field.FieldType.IsPointer ? $"__typeof__(*{member})" : $"__typeof__{member}";
                    AppendCheck(source, i, field.Name, "mirror", $"__builtin_types_compatible_p({checkedType}, {referenced.CName})");
                }
                if (IsSignedInteger(field.FieldType) || IsUnsignedInteger(field.FieldType))
                {
                    AppendCheck(source, i, field.Name, "signed", $"((__typeof__{member})-1 < 0)");
                }
            }
        }
        source.AppendLine("    return 0;");
        source.AppendLine("}");

        var binary = NativeToolchain.CompileC(scratch, "abi_layout", source.ToString());
        var run = ProcessRunner.Run(binary, Array.Empty<string>(), TimeSpan.FromMinutes(1));
        if (run.ExitCode != 0)
        {
            Assert.Fail($"{binary} failed: {run.Describe()}");
        }
        return new NativeLayoutProbe(members, Parse(run.StandardOutput, mirrors), dwarf);
    }

    private static void AppendCheck(StringBuilder source, int index, string field, string check, string expression) =>
        source.AppendLine($"    printf(\"C\\t{index}\\t{field}\\t{check}\\t%d\\n\", (int)({expression}));");

    private static Dictionary<MirrorStruct, CStructFacts> Parse(string output, IReadOnlyList<MirrorStruct> mirrors)
    {
        var facts = new Dictionary<MirrorStruct, CStructFacts>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split('\t');
            var mirror = mirrors[int.Parse(parts[1], CultureInfo.InvariantCulture)];
            switch (parts[0])
            {
                case "S":
                    facts[mirror] = new CStructFacts(long.Parse(parts[2], CultureInfo.InvariantCulture), long.Parse(parts[3], CultureInfo.InvariantCulture));
                    break;
                case "F":
                    facts[mirror].Fields[parts[2]] = new CFieldFacts(
                        long.Parse(parts[3], CultureInfo.InvariantCulture), long.Parse(parts[4], CultureInfo.InvariantCulture), long.Parse(parts[5], CultureInfo.InvariantCulture));
                    break;
                case "C":
                    facts[mirror].Fields[parts[2]].Checks[parts[3]] = parts[4] == "1";
                    break;
                default:
                    throw new FormatException("unexpected probe output line: " + line);
            }
        }
        return facts;
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using NativeSnapc.Protocol;
using NUnit.Framework;

namespace NativeSnapc.Tests.Abi;

/// <summary>
/// The C# mirrors of Open MPI structs against the numbers the C compiler produces from the real 4.1 headers
/// during the run (ClangSharp/Tmds.LibC technique, docs/abi.md#mirror-structs-and-layout-tests). Every test collects
/// all mismatches before failing.
/// </summary>
[TestFixture]
public sealed class StructLayoutTests
{
    private static NativeLayoutProbe Probe => NativeLayoutProbe.Shared;

    [Test]
    public void Sizes_alignments_and_field_offsets_match_the_real_headers()
    {
        var problems = new List<string>();
        var facts = 0;
        foreach (var mirror in AbiCatalog.Mirrors)
        {
            var c = Probe.Facts[mirror];
            var type = mirror.Type;
            Compare(problems, ref facts, $"sizeof({mirror.CName}) vs Unsafe.SizeOf<{mirror.DisplayName}>", c.Size, ManagedLayout.SizeOf(type));
            Compare(problems, ref facts, $"sizeof({mirror.CName}) vs Marshal.SizeOf({mirror.DisplayName})", c.Size, MarshalSizeOf(type, problems));
            Compare(problems, ref facts, $"_Alignof({mirror.CName}) vs alignment of {mirror.DisplayName}", c.Alignment, ManagedLayout.AlignmentOf(type));
            foreach (var field in mirror.Fields)
            {
                if (!c.Fields.TryGetValue(field.Name, out var cField))
                {
                    continue; // no such C member: reported by Every_C_member_is_mirrored_by_name_and_in_order
                }
                var where = $"{mirror.DisplayName}.{field.Name}";
                Compare(problems, ref facts, $"offsetof({mirror.CName}, {field.Name}) vs Marshal.OffsetOf({where})", cField.Offset, (long)Marshal.OffsetOf(type, field.Name));
                Compare(problems, ref facts, $"sizeof {mirror.CName}.{field.Name} vs size of {where} ({field.FieldType})", cField.Size, ManagedLayout.SizeOf(field.FieldType));
                Compare(problems, ref facts, $"alignment of {mirror.CName}.{field.Name} vs {where}", cField.Alignment, ManagedLayout.AlignmentOf(field.FieldType));
            }
        }
        TestContext.Out.WriteLine($"{facts} layout facts compared for {AbiCatalog.Mirrors.Count} structs, {AbiCatalog.Mirrors.Sum(m => m.Fields.Count)} fields.");
        AssertNone(problems);
    }

    [Test]
    public void Mirrors_are_blittable_and_sequential()
    {
        var problems = new List<string>();
        foreach (var mirror in AbiCatalog.Mirrors)
        {
            var type = mirror.Type;
            if (!type.IsLayoutSequential)
            {
                problems.Add($"{mirror.DisplayName}: not LayoutKind.Sequential");
            }
            if (ManagedLayout.IsReferenceOrContainsReferences(type))
            {
                problems.Add($"{mirror.DisplayName}: contains managed references");
            }
            problems.AddRange(ManagedLayout.NonBlittableMembers(type, mirror.DisplayName).Select(m => $"{m}: not blittable (use byte for bool, byte* for char*)"));
            // ClangSharp's blittability test: the marshalled size is the managed size.
            var marshalled = MarshalSizeOf(type, problems);
            if (marshalled is { } size && size != ManagedLayout.SizeOf(type))
            {
                problems.Add($"{mirror.DisplayName}: Marshal.SizeOf {size} != Unsafe.SizeOf {ManagedLayout.SizeOf(type)}");
            }
        }
        TestContext.Out.WriteLine($"{AbiCatalog.Mirrors.Count} structs checked for blittability and sequential layout.");
        AssertNone(problems);
    }

    [Test]
    public void Field_types_agree_with_the_C_member_types()
    {
        var problems = new List<string>();
        var checks = 0;
        foreach (var mirror in AbiCatalog.Mirrors)
        {
            foreach (var field in mirror.Fields)
            {
                if (!Probe.Facts[mirror].Fields.TryGetValue(field.Name, out var cField))
                {
                    continue;
                }
                var where = $"{mirror.DisplayName}.{field.Name}";
                foreach (var (check, compatible) in cField.Checks)
                {
                    checks++;
                    switch (check)
                    {
                        case "declared" when !compatible:
                            problems.Add($"{where}: [NativeTypeName(\"{field.CType}\")] is not the type of {mirror.CName}.{field.Name}");
                            break;
                        case "mirror" when !compatible:
                            problems.Add($"{where}: typed {field.FieldType.Name}, whose C type {NativeLayoutProbe.ReferencedMirror(field.FieldType)!.CName} is not that of {mirror.CName}.{field.Name}");
                            break;
                        case "signed" when compatible != NativeLayoutProbe.IsSignedInteger(field.FieldType):
                            problems.Add($"{where}: C# {field.FieldType.Name} is {(compatible ? "unsigned" : "signed")} but {mirror.CName}.{field.Name} is {(compatible ? "signed" : "unsigned")}");
                            break;
                    }
                }
            }
        }
        TestContext.Out.WriteLine($"{checks} field type checks evaluated by the C compiler.");
        AssertNone(problems);
    }

    [Test]
    public void Every_C_member_is_mirrored_by_name_and_in_order()
    {
        var problems = new List<string>();
        foreach (var mirror in AbiCatalog.Mirrors)
        {
            var cMembers = Probe.CMembers[mirror];
            if (cMembers is null)
            {
                problems.Add($"{mirror.DisplayName}: the compiler's debug information has no struct behind {mirror.CName}");
                continue;
            }
            var cNames = cMembers.Select(m => m.Name ?? "<anonymous>").ToArray();
            var csNames = mirror.Fields.Select(f => f.Name).ToArray();
            if (!cNames.SequenceEqual(csNames, StringComparer.Ordinal))
            {
                var missing = cNames.Except(csNames, StringComparer.Ordinal).ToArray();
                var extra = csNames.Except(cNames, StringComparer.Ordinal).ToArray();
                problems.Add($"{mirror.DisplayName} vs {mirror.CName}: C members [{string.Join(", ", cNames)}], C# fields [{string.Join(", ", csNames)}]"
                             + (missing.Length > 0 ? $"; not mirrored: {string.Join(", ", missing)}" : "")
                             + (extra.Length > 0 ? $"; not in C: {string.Join(", ", extra)}" : "")
                             + (missing.Length == 0 && extra.Length == 0 ? "; order differs" : ""));
            }
        }
        TestContext.Out.WriteLine($"{AbiCatalog.Mirrors.Count} member lists compared with the compiler's debug information ({Probe.CMembers.Values.Sum(m => m?.Count ?? 0)} C members).");
        AssertNone(problems);
    }

    /// <summary>
    /// The sum check: from the C numbers alone, each mirrored member must start where alignment puts it after the
    /// previous one, and the struct must end where its alignment rounds the last one up to. A gap larger than
    /// padding is a member the mirror lacks.
    /// </summary>
    [Test]
    public void Mirrored_members_plus_padding_account_for_the_whole_struct()
    {
        var problems = new List<string>();
        foreach (var mirror in AbiCatalog.Mirrors)
        {
            var c = Probe.Facts[mirror];
            var end = 0L;
            var previous = "the start";
            foreach (var (name, field) in c.Fields.OrderBy(f => f.Value.Offset))
            {
                var expected = AlignUp(end, field.Alignment);
                if (field.Offset != expected)
                {
                    problems.Add($"{mirror.CName}: {field.Offset - end} unexplained byte(s) between {previous} and {name} (at {field.Offset}, padding would put it at {expected})");
                }
                end = Math.Max(end, field.Offset + field.Size);
                previous = name;
            }
            var mirroredBytes = c.Fields.Values.Sum(f => f.Size);
            if (AlignUp(end, c.Alignment) != c.Size)
            {
                problems.Add($"{mirror.CName}: sizeof {c.Size}, but the mirrored members ({mirroredBytes} bytes) end at {end} (+ tail padding = {AlignUp(end, c.Alignment)})");
            }
        }
        TestContext.Out.WriteLine($"{AbiCatalog.Mirrors.Count} structs checked: mirrored members plus padding = sizeof.");
        AssertNone(problems);
    }

    private static long AlignUp(long value, long alignment) => alignment <= 1 ? value : (value + alignment - 1) / alignment * alignment;

    private static long? MarshalSizeOf(Type type, List<string> problems)
    {
        try
        {
            return Marshal.SizeOf(type);
        }
        catch (ArgumentException e)
        {
            problems.Add($"{type.Name}: Marshal.SizeOf throws ({e.Message})");
            return null;
        }
    }

    private static void Compare(List<string> problems, ref int facts, string what, long expectedFromC, long? actual)
    {
        facts++;
        if (actual != expectedFromC)
        {
            problems.Add($"{what}: C says {expectedFromC}, C# has {actual?.ToString() ?? "nothing"}");
        }
    }

    private static void AssertNone(List<string> problems) =>
        Assert.That(problems, Is.Empty, () => $"{problems.Count} mismatch(es) with the real Open MPI headers:\n  " + string.Join("\n  ", problems));
}

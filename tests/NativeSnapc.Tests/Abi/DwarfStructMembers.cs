using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using NativeSnapc.Tests.Support;
using NUnit.Framework;

namespace NativeSnapc.Tests.Abi;

/// <summary>A member of a C struct as the compiler's debug information describes it.</summary>
internal sealed record DwarfMember(string? Name, long Offset);

internal enum ScalarKind { Void, Integer, Enum, Pointer, Other }

/// <summary>How a parameter or return value is passed: its kind, width and (for integers) signedness.</summary>
internal sealed record DwarfScalar(ScalarKind Kind, long Size, bool? Signed)
{
    public override string ToString() => Kind switch
    {
        ScalarKind.Void => "void",
        ScalarKind.Integer => $"{(Signed == true ? "signed" : "unsigned")} {Size}-byte integer",
        ScalarKind.Enum => $"{Size}-byte enum",
        ScalarKind.Pointer => "pointer",
        _ => $"{Size}-byte aggregate",
    };
}

/// <summary>A C function type reduced to what the calling convention sees.</summary>
internal sealed record DwarfSignature(DwarfScalar Return, IReadOnlyList<DwarfScalar> Parameters, bool IsVariadic);

/// <summary>
/// The member lists of C structs and the function types of their function-pointer members, read from the
/// DWARF the C compiler wrote for a probe program (<c>readelf --debug-dump=info</c>). This is how the tests
/// learn which members the real struct has (so a member the C# mirror forgot is noticed even when it hides in
/// padding) and how wide each parameter of a slot is, which C itself cannot tell.
/// </summary>
internal sealed partial class DwarfStructMembers
{
    private sealed class Die
    {
        public required long Offset { get; init; }
        public required string Tag { get; init; }
        public Dictionary<string, string> Attributes { get; } = new(StringComparer.Ordinal);
        public List<Die> Children { get; } = new();
    }

    private readonly Dictionary<long, Die> _dies;

    private DwarfStructMembers(Dictionary<long, Die> dies) => _dies = dies;

    public static DwarfStructMembers Read(string binary)
    {
        ProcessResult result;
        try
        {
            result = ProcessRunner.Run("readelf", new[] { "--debug-dump=info", "--wide", binary }, TimeSpan.FromMinutes(1));
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"cannot run readelf (binutils), which reads the C member lists from debug information: {e.Message}");
            throw;
        }
        if (result.ExitCode != 0)
        {
            Assert.Fail($"readelf on {binary} failed: {result.Describe()}");
        }
        return Parse(result.StandardOutput);
    }

    public static DwarfStructMembers Parse(string readelfOutput)
    {
        var dies = new Dictionary<long, Die>();
        var stack = new List<Die>(); // stack[depth] = the open DIE at that depth
        Die? current = null;
        foreach (var line in readelfOutput.Split('\n'))
        {
            var header = DieHeader().Match(line);
            if (header.Success)
            {
                var depth = int.Parse(header.Groups[1].Value, CultureInfo.InvariantCulture);
                current = null;
                if (!header.Groups[4].Success)
                {
                    continue; // "Abbrev Number: 0" closes a sibling list
                }
                var die = new Die { Offset = long.Parse(header.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture), Tag = header.Groups[4].Value };
                dies[die.Offset] = die;
                if (depth > 0 && depth - 1 < stack.Count)
                {
                    stack[depth - 1].Children.Add(die);
                }
                if (stack.Count > depth)
                {
                    stack.RemoveRange(depth, stack.Count - depth);
                }
                stack.Add(die);
                current = die;
                continue;
            }
            var attribute = AttributeLine().Match(line);
            if (attribute.Success && current is not null)
            {
                current.Attributes[attribute.Groups[1].Value] = attribute.Groups[2].Value.Trim();
            }
        }
        return new DwarfStructMembers(dies);
    }

    /// <summary>The members of the struct a typedef (or struct tag) named <paramref name="cTypeName"/> denotes; null if absent.</summary>
    public IReadOnlyList<DwarfMember>? MembersOf(string cTypeName) =>
        StructureNamed(cTypeName)?.Children
            .Where(c => c.Tag == "DW_TAG_member")
            .Select(c => new DwarfMember(NameOf(c), MemberOffset(c)))
            .ToArray();

    /// <summary>
    /// The signature of a function-pointer member, as scalar shapes; null if the member is not a function
    /// pointer. <c>IsVariadic</c> is true for a trailing "...".
    /// </summary>
    public DwarfSignature? FunctionPointerMember(string cTypeName, string memberName)
    {
        var member = StructureNamed(cTypeName)?.Children.FirstOrDefault(c => c.Tag == "DW_TAG_member" && NameOf(c) == memberName);
        var pointer = member is null ? null : StripQualifiers(TypeOf(member));
        var function = pointer?.Tag == "DW_TAG_pointer_type" ? StripQualifiers(TypeOf(pointer)) : null;
        if (function?.Tag != "DW_TAG_subroutine_type")
        {
            return null;
        }
        return new DwarfSignature(
            Shape(TypeOf(function)),
            function.Children.Where(c => c.Tag == "DW_TAG_formal_parameter").Select(c => Shape(TypeOf(c))).ToArray(),
            function.Children.Any(c => c.Tag == "DW_TAG_unspecified_parameters"));
    }

    private Die? StructureNamed(string cTypeName)
    {
        var named = _dies.Values.Where(d => NameOf(d) == cTypeName).ToList();
        return named.Where(d => d.Tag == "DW_TAG_typedef").Concat(named.Where(d => d.Tag == "DW_TAG_structure_type"))
            .Select(ResolveStructure)
            .FirstOrDefault(s => s is not null);
    }

    /// <summary>The DIE a DW_AT_type refers to; null when absent (void).</summary>
    private Die? TypeOf(Die die) =>
        die.Attributes.TryGetValue("DW_AT_type", out var typeRef) && TypeReference().Match(typeRef) is { Success: true } target
        && _dies.TryGetValue(long.Parse(target.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture), out var next)
            ? next
            : null;

    private Die? StripQualifiers(Die? die)
    {
        for (var hops = 0; die is not null && hops < 16 && die.Tag is "DW_TAG_typedef" or "DW_TAG_const_type" or "DW_TAG_volatile_type"; hops++)
        {
            die = TypeOf(die);
        }
        return die;
    }

    private DwarfScalar Shape(Die? type)
    {
        type = StripQualifiers(type);
        switch (type?.Tag)
        {
            case null:
                return new DwarfScalar(ScalarKind.Void, 0, null);
            case "DW_TAG_pointer_type":
                return new DwarfScalar(ScalarKind.Pointer, ByteSize(type), null);
            case "DW_TAG_base_type":
                var encoding = type.Attributes.GetValueOrDefault("DW_AT_encoding", "");
                var signed = encoding.Contains("(signed", StringComparison.Ordinal);
                return new DwarfScalar(ScalarKind.Integer, ByteSize(type), encoding.Contains("float", StringComparison.Ordinal) ? null : signed);
            case "DW_TAG_enumeration_type":
                return new DwarfScalar(ScalarKind.Enum, ByteSize(type), null);
            default:
                return new DwarfScalar(ScalarKind.Other, ByteSize(type), null);
        }
    }

    private static long ByteSize(Die die) =>
        die.Attributes.TryGetValue("DW_AT_byte_size", out var raw) && TrailingNumber().Match(raw) is { Success: true } m
            ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)
            : 0;

    private Die? ResolveStructure(Die die) =>
        StripQualifiers(die) is { Tag: "DW_TAG_structure_type" } structure && !structure.Attributes.ContainsKey("DW_AT_declaration")
            ? structure
            : null;

    private static string? NameOf(Die die)
    {
        if (!die.Attributes.TryGetValue("DW_AT_name", out var raw))
        {
            return null;
        }
        // Forms look like "(string) name", "(strp) (offset: 0x1a): name" or "(indirect string, offset: 0x1a): name".
        var value = raw;
        if (value.StartsWith('('))
        {
            value = value[(value.IndexOf(')') + 1)..].TrimStart();
        }
        if (value.StartsWith('('))
        {
            value = value[(value.IndexOf(')') + 1)..];
        }
        return value.TrimStart(':', ' ').Trim();
    }

    private static long MemberOffset(Die member) =>
        member.Attributes.TryGetValue("DW_AT_data_member_location", out var raw) && TrailingNumber().Match(raw) is { Success: true } m
            ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)
            : 0; // union members and the first member may omit it

    [GeneratedRegex(@"^\s*<(\d+)><([0-9a-f]+)>:\s*Abbrev Number:\s*(\d+)(?:\s*\((DW_TAG_\w+)\))?")]
    private static partial Regex DieHeader();

    [GeneratedRegex(@"^\s*<[0-9a-f]+>\s+(DW_AT_\w+)\s*:(.*)$")]
    private static partial Regex AttributeLine();

    [GeneratedRegex(@"<0x([0-9a-f]+)>")]
    private static partial Regex TypeReference();

    [GeneratedRegex(@"(\d+)\)?\s*$")]
    private static partial Regex TrailingNumber();
}

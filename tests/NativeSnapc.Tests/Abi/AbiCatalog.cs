using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using NativeSnapc.Protocol;

namespace NativeSnapc.Tests.Abi;

/// <summary>A C# mirror struct of an Open MPI C type, as found by reflection.</summary>
internal sealed record MirrorStruct(Type Type, string CName, IReadOnlyList<MirrorField> Fields)
{
    public string DisplayName => Type.Name;
}

/// <summary>One instance field of a mirror struct; <see cref="CType"/> is its [NativeTypeName], if any.</summary>
internal sealed record MirrorField(FieldInfo Field, string? CType)
{
    public string Name => Field.Name;
    public Type FieldType => Field.FieldType;
}

/// <summary>A constant (const field or enum member) carrying [NativeName].</summary>
internal sealed record MirrorConstant(FieldInfo Field, string CName, object? Value)
{
    public string DisplayName => $"{Field.DeclaringType!.FullName}.{Field.Name}";
}

/// <summary>
/// Everything in the library assembly the ABI tests check: the structs of the NativeSnapc.Abi and
/// NativeSnapc.Protocol.Wire namespaces and
/// every field, anywhere in the assembly, that names a C constant.
/// </summary>
internal static class AbiCatalog
{
    public const string AbiNamespace = "NativeSnapc.Abi";

    /// <summary>The wire types shared with the command (src/Protocol): mirrors of Open MPI types too, checked alike.</summary>
    public const string ProtocolWireNamespace = "NativeSnapc.Protocol.Wire";

    public static Assembly LibraryAssembly { get; } = typeof(NativeTypeNameAttribute).Assembly;

    /// <summary>Top-level value types of the Abi and protocol wire namespaces that are not enums (compiler-generated fixed-buffer types are nested, so excluded).</summary>
    public static IReadOnlyList<Type> AbiStructTypes { get; } = LibraryAssembly.GetTypes()
        .Where(t => (t.Namespace == AbiNamespace || t.Namespace == ProtocolWireNamespace) && t.IsValueType && !t.IsEnum && !t.IsNested
                    && t.GetCustomAttribute<CompilerGeneratedAttribute>() is null)
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .ToArray();

    /// <summary>The Abi structs that carry [NativeTypeName] (the others fail a completeness test).</summary>
    public static IReadOnlyList<MirrorStruct> Mirrors { get; } = AbiStructTypes
        .Where(t => t.GetCustomAttribute<NativeTypeNameAttribute>() is not null)
        .Select(t => new MirrorStruct(t, t.GetCustomAttribute<NativeTypeNameAttribute>()!.Name, InstanceFields(t)))
        .ToArray();

    public static IReadOnlyList<MirrorConstant> Constants { get; } = LibraryAssembly.GetTypes()
        .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
        .Select(f => (Field: f, Attribute: f.GetCustomAttribute<NativeNameAttribute>()))
        .Where(x => x.Attribute is not null)
        .Select(x => new MirrorConstant(x.Field, x.Attribute!.Name, x.Field.IsLiteral ? x.Field.GetRawConstantValue() : x.Field.GetValue(null)))
        .OrderBy(c => c.DisplayName, StringComparer.Ordinal)
        .ToArray();

    public static MirrorStruct? MirrorOf(Type type) => Mirrors.FirstOrDefault(m => m.Type == type);

    /// <summary>Instance fields in declaration order (metadata order is what sequential layout follows).</summary>
    public static IReadOnlyList<MirrorField> InstanceFields(Type type) => type
        .GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
        .OrderBy(f => f.MetadataToken)
        .Select(f => new MirrorField(f, f.GetCustomAttribute<NativeTypeNameAttribute>()?.Name))
        .ToArray();
}

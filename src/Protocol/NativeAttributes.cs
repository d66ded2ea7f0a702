using System;

namespace NativeSnapc.Protocol;

/// <summary>
/// On a struct: the C type it mirrors, spelled as in the real Open MPI 4.1 headers (the layout tests
/// compile that name). On a field: the field's C declaration type, for the reader.
/// </summary>
[AttributeUsage(AttributeTargets.Struct | AttributeTargets.Field, Inherited = false)]
internal sealed class NativeTypeNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>The C macro or enumerator a constant mirrors; the constant tests compile that name.</summary>
[AttributeUsage(AttributeTargets.Field, Inherited = false)]
internal sealed class NativeNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

using System;

namespace NativeSnapc.Command.Interop;

/// <summary>The glibc macro a constant mirrors; the tests compile each name against the system headers.</summary>
[AttributeUsage(AttributeTargets.Field, Inherited = false)]
internal sealed class LibcNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

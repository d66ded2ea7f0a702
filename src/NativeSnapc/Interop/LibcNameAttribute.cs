using System;

namespace NativeSnapc.Interop;

/// <summary>
/// The glibc name a mirror stands for: on a constant, the macro (e.g. <c>SA_RESTART</c>); on a struct, the C
/// type (e.g. <c>struct sigaction</c>), whose members carry the C member names. The channel tests compile
/// every such name against the system headers and compare values, sizes and offsets.
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Struct, Inherited = false)]
internal sealed class LibcNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

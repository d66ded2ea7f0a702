using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using NativeSnapc.Tests.Support;
using NUnit.Framework;

namespace NativeSnapc.Tests.Abi;

/// <summary>
/// Checks the exactly-typed function-pointer slots against the real typedefs. The C compiler cannot list a
/// function type's parameters, so the test makes it type-check a call instead: in a function that is compiled
/// but never run, each slot is called with one non-constant argument of the C type every C# parameter stands
/// for (<see cref="CSpelling"/>). A real call, because GCC does not judge conversions inside sizeof/typeof.
/// Wrong arity, a pointer to the wrong struct or a callback of the wrong type is an error; -Wconversion and
/// -Wsign-conversion make narrowing and signedness changes errors too (a C# parameter narrower than the C one
/// is widened silently and cannot be caught this way). The return type is checked with
/// <c>__builtin_types_compatible_p</c> (size only for <c>byte</c>, which may stand for <c>bool</c>).
/// Slots typed <c>nint</c> are opaque on purpose and only checked for size and declared type.
/// The second test closes the widening gap: it compares parameter count, kind, width and signedness with the
/// function types in the compiler's debug information.
/// </summary>
[TestFixture]
public sealed class FunctionPointerSignatureTests
{
    [Test]
    public void Typed_slots_accept_the_arguments_their_CSharp_signature_passes()
    {
        var source = new StringBuilder(OpenMpiHeaders.Prelude(withProjectHeaders: false));
        source.AppendLine("#pragma GCC diagnostic error \"-Wconversion\"");
        source.AppendLine("#pragma GCC diagnostic error \"-Wsign-conversion\"");
        source.AppendLine("#pragma GCC diagnostic error \"-Wincompatible-pointer-types\"");
        source.AppendLine("#pragma GCC diagnostic error \"-Wint-conversion\"");
        // Arguments are read through this pointer: values the compiler cannot fold, so -Wconversion judges the types.
        source.AppendLine("extern void *nsnapc_any;");
        source.AppendLine("void nsnapc_signature_checks(void);");
        source.AppendLine("void nsnapc_signature_checks(void)");
        source.AppendLine("{");
        var slots = 0;
        foreach (var mirror in AbiCatalog.Mirrors)
        {
            foreach (var field in mirror.Fields.Where(f => f.FieldType.IsFunctionPointer))
            {
                slots++;
                var where = $"{mirror.DisplayName}.{field.Name}";
                var parameters = field.FieldType.GetFunctionPointerParameterTypes();
                var arguments = string.Join(", ", parameters.Select(p => $"(*(__typeof__({CSpelling.TypeName(p)}) *)nsnapc_any)"));
                var call = $"((({mirror.CName} *)nsnapc_any)->{field.Name}({arguments}))";
                var returnType = field.FieldType.GetFunctionPointerReturnType();
                var returnCheck = returnType == typeof(byte)
                    ? $"sizeof{call} == 1"
                    : $"__builtin_types_compatible_p(__typeof__{call}, {CSpelling.TypeName(returnType)})";
                source.AppendLine($"    {CSpelling.Comment(where)} (void){call};");
                source.AppendLine($"    _Static_assert({returnCheck}, {CSpelling.StringLiteral($"{where}: the C slot does not return {CSpelling.TypeName(returnType)}")});");
            }
        }
        source.AppendLine("}");

        var scratch = TestEnvironment.ScratchDir("abi-signatures");
        NativeToolchain.CompileC(scratch, "abi_signatures.o", source.ToString(), extraArguments: new[] { "-c" });
        TestContext.Out.WriteLine($"{slots} typed function-pointer slots type-checked against the real typedefs.");
        Assert.That(slots, Is.GreaterThan(0));
    }

    [Test]
    public void Typed_slots_pass_arguments_of_the_C_widths()
    {
        var dwarf = NativeLayoutProbe.Shared.Dwarf;
        var problems = new List<string>();
        var parameters = 0;
        foreach (var mirror in AbiCatalog.Mirrors)
        {
            foreach (var field in mirror.Fields.Where(f => f.FieldType.IsFunctionPointer))
            {
                var where = $"{mirror.DisplayName}.{field.Name}";
                var c = dwarf.FunctionPointerMember(mirror.CName, field.Name);
                if (c is null)
                {
                    problems.Add($"{where}: {mirror.CName}.{field.Name} is not a function pointer in the debug information");
                    continue;
                }
                var csParameters = field.FieldType.GetFunctionPointerParameterTypes();
                if (c.IsVariadic)
                {
                    problems.Add($"{where}: the C function is variadic; type the slot as nint");
                }
                if (csParameters.Length != c.Parameters.Count)
                {
                    problems.Add($"{where}: {csParameters.Length} parameter(s) in C#, {c.Parameters.Count} in C");
                    continue;
                }
                for (var i = 0; i < csParameters.Length; i++)
                {
                    parameters++;
                    if (ShapeMismatch(csParameters[i], c.Parameters[i]) is { } why)
                    {
                        problems.Add($"{where}: parameter {i + 1} is {csParameters[i].Name} in C#, {c.Parameters[i]} in C ({why})");
                    }
                }
                var csReturn = field.FieldType.GetFunctionPointerReturnType();
                if (ShapeMismatch(csReturn, c.Return) is { } returnWhy)
                {
                    problems.Add($"{where}: returns {csReturn.Name} in C#, {c.Return} in C ({returnWhy})");
                }
            }
        }
        TestContext.Out.WriteLine($"{parameters} parameters of typed function-pointer slots compared with the C function types.");
        Assert.That(problems, Is.Empty, () => string.Join("\n", problems));
    }

    /// <summary>Why a C# parameter type is not passed like the C one (SysV x86-64), or null if it is.</summary>
    private static string? ShapeMismatch(Type cs, DwarfScalar c)
    {
        if (cs == typeof(void))
        {
            return c.Kind == ScalarKind.Void ? null : "void vs value";
        }
        if (cs.IsPointer || cs.IsFunctionPointer)
        {
            return c.Kind == ScalarKind.Pointer ? null : "pointer vs non-pointer";
        }
        if (cs == typeof(nint) || cs == typeof(nuint))
        {
            return c.Kind == ScalarKind.Pointer || c.Kind == ScalarKind.Integer && c.Size == IntPtr.Size ? null : "pointer-sized vs other";
        }
        var size = ManagedLayout.SizeOf(cs);
        if (c.Kind is not (ScalarKind.Integer or ScalarKind.Enum))
        {
            return "integer vs non-integer";
        }
        if (c.Size != size)
        {
            return $"{size} vs {c.Size} bytes";
        }
        var csSigned = NativeLayoutProbe.IsSignedInteger(cs);
        return cs.IsEnum || c.Signed is null || c.Signed == csSigned ? null : "signedness differs";
    }
}

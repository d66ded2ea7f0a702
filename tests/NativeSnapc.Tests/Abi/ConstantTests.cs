using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using NativeSnapc.Tests.Support;
using NUnit.Framework;

namespace NativeSnapc.Tests.Abi;

/// <summary>
/// Every field of the library carrying [NativeName] (constants and enum members, in any namespace) against
/// the C definition of that name in the real Open MPI headers or the project's headers: integers with
/// <c>_Static_assert</c> (compared as mathematical values, so -1 and 0xffffffff differ), strings with strcmp
/// at run time. A name no header defines fails to compile, which fails the test: component-private values
/// (snapc_full.h is not installed) must not carry [NativeName].
/// </summary>
[TestFixture]
public sealed class ConstantTests
{
    [Test]
    public void Constants_equal_their_C_definitions()
    {
        var constants = AbiCatalog.Constants;
        var problems = new List<string>();
        var source = new StringBuilder(OpenMpiHeaders.Prelude(withProjectHeaders: true));
        source.AppendLine("#define NSNAPC_EQ_NEGATIVE(name, value) ((name) < 0 && (long long)(name) == (value))");
        source.AppendLine("#define NSNAPC_EQ_NONNEGATIVE(name, value) (!((name) < 0) && (unsigned long long)(name) == (value))");
        var strings = new List<MirrorConstant>();
        foreach (var constant in constants)
        {
            if (!CSpelling.IsIdentifier(constant.CName))
            {
                problems.Add($"{constant.DisplayName}: [NativeName(\"{constant.CName}\")] is not a C identifier");
                continue;
            }
            switch (constant.Value)
            {
                case string:
                    strings.Add(constant);
                    break;
                case null:
                    problems.Add($"{constant.DisplayName}: null value");
                    break;
                default:
                    if (IntegerLiteral(constant.Value) is not { } comparison)
                    {
                        problems.Add($"{constant.DisplayName}: unsupported constant type {constant.Value.GetType()}");
                        break;
                    }
                    var message = CSpelling.StringLiteral($"{constant.CName} != {Convert.ToString(constant.Value, CultureInfo.InvariantCulture)} ({constant.DisplayName})");
                    source.AppendLine($"_Static_assert({string.Format(CultureInfo.InvariantCulture, comparison, constant.CName)}, {message}); {CSpelling.Comment(constant.DisplayName)}");
                    break;
            }
        }
        source.AppendLine("int main(void)");
        source.AppendLine("{");
        foreach (var constant in strings)
        {
            source.AppendLine($"    {{ {CSpelling.Comment(constant.DisplayName)}");
            source.AppendLine($"        const char *actual = {constant.CName};");
            source.AppendLine($"        if (strcmp(actual, {CSpelling.StringLiteral((string)constant.Value!)}) != 0)");
            source.AppendLine($"            printf(\"MISMATCH\\t%s\\t%s\\n\", {CSpelling.StringLiteral(constant.DisplayName)}, actual);");
            source.AppendLine("    }");
        }
        source.AppendLine("    return 0;");
        source.AppendLine("}");
        Assert.That(problems, Is.Empty, () => string.Join("\n", problems));

        var scratch = TestEnvironment.ScratchDir("abi-constants");
        var output = NativeToolchain.CompileAndRun(scratch, "abi_constants", source.ToString());
        var mismatches = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => line.StartsWith("MISMATCH\t", StringComparison.Ordinal))
            .Select(line => line.Split('\t'))
            .Select(parts => $"{parts[1]}: C has \"{parts[2]}\"")
            .ToArray();

        TestContext.Out.WriteLine($"{constants.Count} constants checked against the C headers ({constants.Count - strings.Count} integer, {strings.Count} string).");
        Assert.That(mismatches, Is.Empty, () => "string constants differ from C:\n" + string.Join("\n", mismatches));
    }

    /// <summary>
    /// A C caller must be able to name every status code an export returns: each one the library defines has its
    /// NSNAPC_ spelling in include/native_snapc/opal.h, whose values the layout test checks against Open MPI's.
    /// </summary>
    [Test]
    public void Every_status_code_the_library_returns_is_in_the_public_header()
    {
        var header = System.IO.File.ReadAllText(System.IO.Path.Combine(TestEnvironment.IncludeDir, "native_snapc", "opal.h"));
        var codes = typeof(NativeSnapc.Protocol.Wire.OpalStatus)
            .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Select(f => f.GetCustomAttributes(typeof(NativeSnapc.Protocol.NativeNameAttribute), false).Cast<NativeSnapc.Protocol.NativeNameAttribute>().Single().Name)
            .ToList();
        Assert.That(codes, Has.Member("OPAL_ERR_NOT_INITIALIZED"));
        var missing = codes.Where(c => !header.Contains($" NSNAPC_{c} = ", StringComparison.Ordinal)
                                       || !header.Contains($" NSNAPC_{c.Replace("OPAL_", "ORTE_", StringComparison.Ordinal)} = ", StringComparison.Ordinal));
        Assert.That(missing, Is.Empty, "status codes without an NSNAPC_OPAL_/NSNAPC_ORTE_ spelling in opal.h");
    }

    /// <summary>A C expression format ({0} = the C name) that is true when the name has the value, or null.</summary>
    private static string? IntegerLiteral(object value)
    {
        if (value is Enum member)
        {
            value = Convert.ChangeType(member, Enum.GetUnderlyingType(member.GetType()), CultureInfo.InvariantCulture);
        }
        switch (value)
        {
            case bool b:
                return "NSNAPC_EQ_NONNEGATIVE({0}, " + (b ? "1ULL" : "0ULL") + ")";
            case ulong u:
                return $"NSNAPC_EQ_NONNEGATIVE({{0}}, {u}ULL)";
            case sbyte or byte or short or ushort or int or uint or long:
                var v = Convert.ToInt64(value, CultureInfo.InvariantCulture);
                return v switch
                {
                    long.MinValue => "NSNAPC_EQ_NEGATIVE({0}, (-9223372036854775807LL - 1))",
                    < 0 => $"NSNAPC_EQ_NEGATIVE({{0}}, (-{-v}LL))",
                    _ => $"NSNAPC_EQ_NONNEGATIVE({{0}}, {v}ULL)",
                };
            default:
                return null;
        }
    }
}

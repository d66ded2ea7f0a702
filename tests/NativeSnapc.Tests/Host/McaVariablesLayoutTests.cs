using System;
using System.Linq;
using System.Text;
using NativeSnapc.Host.OpenMpi;
using NativeSnapc.Tests.Support;
using NUnit.Framework;

namespace NativeSnapc.Tests.Host;

/// <summary>
/// What <see cref="McaVariables"/> assumes about opal/mca/base/mca_base_var.h, checked by compiling against the
/// real header: the offset of <c>mbv_type</c>, the type enumerators, the storage union and the three signatures.
/// </summary>
[TestFixture]
public sealed class McaVariablesLayoutTests
{
    private static readonly (McaVariables.VariableType Type, string CName)[] s_types =
    [
        (McaVariables.VariableType.Int, "MCA_BASE_VAR_TYPE_INT"),
        (McaVariables.VariableType.UnsignedInt, "MCA_BASE_VAR_TYPE_UNSIGNED_INT"),
        (McaVariables.VariableType.UnsignedLong, "MCA_BASE_VAR_TYPE_UNSIGNED_LONG"),
        (McaVariables.VariableType.UnsignedLongLong, "MCA_BASE_VAR_TYPE_UNSIGNED_LONG_LONG"),
        (McaVariables.VariableType.SizeT, "MCA_BASE_VAR_TYPE_SIZE_T"),
        (McaVariables.VariableType.String, "MCA_BASE_VAR_TYPE_STRING"),
        (McaVariables.VariableType.VersionString, "MCA_BASE_VAR_TYPE_VERSION_STRING"),
        (McaVariables.VariableType.Bool, "MCA_BASE_VAR_TYPE_BOOL"),
        (McaVariables.VariableType.Double, "MCA_BASE_VAR_TYPE_DOUBLE"),
        (McaVariables.VariableType.Long, "MCA_BASE_VAR_TYPE_LONG"),
        (McaVariables.VariableType.Int32, "MCA_BASE_VAR_TYPE_INT32_T"),
        (McaVariables.VariableType.UInt32, "MCA_BASE_VAR_TYPE_UINT32_T"),
        (McaVariables.VariableType.Int64, "MCA_BASE_VAR_TYPE_INT64_T"),
        (McaVariables.VariableType.UInt64, "MCA_BASE_VAR_TYPE_UINT64_T"),
    ];

    [Test]
    public void The_adapter_reads_mca_base_var_t_as_the_real_header_declares_it()
    {
        var source = new StringBuilder();
        source.AppendLine("#include \"opal_config.h\"");
        source.AppendLine("#include <stdbool.h>");
        source.AppendLine("#include <stddef.h>");
        source.AppendLine("#include <stdio.h>");
        source.AppendLine("#include \"opal/mca/base/mca_base_var.h\"");
        source.AppendLine("#define SAME(a, b) _Static_assert(__builtin_types_compatible_p(__typeof__(a), b), #a)");
        // The function-pointer types McaVariables casts the three symbols to.
        source.AppendLine("SAME(&mca_base_var_find, int (*)(const char *, const char *, const char *, const char *));");
        source.AppendLine("SAME(&mca_base_var_get, int (*)(int, const mca_base_var_t **));");
        source.AppendLine("SAME(&mca_base_var_get_value, int (*)(int, const void *, mca_base_var_source_t *, const char **));");
        source.AppendLine("_Static_assert(sizeof(mca_base_var_source_t) == 4 && sizeof(mca_base_var_type_t) == 4, \"enum sizes\");");
        // The storage union members McaVariables reads, all at offset 0, with the widths it assumes.
        source.AppendLine("#define AT0(m, size) _Static_assert(offsetof(mca_base_var_storage_t, m) == 0 && sizeof(((mca_base_var_storage_t *) 0)->m) == size, #m)");
        source.AppendLine("AT0(intval, 4); AT0(uintval, 4); AT0(int32tval, 4); AT0(uint32tval, 4); AT0(longval, 8); AT0(int64tval, 8);");
        source.AppendLine("AT0(ulval, 8); AT0(ullval, 8); AT0(sizetval, 8); AT0(uint64tval, 8); AT0(boolval, 1); AT0(lfval, 8); AT0(stringval, 8);");
        source.AppendLine("int main(void) {");
        source.AppendLine("    printf(\"mbv_type %zu\\n\", offsetof(mca_base_var_t, mbv_type));");
        foreach (var (_, cName) in s_types)
        {
            source.AppendLine($"    printf(\"{cName} %d\\n\", (int) {cName});");
        }
        source.AppendLine("    return 0;");
        source.AppendLine("}");

        var output = NativeToolchain.CompileAndRun(TestEnvironment.ScratchDir("mca-var-layout"), "mca_var_layout", source.ToString());
        var values = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .ToDictionary(parts => parts[0], parts => int.Parse(parts[1]));

        Assert.That(values["mbv_type"], Is.EqualTo(McaVariables.TypeOffset));
        Assert.Multiple(() =>
        {
            foreach (var (type, cName) in s_types)
            {
                Assert.That((int)type, Is.EqualTo(values[cName]), cName);
            }
        });
        Assert.That(s_types.Select(t => t.Type), Is.EquivalentTo(Enum.GetValues<McaVariables.VariableType>()));
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NativeSnapc.Protocol;
using NUnit.Framework;

namespace NativeSnapc.Tests.Abi;

/// <summary>
/// Meta-tests in the Tmds.LibC style: nothing in the Abi namespace escapes the layout tests, and the mirrors
/// the coordinator relies on exist.
/// </summary>
[TestFixture]
public sealed class AbiCompletenessTests
{
    /// <summary>The Open MPI types the coordinator reads, writes or implements.</summary>
    private static readonly string[] RequiredCTypes =
    {
        "opal_object_t", "opal_class_t", "opal_list_item_t",
        "opal_crs_base_ckpt_options_t", "opal_crs_base_snapshot_t", "opal_crs_base_module_t",
        "mca_base_component_t", "mca_base_component_data_t", "opal_crs_base_component_t",
        "orte_snapc_base_component_t", "orte_snapc_base_module_t", "orte_snapc_base_request_op_t",
        "opal_buffer_t", "orte_rml_recv_cb_t", "orte_proc_info_t", "opal_proc_t", "orte_process_name_t",
        "opal_dss_t", "orte_rml_base_API_t", "orte_sstore_base_module_t", "opal_pmix_base_module_t",
    };

    [Test]
    public void Every_Abi_struct_names_its_C_type_and_every_field_its_C_declaration()
    {
        var problems = new List<string>();
        foreach (var type in AbiCatalog.AbiStructTypes)
        {
            if (type.GetCustomAttribute<NativeTypeNameAttribute>() is null)
            {
                problems.Add($"{type.FullName}: no [NativeTypeName], so no layout test covers it");
            }
            if (type.StructLayoutAttribute?.Value != LayoutKind.Sequential)
            {
                problems.Add($"{type.FullName}: layout is {type.StructLayoutAttribute?.Value}, not Sequential");
            }
            foreach (var field in AbiCatalog.InstanceFields(type).Where(f => f.CType is null))
            {
                problems.Add($"{type.FullName}.{field.Name}: no [NativeTypeName] with its C declaration type");
            }
        }
        TestContext.Out.WriteLine($"{AbiCatalog.AbiStructTypes.Count} structs in {AbiCatalog.AbiNamespace} and {AbiCatalog.ProtocolWireNamespace}, {AbiCatalog.Mirrors.Count} with [NativeTypeName].");
        Assert.That(problems, Is.Empty, () => string.Join("\n", problems));
    }

    [Test]
    public void The_Open_MPI_types_the_coordinator_uses_are_mirrored()
    {
        var mirrored = AbiCatalog.Mirrors.Select(m => m.CName).ToHashSet(StringComparer.Ordinal);
        Assert.That(RequiredCTypes.Where(t => !mirrored.Contains(t)), Is.Empty, "C types without a mirror in " + AbiCatalog.AbiNamespace);
    }

    [Test]
    public void Function_pointers_are_unmanaged_cdecl()
    {
        var problems = new List<string>();
        var count = 0;
        foreach (var mirror in AbiCatalog.Mirrors)
        {
            foreach (var field in mirror.Fields)
            {
                var modified = field.Field.GetModifiedFieldType();
                while (modified.IsPointer)
                {
                    modified = modified.GetElementType()!;
                }
                if (modified.IsFunctionPointer)
                {
                    count++;
                    CheckCdecl(modified, $"{mirror.DisplayName}.{field.Name}", problems);
                }
            }
        }
        TestContext.Out.WriteLine($"{count} function-pointer fields checked for unmanaged[Cdecl].");
        Assert.That(problems, Is.Empty, () => string.Join("\n", problems));
    }

    private static void CheckCdecl(Type functionPointer, string where, List<string> problems)
    {
        if (!functionPointer.IsUnmanagedFunctionPointer)
        {
            problems.Add($"{where}: a managed function pointer; C calls it, so it must be delegate* unmanaged[Cdecl]");
        }
        else if (!functionPointer.GetFunctionPointerCallingConventions().Contains(typeof(CallConvCdecl)))
        {
            problems.Add($"{where}: calling convention is not [Cdecl]");
        }
        foreach (var parameter in functionPointer.GetFunctionPointerParameterTypes().Where(p => p.IsFunctionPointer))
        {
            CheckCdecl(parameter, where + " (callback parameter)", problems);
        }
    }
}

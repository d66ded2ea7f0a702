using System.Runtime.InteropServices;
using NativeSnapc.Protocol;

namespace NativeSnapc.Abi;

/// <summary>
/// <c>mca_base_component_t</c> (opal/mca/mca.h, version 2.1.0): the head of every component struct the MCA
/// loader finds with dlsym. The loader checks mca_major/minor_version and mca_type_name.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
[NativeTypeName("mca_base_component_t")]
internal unsafe struct McaBaseComponent
{
    [NativeTypeName("int")] public int mca_major_version;
    [NativeTypeName("int")] public int mca_minor_version;
    [NativeTypeName("int")] public int mca_release_version;

    [NativeTypeName("char[MCA_BASE_MAX_PROJECT_NAME_LEN + 1]")] public fixed byte mca_project_name[McaBase.MaxProjectNameLength + 1];
    [NativeTypeName("int")] public int mca_project_major_version;
    [NativeTypeName("int")] public int mca_project_minor_version;
    [NativeTypeName("int")] public int mca_project_release_version;

    [NativeTypeName("char[MCA_BASE_MAX_TYPE_NAME_LEN + 1]")] public fixed byte mca_type_name[McaBase.MaxTypeNameLength + 1];
    [NativeTypeName("int")] public int mca_type_major_version;
    [NativeTypeName("int")] public int mca_type_minor_version;
    [NativeTypeName("int")] public int mca_type_release_version;

    [NativeTypeName("char[MCA_BASE_MAX_COMPONENT_NAME_LEN + 1]")] public fixed byte mca_component_name[McaBase.MaxComponentNameLength + 1];
    [NativeTypeName("int")] public int mca_component_major_version;
    [NativeTypeName("int")] public int mca_component_minor_version;
    [NativeTypeName("int")] public int mca_component_release_version;

    [NativeTypeName("mca_base_open_component_1_0_0_fn_t")] public delegate* unmanaged[Cdecl]<int> mca_open_component;
    [NativeTypeName("mca_base_close_component_1_0_0_fn_t")] public delegate* unmanaged[Cdecl]<int> mca_close_component;

    /// <summary>(mca_base_module_t **module, int *priority).</summary>
    [NativeTypeName("mca_base_query_component_2_0_0_fn_t")]
    public delegate* unmanaged[Cdecl]<McaBaseModule**, int*, int> mca_query_component;

    [NativeTypeName("mca_base_register_component_params_2_0_0_fn_t")] public delegate* unmanaged[Cdecl]<int> mca_register_component_params;

    [NativeTypeName("int32_t")] public int mca_component_flags;
    [NativeTypeName("char[28]")] public fixed byte reserved[28];
}

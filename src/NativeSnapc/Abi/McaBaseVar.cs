using NativeSnapc.Protocol;

namespace NativeSnapc.Abi;

/// <summary>
/// Arguments of <c>mca_base_component_var_register</c> (opal/mca/base/mca_base_var.h): variable types, flags,
/// scopes and the info level the components register their parameters with.
/// </summary>
internal static class McaBaseVar
{
    // mca_base_var_type_t
    [NativeName("MCA_BASE_VAR_TYPE_INT")] public const int TypeInt = 0;
    [NativeName("MCA_BASE_VAR_TYPE_STRING")] public const int TypeString = 5;
    [NativeName("MCA_BASE_VAR_TYPE_BOOL")] public const int TypeBool = 7;

    // mca_base_var_flag_t
    [NativeName("MCA_BASE_VAR_FLAG_SETTABLE")] public const int FlagSettable = 0x0004;

    // mca_base_var_scope_t
    [NativeName("MCA_BASE_VAR_SCOPE_READONLY")] public const int ScopeReadonly = 1;
    [NativeName("MCA_BASE_VAR_SCOPE_LOCAL")] public const int ScopeLocal = 2;
    [NativeName("MCA_BASE_VAR_SCOPE_ALL_EQ")] public const int ScopeAllEq = 6;

    // mca_base_var_info_lvl_t
    [NativeName("OPAL_INFO_LVL_9")] public const int InfoLevel9 = 8;
}

using NativeSnapc.Protocol;

namespace NativeSnapc.Abi;

/// <summary>MCA component-structure constants (opal/mca/mca.h).</summary>
internal static class McaBase
{
    // The loader accepts a component only with this major.minor (mca_base_component_repository.c).
    [NativeName("MCA_BASE_VERSION_MAJOR")] public const int VersionMajor = 2;
    [NativeName("MCA_BASE_VERSION_MINOR")] public const int VersionMinor = 1;
    [NativeName("MCA_BASE_VERSION_RELEASE")] public const int VersionRelease = 0;

    // The name arrays of mca_base_component_t hold one more byte, for the NUL.
    [NativeName("MCA_BASE_MAX_PROJECT_NAME_LEN")] public const int MaxProjectNameLength = 15;
    [NativeName("MCA_BASE_MAX_TYPE_NAME_LEN")] public const int MaxTypeNameLength = 31;
    [NativeName("MCA_BASE_MAX_COMPONENT_NAME_LEN")] public const int MaxComponentNameLength = 63;
}

/// <summary><c>mca_base_component_data_t.param_field</c> flags, MCA_BASE_METADATA_PARAM_* (uint32, opal/mca/mca.h).</summary>
internal static class McaMetadataParam
{
    [NativeName("MCA_BASE_METADATA_PARAM_NONE")] public const uint None = 0x00;
    [NativeName("MCA_BASE_METADATA_PARAM_CHECKPOINT")] public const uint Checkpoint = 0x02;
    [NativeName("MCA_BASE_METADATA_PARAM_DEBUG")] public const uint Debug = 0x04;
}

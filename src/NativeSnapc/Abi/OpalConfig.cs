using NativeSnapc.Protocol;

namespace NativeSnapc.Abi;

/// <summary>
/// Configure-time facts of the Open MPI build the layouts follow (opal_config.h, opal/version.h,
/// orte/version.h). The build switches are mirrored so that a test fails if the headers are not a release
/// build: every struct layout here assumes them.
/// </summary>
internal static class OpalConfig
{
    [NativeName("OPAL_ENABLE_DEBUG")] public const int EnableDebug = 0;
    [NativeName("OPAL_ENABLE_CRDEBUG")] public const int EnableCrDebug = 0;
    [NativeName("OPAL_ENABLE_FT_CR")] public const int EnableFtCr = 0;

    [NativeName("OPAL_MAJOR_VERSION")] public const int OpalMajorVersion = 4;
    [NativeName("OPAL_MINOR_VERSION")] public const int OpalMinorVersion = 1;
    [NativeName("ORTE_MAJOR_VERSION")] public const int OrteMajorVersion = 4;
    [NativeName("ORTE_MINOR_VERSION")] public const int OrteMinorVersion = 1;

    /// <summary>Row length of <c>orte_snapc_base_request_op_t.mig_host_pref</c>.</summary>
    [NativeName("OPAL_MAX_PROCESSOR_NAME")] public const int MaxProcessorName = 256;
}

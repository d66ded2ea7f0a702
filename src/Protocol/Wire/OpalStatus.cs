namespace NativeSnapc.Protocol.Wire;

/// <summary>Open MPI 4.1 status codes (opal/include/opal/constants.h; ORTE_* share the values).</summary>
internal static class OpalStatus
{
    [NativeName("OPAL_SUCCESS")] public const int Success = 0;
    [NativeName("OPAL_ERROR")] public const int Error = -1;
    [NativeName("OPAL_ERR_OUT_OF_RESOURCE")] public const int OutOfResource = -2;
    [NativeName("OPAL_ERR_RESOURCE_BUSY")] public const int ResourceBusy = -4;
    [NativeName("OPAL_ERR_BAD_PARAM")] public const int BadParam = -5;
    [NativeName("OPAL_ERR_NOT_IMPLEMENTED")] public const int NotImplemented = -7;
    [NativeName("OPAL_ERR_NOT_SUPPORTED")] public const int NotSupported = -8;
    [NativeName("OPAL_ERR_TIMEOUT")] public const int Timeout = -15;
    [NativeName("OPAL_ERR_UNREACH")] public const int Unreach = -12;
    [NativeName("OPAL_ERR_NOT_FOUND")] public const int NotFound = -13;
    [NativeName("OPAL_EXISTS")] public const int Exists = -14;
    [NativeName("OPAL_ERR_PACK_MISMATCH")] public const int PackMismatch = -22;
    [NativeName("OPAL_ERR_PACK_FAILURE")] public const int PackFailure = -23;
    [NativeName("OPAL_ERR_UNPACK_FAILURE")] public const int UnpackFailure = -24;
    [NativeName("OPAL_ERR_UNPACK_INADEQUATE_SPACE")] public const int UnpackInadequateSpace = -25;
    [NativeName("OPAL_ERR_UNPACK_READ_PAST_END_OF_BUFFER")] public const int UnpackReadPastEndOfBuffer = -26;
    [NativeName("OPAL_ERR_TYPE_MISMATCH")] public const int TypeMismatch = -27;
    [NativeName("OPAL_ERR_UNKNOWN_DATA_TYPE")] public const int UnknownDataType = -29;
    [NativeName("OPAL_ERR_BUFFER")] public const int Buffer = -30;
    [NativeName("OPAL_ERR_FILE_OPEN_FAILURE")] public const int FileOpenFailure = -21;
    [NativeName("OPAL_ERR_SILENT")] public const int Silent = -43;
    [NativeName("OPAL_ERR_NOT_INITIALIZED")] public const int NotInitialized = -44;
    [NativeName("OPAL_ERR_CONNECTION_FAILED")] public const int ConnectionFailed = -49;
    [NativeName("ORTE_ERR_ADDRESSEE_UNKNOWN")] public const int AddresseeUnknown = -116;
}

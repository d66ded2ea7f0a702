namespace NativeSnapc.Protocol.Wire;

/// <summary>
/// DSS type identifiers (<c>opal_data_type_t</c>, one byte; opal/dss/dss_types.h, orte/util/... ).
/// The ORTE and snapc aliases are listed with the OPAL type they are defined as.
/// </summary>
internal static class OpalDataType
{
    [NativeName("OPAL_UNDEF")] public const byte Undef = 0;
    [NativeName("OPAL_BYTE")] public const byte Byte = 1;
    [NativeName("OPAL_BOOL")] public const byte Bool = 2;
    [NativeName("OPAL_STRING")] public const byte String = 3;
    [NativeName("OPAL_SIZE")] public const byte Size = 4;
    [NativeName("OPAL_PID")] public const byte Pid = 5;
    [NativeName("OPAL_INT")] public const byte Int = 6;
    [NativeName("OPAL_INT8")] public const byte Int8 = 7;
    [NativeName("OPAL_INT16")] public const byte Int16 = 8;
    [NativeName("OPAL_INT32")] public const byte Int32 = 9;
    [NativeName("OPAL_INT64")] public const byte Int64 = 10;
    [NativeName("OPAL_UINT")] public const byte UInt = 11;
    [NativeName("OPAL_UINT8")] public const byte UInt8 = 12;
    [NativeName("OPAL_UINT16")] public const byte UInt16 = 13;
    [NativeName("OPAL_UINT32")] public const byte UInt32 = 14;
    [NativeName("OPAL_UINT64")] public const byte UInt64 = 15;
    [NativeName("OPAL_DATA_TYPE")] public const byte DataType = 21;
    [NativeName("OPAL_NULL")] public const byte Null = 22;
    [NativeName("OPAL_NAME")] public const byte Name = 29;
    [NativeName("OPAL_JOBID")] public const byte JobId = 30;
    [NativeName("OPAL_VPID")] public const byte Vpid = 31;

    // What the "system" types are packed as on this platform (LP64, 4-byte int and pid_t, 1-byte bool).
    [NativeName("DSS_TYPE_INT")] public const byte SystemInt = Int32;
    [NativeName("DSS_TYPE_PID_T")] public const byte SystemPid = UInt32;
    [NativeName("DSS_TYPE_BOOL")] public const byte SystemBool = UInt8;
    [NativeName("DSS_TYPE_SIZE_T")] public const byte SystemSize = UInt64;

    // Aliases the component packs with.
    [NativeName("ORTE_NAME")] public const byte OrteName = Name;
    [NativeName("ORTE_JOBID")] public const byte OrteJobId = JobId;
    [NativeName("ORTE_VPID")] public const byte OrteVpid = Vpid;
    [NativeName("ORTE_SNAPC_CMD")] public const byte SnapcCmd = UInt8;
    [NativeName("ORTE_SSTORE_HANDLE")] public const byte SstoreHandle = UInt32;
}

/// <summary><c>opal_dss_buffer_type_t</c>: whether every item carries its type.</summary>
internal enum DssBufferType
{
    [NativeName("OPAL_DSS_BUFFER_NON_DESC")] NonDescribed = 0,
    [NativeName("OPAL_DSS_BUFFER_FULLY_DESC")] FullyDescribed = 1,
}

using NativeSnapc.Protocol;

namespace NativeSnapc.Abi;

/// <summary><c>orte_sstore_base_key_t</c> values, SSTORE_METADATA_* (uint32, orte/mca/sstore/sstore.h).</summary>
internal static class SstoreKey
{
    [NativeName("SSTORE_METADATA_LOCAL_CRS_COMP")] public const uint LocalCrsComp = 0;
    [NativeName("SSTORE_METADATA_LOCAL_COMPRESS_COMP")] public const uint LocalCompressComp = 1;
    [NativeName("SSTORE_METADATA_LOCAL_COMPRESS_POSTFIX")] public const uint LocalCompressPostfix = 2;
    [NativeName("SSTORE_METADATA_LOCAL_PID")] public const uint LocalPid = 3;
    [NativeName("SSTORE_METADATA_LOCAL_CONTEXT")] public const uint LocalContext = 4;
    [NativeName("SSTORE_METADATA_LOCAL_MKDIR")] public const uint LocalMkdir = 5;
    [NativeName("SSTORE_METADATA_LOCAL_TOUCH")] public const uint LocalTouch = 6;
    [NativeName("SSTORE_METADATA_LOCAL_SNAP_REF")] public const uint LocalSnapRef = 7;
    [NativeName("SSTORE_METADATA_LOCAL_SNAP_REF_FMT")] public const uint LocalSnapRefFmt = 8;
    [NativeName("SSTORE_METADATA_LOCAL_SNAP_LOC")] public const uint LocalSnapLoc = 9;
    [NativeName("SSTORE_METADATA_LOCAL_SNAP_REF_LOC_FMT")] public const uint LocalSnapRefLocFmt = 10;
    [NativeName("SSTORE_METADATA_LOCAL_SNAP_META")] public const uint LocalSnapMeta = 11;
    [NativeName("SSTORE_METADATA_GLOBAL_SNAP_REF")] public const uint GlobalSnapRef = 12;
    [NativeName("SSTORE_METADATA_GLOBAL_SNAP_LOC")] public const uint GlobalSnapLoc = 13;
    [NativeName("SSTORE_METADATA_GLOBAL_SNAP_LOC_ABS")] public const uint GlobalSnapLocAbs = 14;
    [NativeName("SSTORE_METADATA_GLOBAL_SNAP_META")] public const uint GlobalSnapMeta = 15;
    [NativeName("SSTORE_METADATA_GLOBAL_SNAP_SEQ")] public const uint GlobalSnapSeq = 16;
    [NativeName("SSTORE_METADATA_GLOBAL_AMCA_PARAM")] public const uint GlobalAmcaParam = 17;
    [NativeName("SSTORE_METADATA_GLOBAL_SNAP_NUM_SEQ")] public const uint GlobalSnapNumSeq = 18;
    [NativeName("SSTORE_METADATA_GLOBAL_SNAP_ALL_SEQ")] public const uint GlobalSnapAllSeq = 19;
    [NativeName("SSTORE_METADATA_BASE_LOC")] public const uint BaseLoc = 20;
    [NativeName("SSTORE_METADATA_LOCAL_SKIP_CKPT")] public const uint LocalSkipCkpt = 21;
    [NativeName("SSTORE_METADATA_GLOBAL_MIGRATING")] public const uint GlobalMigrating = 22;
    [NativeName("SSTORE_METADATA_GLOBAL_TUNE_PARAM")] public const uint GlobalTuneParam = 23;
    [NativeName("SSTORE_METADATA_MAX")] public const uint Max = 24;
}

/// <summary><c>orte_sstore_base_handle_t</c> values (uint32, orte/mca/sstore/sstore.h).</summary>
internal static class SstoreHandle
{
    [NativeName("ORTE_SSTORE_HANDLE_INVALID")] public const uint Invalid = 0;
}

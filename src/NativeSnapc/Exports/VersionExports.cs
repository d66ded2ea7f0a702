using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Exports;

internal static unsafe class VersionExports
{
    /// <summary><c>int native_snapc_query_version(uint32_t *major, uint32_t *minor, uint32_t *patch)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "native_snapc_query_version", CallConvs = [typeof(CallConvCdecl)])]
    private static int QueryVersion(uint* major, uint* minor, uint* patch)
    {
        try
        {
            if (major is null || minor is null || patch is null)
            {
                return OpalStatus.BadParam;
            }
            *major = LibraryVersion.Major;
            *minor = LibraryVersion.Minor;
            *patch = LibraryVersion.Patch;
            return OpalStatus.Success;
        }
        catch (Exception e)
        {
            return ExportGuard.Fail("native_snapc_query_version", e);
        }
    }
}

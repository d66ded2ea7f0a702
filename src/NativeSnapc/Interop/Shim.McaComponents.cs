using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

/// <summary>
/// Addresses of the C data of src/shim/mca_components.c: the two component structs, their module tables and
/// orte_snapc_full_skip_app. Only in the NativeAOT library (the C file references the managed exports).
/// </summary>
internal static unsafe partial class Shim
{
    [LibraryImport("native_snapc_shim", EntryPoint = "native_snapc_shim_crs_self_component")]
    public static partial void* CrsSelfComponent();

    [LibraryImport("native_snapc_shim", EntryPoint = "native_snapc_shim_crs_self_module")]
    public static partial void* CrsSelfModule();

    [LibraryImport("native_snapc_shim", EntryPoint = "native_snapc_shim_snapc_full_component")]
    public static partial void* SnapcFullComponent();

    [LibraryImport("native_snapc_shim", EntryPoint = "native_snapc_shim_snapc_full_module")]
    public static partial void* SnapcFullModule();

    [LibraryImport("native_snapc_shim", EntryPoint = "native_snapc_shim_snapc_full_skip_app")]
    public static partial byte* SnapcFullSkipApp();
}

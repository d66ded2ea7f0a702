using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static partial class Libc
{
    /// <summary><c>uid_t geteuid(void)</c>: the user files this process makes belong to.</summary>
    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEUid();
}

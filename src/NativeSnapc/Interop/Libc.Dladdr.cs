using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static unsafe partial class Libc
{
    [StructLayout(LayoutKind.Sequential)]
    [LibcName("Dl_info")]
    public struct DlInfo
    {
        public byte* dli_fname;
        public nint dli_fbase;
        public byte* dli_sname;
        public nint dli_saddr;
    }

    [LibraryImport("libc", EntryPoint = "dladdr")]
    private static partial int DladdrRaw(nint address, DlInfo* info);

    /// <summary><c>dladdr(3)</c>: the path of the loaded object that contains <paramref name="address"/>, or null.</summary>
    public static string? PathOfLoadedObject(nint address)
    {
        DlInfo info;
        return DladdrRaw(address, &info) != 0 && info.dli_fname != null ? Marshal.PtrToStringUTF8((nint)info.dli_fname) : null;
    }
}

using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static unsafe partial class Libc
{
    // <dlfcn.h> flags (glibc values).
    /// <summary><c>RTLD_LAZY</c>.</summary>
    [LibcName("RTLD_LAZY")] public const int RTLD_LAZY = 0x0001;

    /// <summary><c>RTLD_NOW</c>: every symbol resolved at load.</summary>
    [LibcName("RTLD_NOW")] public const int RTLD_NOW = 0x0002;

    /// <summary><c>RTLD_NOLOAD</c>: a handle only if the object is already loaded; it is never loaded.</summary>
    [LibcName("RTLD_NOLOAD")] public const int RTLD_NOLOAD = 0x0004;

    /// <summary><c>RTLD_GLOBAL</c>: the object's symbols resolve the objects loaded after it.</summary>
    [LibcName("RTLD_GLOBAL")] public const int RTLD_GLOBAL = 0x0100;

    /// <summary><c>void *dlopen(const char *filename, int flags)</c>: a handle to release with dlclose, or NULL.</summary>
    [LibraryImport("libc", EntryPoint = "dlopen")]
    public static partial nint Dlopen(byte* filename, int flags);
}

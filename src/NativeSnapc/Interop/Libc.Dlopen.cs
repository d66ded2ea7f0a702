using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

internal static unsafe partial class Libc
{
    // <dlfcn.h> flags (glibc values).
    /// <summary><c>RTLD_LAZY</c>.</summary>
    public const int RTLD_LAZY = 0x0001;

    /// <summary><c>RTLD_NOLOAD</c>: a handle only if the object is already loaded; it is never loaded.</summary>
    public const int RTLD_NOLOAD = 0x0004;

    /// <summary><c>void *dlopen(const char *filename, int flags)</c>: a handle to release with dlclose, or NULL.</summary>
    [LibraryImport("libc", EntryPoint = "dlopen")]
    public static partial nint Dlopen(byte* filename, int flags);
}

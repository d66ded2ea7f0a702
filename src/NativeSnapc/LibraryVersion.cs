using NativeSnapc.Protocol;

namespace NativeSnapc;

/// <summary>The library version; equal to NATIVE_SNAPC_VERSION_* in include/native_snapc/version.h (checked by tests).</summary>
internal static class LibraryVersion
{
    [Protocol.NativeName("NATIVE_SNAPC_VERSION_MAJOR")] public const uint Major = 0;
    [Protocol.NativeName("NATIVE_SNAPC_VERSION_MINOR")] public const uint Minor = 1;
    [Protocol.NativeName("NATIVE_SNAPC_VERSION_PATCH")] public const uint Patch = 0;
}

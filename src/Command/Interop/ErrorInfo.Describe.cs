using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

/// <summary>
/// The command's errno text. ErrorInfo itself is the library's (src/NativeSnapc/Interop/ErrorInfo.cs, compiled in);
/// the library describes errno through Mono.Posix, which the command does not carry, so the command asks .NET's own
/// strerror_r (the same glibc text).
/// </summary>
internal readonly partial struct ErrorInfo
{
    public static string Describe(int errno) => errno == 0 ? "Success" : Marshal.GetPInvokeErrorMessage(errno);
}

using System;
using Mono.Unix;
using Mono.Unix.Native;

namespace NativeSnapc.Interop;

/// <summary>
/// The library's errno text: thread-safe strerror_r through Mono.Posix, which the library carries anyway. The command
/// compiles ErrorInfo.cs in but not this file (it has no Mono.Posix); src/Command/Interop/ErrorInfo.Describe.cs is its.
/// </summary>
internal readonly partial struct ErrorInfo
{
    public static string Describe(int errno)
    {
        if (errno == 0)
        {
            return "Success";
        }
        try
        {
            return UnixMarshal.GetErrorDescription(NativeConvert.ToErrno(errno));
        }
        catch (Exception)
        {
            // An errno Mono has no name for: the number still says everything.
            return $"Unknown error {errno}";
        }
    }
}

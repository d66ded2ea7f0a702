using System;
using System.Runtime.InteropServices;
using Mono.Unix;
using Mono.Unix.Native;

namespace NativeSnapc.Interop;

/// <summary>
/// errno carried as data (dotnet/runtime's Interop.ErrorInfo): the raw value, and its text on demand.
/// <c>default</c> means success. Every wrapper in <see cref="Libc"/> returns one instead of throwing.
/// </summary>
internal readonly struct ErrorInfo : IEquatable<ErrorInfo>
{
    public ErrorInfo(int rawErrno) => RawErrno = rawErrno;

    /// <summary>The errno value as the kernel reported it (Linux numbering).</summary>
    public int RawErrno { get; }

    public bool IsError => RawErrno != 0;

    /// <summary>
    /// The errno the last P/Invoke with SetLastError left on this thread. Both our libc imports and
    /// Mono.Posix's Syscall imports are declared SetLastError, and Mono's value conversions after a call
    /// are not, so this is the system call's own errno.
    /// </summary>
    public static ErrorInfo Last() => new(Marshal.GetLastPInvokeError());

    /// <summary>strerror text (thread-safe strerror_r through Mono.Posix).</summary>
    public string Message => Describe(RawErrno);

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

    public bool Equals(ErrorInfo other) => RawErrno == other.RawErrno;

    public override bool Equals(object? obj) => obj is ErrorInfo other && Equals(other);

    public override int GetHashCode() => RawErrno;

    public static bool operator ==(ErrorInfo left, ErrorInfo right) => left.Equals(right);

    public static bool operator !=(ErrorInfo left, ErrorInfo right) => !left.Equals(right);

    public override string ToString() => IsError ? $"{Message} (errno {RawErrno})" : "Success";
}

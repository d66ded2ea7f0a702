using System;
using System.Runtime.InteropServices;

namespace NativeSnapc.Interop;

/// <summary>
/// errno carried as data (dotnet/runtime's Interop.ErrorInfo): the raw value, and its text on demand.
/// <c>default</c> means success. Every wrapper in <see cref="Libc"/> returns one instead of throwing.
/// </summary>
internal readonly partial struct ErrorInfo : IEquatable<ErrorInfo>
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

    /// <summary>strerror text (<see cref="Describe"/>, in ErrorInfo.Describe.cs: each assembly brings its own).</summary>
    public string Message => Describe(RawErrno);

    public bool Equals(ErrorInfo other) => RawErrno == other.RawErrno;

    public override bool Equals(object? obj) => obj is ErrorInfo other && Equals(other);

    public override int GetHashCode() => RawErrno;

    public static bool operator ==(ErrorInfo left, ErrorInfo right) => left.Equals(right);

    public static bool operator !=(ErrorInfo left, ErrorInfo right) => !left.Equals(right);

    public override string ToString() => IsError ? $"{Message} (errno {RawErrno})" : "Success";
}

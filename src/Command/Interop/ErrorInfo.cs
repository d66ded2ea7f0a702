using System;
using System.Runtime.InteropServices;

namespace NativeSnapc.Command.Interop;

/// <summary>errno carried as data (dotnet/runtime's Interop.ErrorInfo); <c>default</c> means success.</summary>
internal readonly record struct ErrorInfo(int RawErrno)
{
    public bool IsError => RawErrno != 0;

    /// <summary>The errno the last SetLastError P/Invoke left on this thread.</summary>
    public static ErrorInfo Last() => new(Marshal.GetLastPInvokeError());

    public string Message => RawErrno == 0 ? "Success" : Marshal.GetPInvokeErrorMessage(RawErrno);

    public override string ToString() => IsError ? $"{Message} (errno {RawErrno})" : "Success";
}

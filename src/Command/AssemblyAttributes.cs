using System.Runtime.Versioning;

// The command speaks Linux only: FIFOs, signals, Unix sockets, x86-64 glibc layouts.
[assembly: SupportedOSPlatform("linux")]

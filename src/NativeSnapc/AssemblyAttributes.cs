using System.Runtime.CompilerServices;

// The C boundary is blittable-only: no marshalling stubs, no delegates (docs/abi.md#the-c-boundary).
[assembly: DisableRuntimeMarshalling]

// The library is a Linux shared library (NativeAOT, linux-x64): platform-specific APIs need no per-call guards.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

using System.Runtime.CompilerServices;

// The C boundary is blittable-only: no marshalling stubs, no delegates (docs/abi.md#the-c-boundary).
[assembly: DisableRuntimeMarshalling]

using System.Runtime.CompilerServices;

// The C boundary is blittable-only: no marshalling stubs, no delegates (spec/INTEROP.md lesson 1).
[assembly: DisableRuntimeMarshalling]

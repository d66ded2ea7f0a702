using System.Runtime.InteropServices;
using NativeSnapc.Protocol;

namespace NativeSnapc.Abi;

/// <summary>
/// <c>native_snapc_mpi_t</c> (include/native_snapc/runtime.h, version 1): the MPI calls and handles the profiling
/// layer (libnative_snapc_mpi.so) hands the runtime. MPI handles are Open MPI's pointers.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
[NativeTypeName("native_snapc_mpi_t")]
internal unsafe struct NativeSnapcMpi
{
    [NativeTypeName("size_t")] public nuint size;
    [NativeTypeName("int")] public int version;
    [NativeTypeName("int")] public int thread_level;
    [NativeTypeName("volatile int *")] public int* test_points_armed;

    [NativeTypeName("void *")] public void* comm_world;
    [NativeTypeName("void *")] public void* type_int;
    [NativeTypeName("void *")] public void* type_char;
    [NativeTypeName("void *")] public void* op_max;
    [NativeTypeName("void *")] public void* op_min;
    [NativeTypeName("void *")] public void* request_null;

    [NativeTypeName("native_snapc_mpi_comm_rank_fn")] public delegate* unmanaged[Cdecl]<void*, int*, int> comm_rank;
    [NativeTypeName("native_snapc_mpi_comm_size_fn")] public delegate* unmanaged[Cdecl]<void*, int*, int> comm_size;
    [NativeTypeName("native_snapc_mpi_barrier_fn")] public delegate* unmanaged[Cdecl]<void*, int> barrier;
    [NativeTypeName("native_snapc_mpi_bcast_fn")] public delegate* unmanaged[Cdecl]<void*, int, void*, int, void*, int> bcast;
    [NativeTypeName("native_snapc_mpi_ibcast_fn")] public delegate* unmanaged[Cdecl]<void*, int, void*, int, void*, void**, int> ibcast;
    [NativeTypeName("native_snapc_mpi_test_fn")] public delegate* unmanaged[Cdecl]<void**, int*, int> test;
    [NativeTypeName("native_snapc_mpi_allreduce_fn")] public delegate* unmanaged[Cdecl]<void*, void*, int, void*, void*, void*, int> allreduce;
    [NativeTypeName("native_snapc_mpi_gather_fn")] public delegate* unmanaged[Cdecl]<void*, int, void*, void*, int, void*, int, void*, int> gather;
    [NativeTypeName("native_snapc_mpi_info_get_fn")] public delegate* unmanaged[Cdecl]<void*, byte*, int, byte*, int*, int> info_get;
    [NativeTypeName("void *")] public void* info_null;

    [NativeName("NSNAPC_RUNTIME_MPI_VERSION")] public const int Version = 1;
}

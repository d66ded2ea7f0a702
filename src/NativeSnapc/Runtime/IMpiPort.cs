using System;

namespace NativeSnapc.Runtime;

/// <summary>
/// The MPI calls the runtime makes (through PMPI_, so they never meet a test point), bound to the table the MPI
/// profiling layer hands over (include/native_snapc/runtime.h). Communicators are Open MPI's handles, opaque here.
/// Status codes are MPI's (0 = MPI_SUCCESS).
/// </summary>
internal interface IMpiPort
{
    nint World { get; }

    /// <summary>What MPI_Init_thread provided.</summary>
    int ThreadLevel { get; }

    int Rank(nint comm, out int rank);

    int Size(nint comm, out int size);

    int Barrier(nint comm);

    /// <summary>MPI_Allreduce of one int with MPI_MAX (<paramref name="maximum"/> true) or MPI_MIN.</summary>
    int AllreduceInt(int value, bool maximum, nint comm, out int result);

    /// <summary>MPI_Gather of <paramref name="send"/> (the same length on every rank) to <paramref name="root"/> as bytes.</summary>
    int GatherBytes(byte[] send, byte[]? receive, int root, nint comm);

    /// <summary>Starts an MPI_Ibcast of <paramref name="length"/> bytes from <paramref name="root"/>.</summary>
    IPendingBroadcast StartBroadcast(byte[] data, int root, nint comm);

    /// <summary>MPI_Info_get of <paramref name="key"/> from <c>*info</c> (a pointer to the handle, as the C/R API takes it; NULL or MPI_INFO_NULL: none).</summary>
    string? InfoGet(nint infoPointer, string key);

    /// <summary>Whether test points on MPI calls take checkpoints (the profiling layer's flag).</summary>
    void ArmTestPoints(bool armed);
}

/// <summary>An MPI_Ibcast in flight; its buffer stays pinned until it completes.</summary>
internal interface IPendingBroadcast : IDisposable
{
    /// <summary>MPI_Test: true once complete (then <see cref="Data"/> holds the root's bytes); false while in flight.</summary>
    bool Test(out int status);

    byte[] Data { get; }
}

using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Threading;
using NativeSnapc.Abi;
using NativeSnapc.Runtime;

namespace NativeSnapc.Host.Mpi;

/// <summary>
/// The runtime's MPI calls, bound to the <c>native_snapc_mpi_t</c> table of the MPI profiling layer
/// (include/native_snapc/runtime.h). The table lives on the caller's stack during the start call, so it is copied.
/// </summary>
internal sealed unsafe class MpiPort : IMpiPort
{
    private const int MpiSuccess = 0;

    private readonly NativeSnapcMpi _mpi;

    private MpiPort(NativeSnapcMpi mpi) => _mpi = mpi;

    /// <summary>A port over a version 1 (or later, larger) table whose calls are all set; otherwise the reason.</summary>
    public static bool TryCreate(NativeSnapcMpi* table, [NotNullWhen(true)] out MpiPort? port, out string error)
    {
        port = null;
        if (table is null)
        {
            error = "the MPI profiling layer passed no MPI table";
            return false;
        }
        if (table->size < (nuint)sizeof(NativeSnapcMpi) || table->version < NativeSnapcMpi.Version)
        {
            error = $"the MPI profiling layer's table is version {table->version}, {table->size} bytes; this library needs version {NativeSnapcMpi.Version}, {sizeof(NativeSnapcMpi)} bytes "
                    + "(libnative_snapc_mpi.so and libnative_snapc.so come from different installations)";
            return false;
        }
        var mpi = *table;
        if (mpi.comm_rank == null || mpi.comm_size == null || mpi.barrier == null || mpi.bcast == null || mpi.ibcast == null
            || mpi.test == null || mpi.allreduce == null || mpi.gather == null || mpi.info_get == null || mpi.test_points_armed == null)
        {
            error = "the MPI profiling layer's table has an empty slot";
            return false;
        }
        port = new MpiPort(mpi);
        error = string.Empty;
        return true;
    }

    public nint World => (nint)_mpi.comm_world;

    public int ThreadLevel => _mpi.thread_level;

    public int Rank(nint comm, out int rank)
    {
        int value;
        var status = _mpi.comm_rank((void*)comm, &value);
        rank = value;
        return status;
    }

    public int Size(nint comm, out int size)
    {
        int value;
        var status = _mpi.comm_size((void*)comm, &value);
        size = value;
        return status;
    }

    public int Barrier(nint comm) => _mpi.barrier((void*)comm);

    public int AllreduceInt(int value, bool maximum, nint comm, out int result)
    {
        int reduced;
        var status = _mpi.allreduce(&value, &reduced, 1, _mpi.type_int, maximum ? _mpi.op_max : _mpi.op_min, (void*)comm);
        result = reduced;
        return status;
    }

    public int GatherBytes(byte[] send, byte[]? receive, int root, nint comm)
    {
        fixed (byte* s = send)
        fixed (byte* r = receive)
        {
            return _mpi.gather(s, send.Length, _mpi.type_char, r, send.Length, _mpi.type_char, root, (void*)comm);
        }
    }

    public IPendingBroadcast StartBroadcast(byte[] data, int root, nint comm) => new PendingBroadcast(_mpi, data, root, comm);

    public string? InfoGet(nint infoPointer, string key)
    {
        if (infoPointer == 0)
        {
            return null;
        }
        var info = *(void**)infoPointer;
        if (info == null || info == _mpi.info_null)
        {
            return null;
        }
        const int Capacity = 256;
        var value = stackalloc byte[Capacity + 1];
        var keyBytes = System.Text.Encoding.UTF8.GetBytes(key + "\0");
        int flag;
        fixed (byte* k = keyBytes)
        {
            if (_mpi.info_get(info, k, Capacity, value, &flag) != MpiSuccess || flag == 0)
            {
                return null;
            }
        }
        value[Capacity] = 0;
        return Marshal.PtrToStringUTF8((nint)value);
    }

    public void ArmTestPoints(bool armed) => Volatile.Write(ref *_mpi.test_points_armed, armed ? 1 : 0);

    private sealed class PendingBroadcast : IPendingBroadcast
    {
        private readonly NativeSnapcMpi _mpi;
        private GCHandle _pin;
        private void* _request;
        private readonly int _startStatus;
        private bool _done;

        public PendingBroadcast(NativeSnapcMpi mpi, byte[] data, int root, nint comm)
        {
            _mpi = mpi;
            Data = data;
            _pin = GCHandle.Alloc(data, GCHandleType.Pinned);
            void* request = null;
            _startStatus = mpi.ibcast((void*)_pin.AddrOfPinnedObject(), data.Length, mpi.type_char, root, (void*)comm, &request);
            _request = request;
            _done = _startStatus != MpiSuccess;
        }

        public byte[] Data { get; }

        public bool Test(out int status)
        {
            if (_done)
            {
                status = _startStatus;
                return true;
            }
            int flag;
            var request = _request;
            status = _mpi.test(&request, &flag);
            _request = request;
            _done = status != MpiSuccess || flag != 0;
            return _done;
        }

        public void Dispose()
        {
            // A broadcast still in flight keeps its buffer: MPI may write into it until it completes.
            if (_done && _pin.IsAllocated)
            {
                _pin.Free();
            }
        }
    }
}

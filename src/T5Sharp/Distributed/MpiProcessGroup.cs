using T5Sharp.Kernels;
using static TorchSharp.torch;

namespace T5Sharp.Distributed;

/// <summary>
/// The ranks of an <c>mpirun</c> launch (MPI_COMM_WORLD), their collectives done by Open MPI on the tensors' own memory:
/// an in-place all-reduce hands libmpi the tensor's storage, nothing is copied on our side. MPI's default error handler
/// is kept (errors are fatal to the whole job), so a rank that dies takes the others down instead of leaving them
/// blocked in a collective.
/// </summary>
public sealed unsafe class MpiProcessGroup : IProcessGroup
{
    // MPI counts are ints: larger tensors go in slices (2^30 elements keeps every byte offset in range)
    const long MaxCount = 1L << 30;

    readonly MpiLibrary _mpi;
    readonly object _gate = new();
    bool _finished;

    MpiProcessGroup(MpiLibrary mpi, int rank, int size, string version)
    {
        (_mpi, Rank, WorldSize, LibraryVersion) = (mpi, rank, size, version);
    }

    public int Rank { get; }
    public int WorldSize { get; }

    /// <summary>The MPI library's own description, e.g. "Open MPI v4.1.4, package: Debian OpenMPI …".</summary>
    public string LibraryVersion { get; }

    /// <summary>
    /// Loads libmpi, initialises MPI (any thread may call it, one at a time) and checks that it sees the launch the
    /// environment describes: a different rank or size means the mpirun that started this process is not the Open MPI
    /// whose library was loaded.
    /// </summary>
    public static MpiProcessGroup Initialize(MpiLaunch launch)
    {
        var mpi = MpiLibrary.Load();
        int initialized, provided, rank, size;
        Check(mpi.Initialized(&initialized), "MPI_Initialized");
        if (initialized == 0) Check(mpi.InitThread(null, IntPtr.Zero, MpiLibrary.ThreadSerialized, &provided), "MPI_Init_thread");
        else provided = MpiLibrary.ThreadSerialized;
        Check(mpi.CommRank(mpi.CommWorld, &rank), "MPI_Comm_rank");
        Check(mpi.CommSize(mpi.CommWorld, &size), "MPI_Comm_size");
        string version = mpi.LibraryVersion();
        if (rank != launch.Rank || size != launch.Size)
            throw new DistributedException(
                $"mpirun started this process as rank {launch.Rank} of {launch.Size}, but {MpiLibrary.FileName} ({version}) sees rank " +
                $"{rank} of {size}: the mpirun used does not belong to the Open MPI installed here");
        if (provided < MpiLibrary.ThreadSerialized)
            throw new DistributedException($"{version} does not allow MPI calls from more than one thread (MPI_THREAD_SERIALIZED)");
        return new MpiProcessGroup(mpi, rank, size, version);
    }

    public void AllReduce(Tensor tensor, ReduceOp op = ReduceOp.Sum)
    {
        var type = DataType(tensor, "all-reduce");
        var mpiOp = op switch { ReduceOp.Sum => _mpi.OpSum, ReduceOp.Max => _mpi.OpMax, _ => _mpi.OpMin };
        byte* data = (byte*)TensorMemory.Address(tensor, "all-reduce");
        long element = tensor.ElementSize;
        lock (_gate)
            for (long start = 0; start < tensor.numel(); start += MaxCount)
            {
                int count = (int)Math.Min(MaxCount, tensor.numel() - start);
                Check(_mpi.Allreduce(MpiLibrary.InPlace, (IntPtr)(data + start * element), count, type, mpiOp, _mpi.CommWorld), "MPI_Allreduce");
            }
    }

    public void Broadcast(Tensor tensor, int root = 0)
    {
        // a copy needs no element type: sent as bytes, so bfloat16 (which MPI has no type for) travels too
        byte* data = (byte*)TensorMemory.Address(tensor, "broadcast");
        long bytes = tensor.numel() * tensor.ElementSize;
        lock (_gate)
            for (long start = 0; start < bytes; start += MaxCount)
            {
                int count = (int)Math.Min(MaxCount, bytes - start);
                Check(_mpi.Bcast((IntPtr)(data + start), count, _mpi.Byte, root, _mpi.CommWorld), "MPI_Bcast");
            }
    }

    public byte[][] AllGather(ReadOnlySpan<byte> data)
    {
        var lengths = new int[WorldSize];
        var offsets = new int[WorldSize];
        int mine = data.Length;
        lock (_gate)
        {
            fixed (int* lengthsPtr = lengths)
                Check(_mpi.Allgather((IntPtr)(&mine), 1, _mpi.Int32, (IntPtr)lengthsPtr, 1, _mpi.Int32, _mpi.CommWorld), "MPI_Allgather");
            long total = 0;
            for (int r = 0; r < WorldSize; r++)
            {
                offsets[r] = (int)total;
                total += lengths[r];
            }
            if (total > int.MaxValue) throw new DistributedException($"all-gather of {total} bytes: over MPI's 2 GiB limit for one call");
            var all = new byte[Math.Max(total, 1)];
            fixed (byte* send = data)
            fixed (byte* receive = all)
            fixed (int* lengthsPtr = lengths)
            fixed (int* offsetsPtr = offsets)
                Check(_mpi.Allgatherv((IntPtr)send, mine, _mpi.Byte, (IntPtr)receive, lengthsPtr, offsetsPtr, _mpi.Byte, _mpi.CommWorld),
                    "MPI_Allgatherv");
            return [.. Enumerable.Range(0, WorldSize).Select(r => all.AsSpan(offsets[r], lengths[r]).ToArray())];
        }
    }

    public void Barrier()
    {
        lock (_gate) Check(_mpi.BarrierCall(_mpi.CommWorld), "MPI_Barrier");
    }

    /// <summary>Ends MPI for this process after a successful run (every rank must call it; idempotent).</summary>
    public void Finish()
    {
        lock (_gate)
        {
            if (_finished) return;
            _finished = true;
            int finalized;
            if (_mpi.Finalized(&finalized) == MpiLibrary.Success && finalized == 0) _mpi.Finalize();
        }
    }

    /// <summary>
    /// Stops every rank of the job with <paramref name="exitCode"/> (MPI_Abort): what a rank that failed must do, since the
    /// others would otherwise wait in their next collective for it forever.
    /// </summary>
    public void Abort(int exitCode)
    {
        _finished = true;
        _mpi.Abort(_mpi.CommWorld, exitCode);
    }

    IntPtr DataType(Tensor tensor, string what) => tensor.dtype switch
    {
        ScalarType.Float32 => _mpi.Float32,
        ScalarType.Float64 => _mpi.Float64,
        ScalarType.Int64 => _mpi.Int64,
        ScalarType.Int32 => _mpi.Int32,
        ScalarType.Byte or ScalarType.Bool => _mpi.Byte,
        _ => throw new ArgumentException($"{what}: MPI has no {tensor.dtype} type here; convert to float32 first"),
    };

    static void Check(int code, string call)
    {
        if (code != MpiLibrary.Success) throw new DistributedException($"{call} failed with MPI error {code}");
    }
}

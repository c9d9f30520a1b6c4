using System.Runtime.InteropServices;

namespace T5Sharp.Distributed;

/// <summary>
/// Open MPI's C library, bound at run time (<see cref="NativeLibrary"/>), so that a plain run never needs it and an MPI
/// launch without it fails with one clear message rather than a type-load error. Open MPI's handles
/// (<c>MPI_COMM_WORLD</c>, <c>MPI_FLOAT</c>, <c>MPI_SUM</c>, …) are the addresses of exported data symbols
/// (<c>ompi_mpi_comm_world</c>, …): its mpi.h defines each handle as <c>&amp;ompi_mpi_…</c>.
/// </summary>
internal sealed unsafe class MpiLibrary
{
    /// <summary>The soname of Open MPI 3.x–5.x's C library (Debian's openmpi-bin / libopenmpi3).</summary>
    public const string FileName = "libmpi.so.40";

    /// <summary>mpi.h's MPI_IN_PLACE for Open MPI: the send buffer of an in-place collective.</summary>
    public static readonly IntPtr InPlace = 1;

    /// <summary>mpi.h's MPI_THREAD_SERIALIZED: any thread may call MPI, one at a time.</summary>
    public const int ThreadSerialized = 2;

    public const int Success = 0;
    const int MaxLibraryVersionString = 256;

    public readonly delegate* unmanaged<int*, IntPtr, int, int*, int> InitThread;
    public readonly delegate* unmanaged<int*, int> Initialized;
    public readonly delegate* unmanaged<int*, int> Finalized;
    public readonly delegate* unmanaged<int> Finalize;
    public readonly delegate* unmanaged<IntPtr, int, int> Abort;
    public readonly delegate* unmanaged<IntPtr, int*, int> CommRank;
    public readonly delegate* unmanaged<IntPtr, int*, int> CommSize;
    public readonly delegate* unmanaged<IntPtr, IntPtr, int, IntPtr, IntPtr, IntPtr, int> Allreduce;
    public readonly delegate* unmanaged<IntPtr, int, IntPtr, int, IntPtr, int> Bcast;
    public readonly delegate* unmanaged<IntPtr, int, IntPtr, IntPtr, int, IntPtr, IntPtr, int> Allgather;
    public readonly delegate* unmanaged<IntPtr, int, IntPtr, IntPtr, int*, int*, IntPtr, IntPtr, int> Allgatherv;
    public readonly delegate* unmanaged<IntPtr, int> BarrierCall;
    public readonly delegate* unmanaged<byte*, int*, int> GetLibraryVersion;

    public readonly IntPtr CommWorld, Byte, Int32, Int64, Float32, Float64, OpSum, OpMax, OpMin;

    MpiLibrary(IntPtr lib)
    {
        InitThread = (delegate* unmanaged<int*, IntPtr, int, int*, int>)Export(lib, "MPI_Init_thread");
        Initialized = (delegate* unmanaged<int*, int>)Export(lib, "MPI_Initialized");
        Finalized = (delegate* unmanaged<int*, int>)Export(lib, "MPI_Finalized");
        Finalize = (delegate* unmanaged<int>)Export(lib, "MPI_Finalize");
        Abort = (delegate* unmanaged<IntPtr, int, int>)Export(lib, "MPI_Abort");
        CommRank = (delegate* unmanaged<IntPtr, int*, int>)Export(lib, "MPI_Comm_rank");
        CommSize = (delegate* unmanaged<IntPtr, int*, int>)Export(lib, "MPI_Comm_size");
        Allreduce = (delegate* unmanaged<IntPtr, IntPtr, int, IntPtr, IntPtr, IntPtr, int>)Export(lib, "MPI_Allreduce");
        Bcast = (delegate* unmanaged<IntPtr, int, IntPtr, int, IntPtr, int>)Export(lib, "MPI_Bcast");
        Allgather = (delegate* unmanaged<IntPtr, int, IntPtr, IntPtr, int, IntPtr, IntPtr, int>)Export(lib, "MPI_Allgather");
        Allgatherv = (delegate* unmanaged<IntPtr, int, IntPtr, IntPtr, int*, int*, IntPtr, IntPtr, int>)Export(lib, "MPI_Allgatherv");
        BarrierCall = (delegate* unmanaged<IntPtr, int>)Export(lib, "MPI_Barrier");
        GetLibraryVersion = (delegate* unmanaged<byte*, int*, int>)Export(lib, "MPI_Get_library_version");
        CommWorld = Export(lib, "ompi_mpi_comm_world");
        Byte = Export(lib, "ompi_mpi_byte");
        Int32 = Export(lib, "ompi_mpi_int");
        Int64 = Export(lib, "ompi_mpi_int64_t");
        Float32 = Export(lib, "ompi_mpi_float");
        Float64 = Export(lib, "ompi_mpi_double");
        OpSum = Export(lib, "ompi_mpi_op_sum");
        OpMax = Export(lib, "ompi_mpi_op_max");
        OpMin = Export(lib, "ompi_mpi_op_min");
    }

    /// <summary>Loads the library; missing, or not Open MPI's (a symbol absent): a <see cref="DistributedException"/>.</summary>
    public static MpiLibrary Load(string fileName = FileName)
    {
        if (!NativeLibrary.TryLoad(fileName, out var lib))
            throw new DistributedException(
                $"this process was launched by mpirun, but Open MPI's library {fileName} could not be loaded " +
                "(Debian: apt-get install openmpi-bin; elsewhere put Open MPI 4 or 5's lib folder on LD_LIBRARY_PATH)");
        return new MpiLibrary(lib);
    }

    /// <summary>MPI_Get_library_version's text, e.g. "Open MPI v4.1.4, package: Debian OpenMPI, …" (first line).</summary>
    public string LibraryVersion()
    {
        byte* text = stackalloc byte[MaxLibraryVersionString];
        int length = 0;
        if (GetLibraryVersion(text, &length) != Success) return "unknown";
        string version = System.Text.Encoding.ASCII.GetString(text, Math.Clamp(length, 0, MaxLibraryVersionString));
        return version.Split('\n')[0].TrimEnd('\0', ' ', ',');
    }

    static IntPtr Export(IntPtr lib, string name) => NativeLibrary.TryGetExport(lib, name, out var address)
        ? address
        : throw new DistributedException(
            $"{FileName} lacks {name}: it is not Open MPI's library (T5Sharp binds Open MPI's ABI, versions 4 and 5)");
}

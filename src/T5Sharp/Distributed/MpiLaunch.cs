using System.Globalization;

namespace T5Sharp.Distributed;

/// <summary>
/// What Open MPI's <c>mpirun</c> tells each process it starts, through the environment (<c>OMPI_COMM_WORLD_RANK</c>,
/// <c>_SIZE</c>, <c>_LOCAL_RANK</c>, <c>_LOCAL_SIZE</c>): read before MPI is initialised, so that a process knows it is one
/// of several (and how many share its machine, to split the cores) before it loads anything.
/// </summary>
public sealed record MpiLaunch(int Rank, int Size, int LocalRank, int LocalSize)
{
    /// <summary>This process's launch, or null when no MPI launcher started it (a plain run: nothing changes).</summary>
    public static MpiLaunch? FromEnvironment() => FromVariables(Environment.GetEnvironmentVariable);

    /// <summary>
    /// The launch described by <paramref name="variable"/> (an environment lookup). A process started by another MPI's
    /// launcher (MPICH's or Intel's hydra sets <c>PMI_RANK</c>) is an error rather than a silent single-process run: its
    /// ranks would each train alone on all the data.
    /// </summary>
    public static MpiLaunch? FromVariables(Func<string, string?> variable)
    {
        if (variable("OMPI_COMM_WORLD_SIZE") is null)
        {
            if (variable("PMI_RANK") is not null)
                throw new DistributedException(
                    "this process was started by an MPI launcher other than Open MPI's (PMI_RANK is set, OMPI_COMM_WORLD_SIZE is not); " +
                    "T5Sharp runs on Open MPI (libmpi.so.40): launch it with Open MPI's mpirun (Debian: apt-get install openmpi-bin)");
            return null;
        }
        int size = Read(variable, "OMPI_COMM_WORLD_SIZE", 1);
        int rank = Read(variable, "OMPI_COMM_WORLD_RANK", 0);
        if (rank >= size)
            throw new DistributedException($"OMPI_COMM_WORLD_RANK is {rank}, not below OMPI_COMM_WORLD_SIZE ({size})");
        int localSize = variable("OMPI_COMM_WORLD_LOCAL_SIZE") is null ? size : Read(variable, "OMPI_COMM_WORLD_LOCAL_SIZE", 1);
        int localRank = variable("OMPI_COMM_WORLD_LOCAL_RANK") is null ? rank : Read(variable, "OMPI_COMM_WORLD_LOCAL_RANK", 0);
        return new MpiLaunch(rank, size, localRank, localSize);
    }

    /// <summary>
    /// libtorch threads for this process: the machine's cores shared by the ranks on it, at least one. Ranks that each
    /// took every core would oversubscribe the machine N times over and run slower than one process.
    /// </summary>
    public int ThreadsPerRank(int cores) => Math.Max(1, cores / LocalSize);

    static int Read(Func<string, string?> variable, string name, int minimum)
    {
        string? text = variable(name);
        if (text is null || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < minimum)
            throw new DistributedException($"the environment variable {name} is '{text}', not a whole number ≥ {minimum} (set by mpirun)");
        return value;
    }
}

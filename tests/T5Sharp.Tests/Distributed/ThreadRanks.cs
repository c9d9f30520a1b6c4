using T5Sharp.Distributed;
using static TorchSharp.torch;

namespace T5Sharp.Tests.Distributed;

/// <summary>
/// N ranks of one run as N threads of the test process, so that the sharding and gathering logic runs with N = 2, 3 …
/// without mpirun: AllGather meets at a barrier (with a deadline, so a rank that skips a round fails the test instead of
/// hanging it) and counts the rounds each rank joined. The tensor collectives are not needed by the record sharding.
/// </summary>
sealed class ThreadRanks
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    readonly Barrier _barrier;
    readonly byte[][] _slots;

    ThreadRanks(int worldSize)
    {
        _barrier = new Barrier(worldSize);
        _slots = new byte[worldSize][];
        Gathers = new int[worldSize];
    }

    /// <summary>All-gathers each rank joined, by rank.</summary>
    public int[] Gathers { get; }

    /// <summary>Runs <paramref name="body"/> as every rank at once; its results by rank, and the world (for its counts).</summary>
    public static (T[] Results, ThreadRanks World) Run<T>(int worldSize, Func<IProcessGroup, T> body)
    {
        var world = new ThreadRanks(worldSize);
        var results = new T[worldSize];
        var errors = new Exception?[worldSize];
        var threads = Enumerable.Range(0, worldSize).Select(rank => new Thread(() =>
        {
            try
            {
                T5Sharp.Runtime.TorchRuntime.FlushDenormalsOnThisThread(); // as the test thread that one process runs on
                results[rank] = body(new RankOf(world, rank));
            }
            catch (Exception e)
            {
                errors[rank] = e;
                world._barrier.RemoveParticipant(); // the others fail at their next gather instead of waiting forever
            }
        }, maxStackSize: 16 << 20)).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        if (errors.FirstOrDefault(e => e is not null) is { } error) throw new AggregateException(error);
        return (results, world);
    }

    byte[][] AllGather(int rank, ReadOnlySpan<byte> data)
    {
        _slots[rank] = data.ToArray();
        Gathers[rank]++;
        if (!_barrier.SignalAndWait(Deadline)) throw new TimeoutException($"rank {rank}: the other ranks did not join the gather");
        var all = _slots.Select(s => s.ToArray()).ToArray();
        if (!_barrier.SignalAndWait(Deadline)) throw new TimeoutException($"rank {rank}: the other ranks did not finish the gather");
        return all;
    }

    sealed class RankOf(ThreadRanks world, int rank) : IProcessGroup
    {
        public int Rank => rank;
        public int WorldSize => world._slots.Length;
        public byte[][] AllGather(ReadOnlySpan<byte> data) => world.AllGather(rank, data);
        public void Barrier() => AllGather([]);
        public void AllReduce(Tensor tensor, ReduceOp op = ReduceOp.Sum) => throw new NotSupportedException("not used by record sharding");
        public void Broadcast(Tensor tensor, int root = 0) => throw new NotSupportedException("not used by record sharding");
    }
}

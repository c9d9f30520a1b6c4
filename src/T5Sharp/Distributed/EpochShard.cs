namespace T5Sharp.Distributed;

/// <summary>
/// Which micro-batches of an epoch each rank trains on, as accelerate's BatchSamplerShard (split_batches=False,
/// even_batches=True, drop_last=False: what transformers' Trainer prepares) cuts a batch sampler: the epoch's ordered
/// examples make batches 0 … M−1 of <c>batchSize</c> (the last may be short); rank r takes batches r, r+N, r+2N, ….
/// The last round is made whole so that every rank takes the same number of full batches: a short last batch is
/// completed, and missing batches of the round are made, with examples taken from the start of the epoch's order
/// (cycling through its first min(examples, N × batchSize) examples). One rank (N = 1) is the plain batching: accelerate
/// does not shard then, and the last batch stays short.
/// </summary>
public static class EpochShard
{
    /// <summary>Micro-batches per epoch on each rank (accelerate's len(BatchSamplerShard) with even batches).</summary>
    public static int MicroBatchesPerRank(int examples, int batchSize, int worldSize)
    {
        Check(examples, batchSize, worldSize, 0);
        int batches = (examples + batchSize - 1) / batchSize;
        return (batches + worldSize - 1) / worldSize;
    }

    /// <summary>
    /// Positions in the epoch's order (0 … examples−1) of micro-batch <paramref name="index"/> on <paramref name="rank"/>.
    /// </summary>
    public static int[] Positions(int examples, int batchSize, int worldSize, int rank, int index)
    {
        Check(examples, batchSize, worldSize, rank);
        if (index < 0 || index >= MicroBatchesPerRank(examples, batchSize, worldSize))
            throw new ArgumentOutOfRangeException(nameof(index), $"micro-batch {index} of {MicroBatchesPerRank(examples, batchSize, worldSize)}");
        long batch = (long)index * worldSize + rank;          // the batch of the epoch (past the last: one made by cycling)
        long start = batch * batchSize;
        if (worldSize == 1) return Range(start, Math.Min(start + batchSize, examples));
        int cycled = Math.Min(examples, worldSize * batchSize); // accelerate's initial_data: the first N batches
        // the examples past the end are drawn, in batch order, from the cycle: a short last batch first, then the rest
        var positions = new int[batchSize];
        for (int k = 0; k < batchSize; k++)
        {
            long position = start + k;
            positions[k] = position < examples ? (int)position : (int)((position - examples) % cycled);
        }
        return positions;
    }

    static int[] Range(long start, long end) => Enumerable.Range((int)start, (int)(end - start)).ToArray();

    static void Check(int examples, int batchSize, int worldSize, int rank)
    {
        if (examples <= 0) throw new ArgumentOutOfRangeException(nameof(examples), "no examples to shard");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), $"batch size {batchSize}");
        if (worldSize <= 0 || rank < 0 || rank >= worldSize)
            throw new ArgumentOutOfRangeException(nameof(rank), $"rank {rank} of {worldSize}");
    }
}

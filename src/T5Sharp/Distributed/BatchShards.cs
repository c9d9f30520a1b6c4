namespace T5Sharp.Distributed;

/// <summary>
/// How an ordered list of records is divided among the ranks of a run for evaluation or generation, as accelerate's
/// evaluation data loader divides it (BatchSamplerShard, split_batches=False): the records are cut into the batches a
/// single process would make (batch k = records k·B … k·B+B−1, the last one possibly short), and rank r takes batches
/// r, r+N, r+2N, …; round t is the t-th batch of every rank, i.e. batches t·N … t·N+N−1, consecutive in input order.
/// Unlike accelerate, the uneven end is not padded with repeated records (even_batches) only to be cut off again by
/// gather_for_metrics: the results are gathered per round with a variable-length all-gather, so a rank whose batch
/// number is past the end simply sends nothing. The gathered records are the same, in the same order, and every batch
/// holds exactly the records it holds in one process — so even a per-batch mean (eval_loss) is the single-process one.
/// </summary>
public readonly record struct BatchShards
{
    public BatchShards(int count, int batchSize, int worldSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (batchSize < 1) throw new ArgumentException($"the batch size must be at least 1, got {batchSize}", nameof(batchSize));
        if (worldSize < 1) throw new ArgumentException($"the world size must be at least 1, got {worldSize}", nameof(worldSize));
        (Count, BatchSize, WorldSize) = (count, batchSize, worldSize);
    }

    /// <summary>Records in all.</summary>
    public int Count { get; }

    public int BatchSize { get; }

    public int WorldSize { get; }

    /// <summary>Batches a single process makes: ⌈Count / BatchSize⌉.</summary>
    public int Batches => (Count + BatchSize - 1) / BatchSize;

    /// <summary>Rounds every rank goes through (the same on all, so that every rank joins every round's gather): ⌈Batches / N⌉.</summary>
    public int Rounds => (Batches + WorldSize - 1) / WorldSize;

    /// <summary>The batch <paramref name="rank"/> works on in <paramref name="round"/>, or null when the records ran out.</summary>
    public int? BatchOf(int rank, int round)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rank);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(rank, WorldSize);
        int batch = round * WorldSize + rank;
        return batch < Batches ? batch : null;
    }

    /// <summary>The records of batch <paramref name="batch"/>: start index and count.</summary>
    public (int Start, int Count) RecordsOf(int batch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(batch, Batches);
        int start = batch * BatchSize;
        return (start, Math.Min(BatchSize, Count - start));
    }

    /// <summary>The records all ranks cover in <paramref name="round"/>: a contiguous run of the input.</summary>
    public (int Start, int Count) RecordsOfRound(int round)
    {
        int start = Math.Min(Count, round * WorldSize * BatchSize);
        return (start, Math.Min(WorldSize * BatchSize, Count - start));
    }

    /// <summary>The batches <paramref name="rank"/> works on, in its order.</summary>
    public IEnumerable<int> BatchesOf(int rank)
    {
        for (int round = 0; round < Rounds; round++)
            if (BatchOf(rank, round) is int batch) yield return batch;
    }
}

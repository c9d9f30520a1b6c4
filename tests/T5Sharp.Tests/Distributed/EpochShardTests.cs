using T5Sharp.Distributed;

namespace T5Sharp.Tests.Distributed;

/// <summary>
/// The micro-batches each rank trains on, as accelerate's BatchSamplerShard (even_batches) gives them: alternate
/// batches of the same order, and a last round made whole from the start of the epoch. Expected values worked out by
/// hand from accelerate's _iter_with_no_split.
/// </summary>
public class EpochShardTests
{
    static int[][] Shard(int examples, int batchSize, int worldSize, int rank) =>
        Enumerable.Range(0, EpochShard.MicroBatchesPerRank(examples, batchSize, worldSize))
            .Select(i => EpochShard.Positions(examples, batchSize, worldSize, rank, i)).ToArray();

    [Fact]
    public void RanksTakeAlternateBatches()
    {
        Assert.Equal([[0, 1], [4, 5]], Shard(8, 2, 2, 0));
        Assert.Equal([[2, 3], [6, 7]], Shard(8, 2, 2, 1));
    }

    [Fact]
    public void AShortLastBatchIsCompletedFromTheStartOfTheEpoch()
    {
        // batches [0,1] [2,3] [4,5] [6]: rank 1's last batch [6] is completed with the epoch's first example
        Assert.Equal([[0, 1], [4, 5]], Shard(7, 2, 2, 0));
        Assert.Equal([[2, 3], [6, 0]], Shard(7, 2, 2, 1));
    }

    [Fact]
    public void MissingBatchesOfTheLastRoundCycleThroughTheFirstOnes()
    {
        // 4 ranks, batches [0,1] [2,3] [4]: [4] becomes [4,0], rank 3 gets the cycle's next [1,2]
        Assert.Equal([[4, 0]], Shard(5, 2, 4, 2));
        Assert.Equal([[1, 2]], Shard(5, 2, 4, 3));
        // one full batch for two ranks: the second rank gets the epoch's start again
        Assert.Equal([[0, 1, 2]], Shard(3, 3, 2, 1));
    }

    [Fact]
    public void OneProcessKeepsTheShortLastBatch()
    {
        Assert.Equal(4, EpochShard.MicroBatchesPerRank(7, 2, 1));
        Assert.Equal([6], EpochShard.Positions(7, 2, 1, 0, 3));
    }

    [Fact]
    public void EveryRankGetsAsManyBatches()
    {
        for (int examples = 1; examples < 30; examples++)
            for (int world = 1; world <= 4; world++)
            {
                int perRank = EpochShard.MicroBatchesPerRank(examples, 3, world);
                Assert.Equal((int)Math.Ceiling(Math.Ceiling(examples / 3.0) / world), perRank);
                // all examples are covered by the ranks together
                var seen = Enumerable.Range(0, world).SelectMany(r => Shard(examples, 3, world, r).SelectMany(b => b)).ToHashSet();
                Assert.Equal(examples, seen.Count);
            }
    }
}

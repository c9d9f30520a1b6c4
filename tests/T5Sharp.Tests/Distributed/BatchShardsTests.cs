using T5Sharp.Distributed;

namespace T5Sharp.Tests.Distributed;

/// <summary>Which rank takes which batch of an evaluation set: accelerate's interleave, without its padded end.</summary>
public class BatchShardsTests
{
    [Fact]
    public void RankRTakesBatchesRThenRPlusN()
    {
        // 7 records in batches of 2: [0,1] [2,3] [4,5] [6]
        var two = new BatchShards(7, 2, 2);
        Assert.Equal(4, two.Batches);
        Assert.Equal(2, two.Rounds);
        Assert.Equal([0, 2], two.BatchesOf(0));
        Assert.Equal([1, 3], two.BatchesOf(1));
        Assert.Equal((6, 1), two.RecordsOf(3)); // the short last batch stays short: no repeated records

        var three = new BatchShards(7, 2, 3);
        Assert.Equal(2, three.Rounds);
        Assert.Equal([0, 3], three.BatchesOf(0));
        Assert.Equal([1], three.BatchesOf(1));
        Assert.Equal([2], three.BatchesOf(2));
        Assert.Null(three.BatchOf(1, 1)); // past the end in the last round: this rank sends nothing
        Assert.Equal((6, 1), three.RecordsOfRound(1));

        var one = new BatchShards(7, 2, 1);
        Assert.Equal([0, 1, 2, 3], one.BatchesOf(0));
        Assert.Equal(4, one.Rounds);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void EveryRecordIsInExactlyOneBatchOfOneRankAndTheRoundsAreConsecutiveInInputOrder(int worldSize)
    {
        foreach (int count in new[] { 0, 1, 2, 5, 6, 7, 12, 13 })
        foreach (int batchSize in new[] { 1, 2, 3, 4, 20 })
        {
            var shards = new BatchShards(count, batchSize, worldSize);
            var owners = new int[count];
            for (int rank = 0; rank < worldSize; rank++)
                foreach (int batch in shards.BatchesOf(rank))
                {
                    var (start, n) = shards.RecordsOf(batch);
                    Assert.InRange(n, 1, batchSize);
                    for (int i = start; i < start + n; i++) owners[i]++;
                }
            Assert.All(owners, o => Assert.Equal(1, o));

            // a round's batches, rank by rank, are the next records of the input
            int next = 0;
            for (int round = 0; round < shards.Rounds; round++)
            {
                var (roundStart, roundCount) = shards.RecordsOfRound(round);
                Assert.Equal(next, roundStart);
                for (int rank = 0; rank < worldSize; rank++)
                    if (shards.BatchOf(rank, round) is int batch)
                    {
                        var (start, n) = shards.RecordsOf(batch);
                        Assert.Equal(next, start);
                        next += n;
                    }
                Assert.Equal(roundStart + roundCount, next);
                // every round but the last gives every rank a batch
                if (round < shards.Rounds - 1) Assert.All(Enumerable.Range(0, worldSize), r => Assert.NotNull(shards.BatchOf(r, round)));
            }
            Assert.Equal(count, next);
            Assert.Equal((count + batchSize * worldSize - 1) / (batchSize * worldSize), shards.Rounds);
        }
    }

    [Fact]
    public void BadSizesAreRefused()
    {
        Assert.Throws<ArgumentException>(() => new BatchShards(5, 0, 2));
        Assert.Throws<ArgumentException>(() => new BatchShards(5, 2, 0));
        Assert.ThrowsAny<ArgumentException>(() => new BatchShards(5, 2, 2).BatchOf(2, 0));
    }
}

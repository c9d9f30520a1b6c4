using T5Sharp.Data;

namespace T5Sharp.Tests.Data;

public class SplitAndSamplerTests
{
    [Fact]
    public void RatioSplitsAreDisjointCompleteAndSeeded()
    {
        var items = Enumerable.Range(0, 1000).ToArray();
        var parts = DatasetSplitter.Split(items, [0.8, 0.1, 0.1], seed: 42);
        Assert.Equal([800, 100, 100], parts.Select(p => p.Count));
        Assert.Equal(items, parts.SelectMany(p => p).Order());
        Assert.NotEqual(items.Take(800), parts[0]); // shuffled
        Assert.Equal(parts[0], DatasetSplitter.Split(items, [0.8, 0.1, 0.1], seed: 42)[0]);
        Assert.NotEqual(parts[0], DatasetSplitter.Split(items, [0.8, 0.1, 0.1], seed: 43)[0]);

        var seventyThirty = DatasetSplitter.Split(Enumerable.Range(0, 7).ToArray(), [0.7, 0.3], seed: 1);
        Assert.Equal([5, 2], seventyThirty.Select(p => p.Count)); // round(4.9) = 5
    }

    [Theory]
    [InlineData(new[] { 0.7, 0.2 })]
    [InlineData(new[] { 0.8, 0.3 })]
    [InlineData(new[] { 1.0 })]
    [InlineData(new[] { 1.2, -0.2 })]
    public void BadRatiosAreRejected(double[] ratios)
    {
        var e = Assert.Throws<ArgumentException>(() => DatasetSplitter.Split(new[] { 1, 2, 3 }, ratios, 0));
        Assert.Contains("ratio", e.Message);
    }

    [Fact]
    public void LengthGroupedOrderHasHfProperties()
    {
        var random = new Random(5);
        int[] lengths = Enumerable.Range(0, 1000).Select(_ => random.Next(5, 400)).ToArray();
        int batch = 4, megaBatch = 50 * batch; // min(1000 / 16, 50) = 50
        var order = LengthGroupedSampler.Indices(lengths, batch, seed: 7);
        Assert.Equal(Enumerable.Range(0, 1000), order.Order());
        Assert.Equal(lengths.Max(), lengths[order[0]]);
        var chunks = order.Chunk(megaBatch).ToArray();
        Assert.Equal(5, chunks.Length);
        foreach (var (chunk, k) in chunks.Select((c, k) => (c, k)))
        {
            // Each megabatch is sorted longest first; only the first may have swapped its head with the longest overall.
            var tail = k == 0 ? chunk.Skip(1) : chunk;
            var ls = tail.Select(i => lengths[i]).ToArray();
            Assert.True(ls.Zip(ls.Skip(1)).All(p => p.First >= p.Second), $"megabatch {k} not sorted");
        }
        Assert.Equal(order, LengthGroupedSampler.Indices(lengths, batch, seed: 7));
        Assert.NotEqual(order, LengthGroupedSampler.Indices(lengths, batch, seed: 8));
        // Grouping pays: padding to the longest per batch wastes far less than in a plain shuffle.
        long Waste(IEnumerable<int[]> batches) => batches.Sum(b => (long)b.Max(i => lengths[i]) * b.Length - b.Sum(i => lengths[i]));
        Assert.True(Waste(order.Chunk(batch)) * 5 < Waste(DatasetSplitter.Permutation(1000, 7).Chunk(batch)));
    }
}

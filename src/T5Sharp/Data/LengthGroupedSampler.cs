namespace T5Sharp.Data;

/// <summary>
/// HF's group_by_length order (get_length_grouped_indices): a seeded permutation cut into megabatches of
/// 50 × batch size (fewer for small datasets), each sorted by length, longest first, and the overall longest example
/// moved to the very first position so that an out-of-memory shows up at step one, not hours later. Batches cut from
/// this order hold examples of similar length, so dynamic padding wastes little.
/// </summary>
public static class LengthGroupedSampler
{
    public static int[] Indices(IReadOnlyList<int> lengths, int batchSize, int seed, int? megaBatchMultiplier = null)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch size must be at least 1");
        int multiplier = megaBatchMultiplier ?? Math.Max(1, Math.Min(lengths.Count / (batchSize * 4), 50));
        int megaBatchSize = multiplier * batchSize;
        int[] order = DatasetSplitter.Permutation(lengths.Count, seed);
        // OrderByDescending is stable, like Python's sorted(reverse=True).
        var megaBatches = order.Chunk(megaBatchSize).Select(mb => mb.OrderByDescending(i => lengths[i]).ToArray()).ToArray();
        if (megaBatches.Length == 0) return [];
        int longest = 0;
        for (int m = 1; m < megaBatches.Length; m++)
            if (lengths[megaBatches[m][0]] > lengths[megaBatches[longest][0]]) longest = m;
        (megaBatches[0][0], megaBatches[longest][0]) = (megaBatches[longest][0], megaBatches[0][0]);
        return megaBatches.SelectMany(mb => mb).ToArray();
    }

    /// <summary>The length-grouped order cut into batches of <paramref name="batchSize"/> (the last may be smaller).</summary>
    public static IEnumerable<int[]> Batches(IReadOnlyList<int> lengths, int batchSize, int seed) =>
        Indices(lengths, batchSize, seed).Chunk(batchSize);
}

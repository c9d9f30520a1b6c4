namespace T5Sharp.Data;

/// <summary>
/// Splits a dataset by ratios (70/30, 80/10/10) after a seeded shuffle, or takes splits from given files. The same
/// seed and input always give the same splits.
/// </summary>
public static class DatasetSplitter
{
    /// <summary>
    /// Parts in the order of <paramref name="ratios"/> (which must be positive and sum to 1). Part sizes are the
    /// differences of the rounded cumulative boundaries, so they always add up to the item count.
    /// </summary>
    public static IReadOnlyList<T>[] Split<T>(IReadOnlyList<T> items, IReadOnlyList<double> ratios, int seed)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (ratios.Count < 2) throw new ArgumentException($"split ratios: need at least two, found {ratios.Count}");
        if (ratios.Any(r => !(r > 0) || r >= 1)) throw new ArgumentException($"split ratios must lie in (0, 1): {string.Join(", ", ratios)}");
        double sum = ratios.Sum();
        if (Math.Abs(sum - 1) > 1e-9) throw new ArgumentException($"split ratios must sum to 1, found {sum} ({string.Join(" + ", ratios)})");

        int[] order = Permutation(items.Count, seed);
        var parts = new IReadOnlyList<T>[ratios.Count];
        double cumulative = 0;
        int start = 0;
        for (int p = 0; p < ratios.Count; p++)
        {
            cumulative += ratios[p];
            int end = p == ratios.Count - 1 ? items.Count : (int)Math.Round(cumulative * items.Count, MidpointRounding.AwayFromZero);
            parts[p] = order[start..end].Select(i => items[i]).ToArray();
            start = end;
        }
        return parts;
    }

    /// <summary>Splits given as files (train, validation, ...), each mapped by <paramref name="mapper"/>; each must hold records.</summary>
    public static IReadOnlyList<Seq2SeqExample>[] FromFiles(SourceTargetMapper mapper, params string[] paths) =>
        paths.Select(mapper.MapFile).ToArray();

    /// <summary>A Fisher–Yates permutation of 0..n-1 from System.Random(seed), whose seeded sequence .NET keeps stable.</summary>
    public static int[] Permutation(int n, int seed)
    {
        var order = Enumerable.Range(0, n).ToArray();
        var random = new Random(seed);
        for (int i = n - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }
}

namespace T5Sharp.Evaluation;

/// <summary>
/// Corpus-level ROUGE from per-pair scores: the plain mean (deterministic; equals the mean of
/// evaluate's <c>use_aggregator=False</c> output) and rouge_score's <c>BootstrapAggregator</c>
/// (percentiles of resampled means; its <c>Mid.FMeasure</c> is what <c>evaluate</c> returns by default).
/// </summary>
public static class RougeAggregate
{
    /// <summary>Mean precision, recall and F per rouge type, in the first pair's type order.</summary>
    /// <exception cref="ArgumentException">No pairs, or pairs with different rouge types.</exception>
    public static IReadOnlyDictionary<string, RougeScore> Mean(IReadOnlyList<IReadOnlyDictionary<string, RougeScore>> perPair)
    {
        var types = TypesOf(perPair);
        var result = new Dictionary<string, RougeScore>();
        foreach (var type in types)
        {
            double p = 0, r = 0, f = 0;
            foreach (var pair in perPair) { var s = pair[type]; p += s.Precision; r += s.Recall; f += s.FMeasure; }
            int n = perPair.Count;
            result[type] = new RougeScore(p / n, r / n, f / n);
        }
        return result;
    }

    /// <summary>
    /// rouge_score's <c>BootstrapAggregator(confidence_interval, n_samples).aggregate()</c>: for each rouge type (in
    /// order, one RNG stream across types), <paramref name="samples"/> times draw n pairs with replacement and take
    /// the mean; report numpy's linear-interpolated percentiles (1−c)/2, 50, (1+c)/2 of those means.
    /// With <paramref name="seed"/> the draws are numpy's after <c>np.random.seed(seed)</c>, so the result equals
    /// Python's to the last bit; without it the seed is random, like evaluate, which never seeds.
    /// </summary>
    /// <exception cref="ArgumentException">No pairs, mixed rouge types, samples &lt; 1, confidence outside (0, 1).</exception>
    public static IReadOnlyDictionary<string, RougeInterval> Bootstrap(
        IReadOnlyList<IReadOnlyDictionary<string, RougeScore>> perPair, uint? seed = null, int samples = 1000,
        double confidence = 0.95)
    {
        var types = TypesOf(perPair);
        if (samples < 1) throw new ArgumentException($"samples must be at least 1, found {samples}.", nameof(samples));
        if (!(confidence > 0 && confidence < 1))
            throw new ArgumentException($"confidence must be in (0, 1), found {confidence}.", nameof(confidence));
        var rng = new NumpyLegacyRandom(seed ?? (uint)Random.Shared.NextInt64(0, 1L << 32));
        int n = perPair.Count;
        double delta = (1 - confidence) / 2;
        // numpy: q = 100 * [delta, 0.5, 1 - delta], then percentile divides by 100 again.
        double[] quantiles = [100 * delta / 100, 100 * 0.5 / 100, 100 * (1 - delta) / 100];

        var result = new Dictionary<string, RougeInterval>();
        var means = new double[3][];
        for (int k = 0; k < 3; k++) means[k] = new double[samples];
        var column = new RougeScore[n];
        foreach (var type in types)
        {
            // Copy the type's scores out once: the inner loop then does array reads, not dictionary lookups.
            for (int i = 0; i < n; i++) column[i] = perPair[i][type];
            for (int s = 0; s < samples; s++)
            {
                double p = 0, r = 0, f = 0;
                for (int i = 0; i < n; i++)
                {
                    var score = column[rng.NextBelow(n)];
                    p += score.Precision; r += score.Recall; f += score.FMeasure;
                }
                means[0][s] = p / n; means[1][s] = r / n; means[2][s] = f / n;
            }
            foreach (var m in means) Array.Sort(m);
            RougeScore At(double q) => new(Percentile(means[0], q), Percentile(means[1], q), Percentile(means[2], q));
            result[type] = new RougeInterval(At(quantiles[0]), At(quantiles[1]), At(quantiles[2]));
        }
        return result;
    }

    /// <summary>numpy's default ("linear") percentile of sorted data, including its two-sided lerp.</summary>
    static double Percentile(double[] sorted, double q)
    {
        double virtualIndex = (sorted.Length - 1) * q;
        int lo = (int)Math.Floor(virtualIndex);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        double t = virtualIndex - lo, a = sorted[lo], b = sorted[hi], diff = b - a;
        return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
    }

    static IReadOnlyList<string> TypesOf(IReadOnlyList<IReadOnlyDictionary<string, RougeScore>> perPair)
    {
        ArgumentNullException.ThrowIfNull(perPair);
        if (perPair.Count == 0) throw new ArgumentException("There are no scores to aggregate.", nameof(perPair));
        var types = perPair[0].Keys.ToArray();
        for (int i = 1; i < perPair.Count; i++)
            if (perPair[i] is null || perPair[i].Count != types.Length || !types.All(perPair[i].ContainsKey))
                throw new ArgumentException(
                    $"Pair {i} has rouge types [{string.Join(", ", perPair[i]?.Keys ?? [])}], expected [{string.Join(", ", types)}].",
                    nameof(perPair));
        return types;
    }
}

namespace T5Sharp.Data;

/// <summary>Percentiles of token lengths (numpy's default linear interpolation), for choosing max lengths.</summary>
public sealed record LengthStats(double P50, double P90, double P95, double P99, int Max, int Count)
{
    public static LengthStats Of(IReadOnlyCollection<int> lengths)
    {
        if (lengths.Count == 0) return new LengthStats(0, 0, 0, 0, 0, 0);
        var sorted = lengths.Order().ToArray();
        return new LengthStats(Percentile(sorted, 50), Percentile(sorted, 90), Percentile(sorted, 95), Percentile(sorted, 99), sorted[^1], sorted.Length);
    }

    /// <summary>numpy.percentile(method="linear"): the value at rank q/100·(n−1), interpolated between its neighbours.</summary>
    public static double Percentile(IReadOnlyList<int> sorted, double q)
    {
        if (sorted.Count == 0) throw new ArgumentException("no values");
        if (q is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(q), q, "percentile must lie in [0, 100]");
        double rank = q / 100 * (sorted.Count - 1);
        int below = (int)Math.Floor(rank);
        int above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
    }

    public override string ToString() => $"p50 {P50:0.#}, p90 {P90:0.#}, p95 {P95:0.#}, p99 {P99:0.#}, max {Max}";
}

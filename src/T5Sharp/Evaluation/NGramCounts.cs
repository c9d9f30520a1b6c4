namespace T5Sharp.Evaluation;

/// <summary>
/// Counts the n-grams of one token-id sequence without allocating a key per n-gram: a key is a window
/// (array, start, n) into the sequence. Used by ROUGE-N; reusable across calls via <see cref="Reset"/>.
/// </summary>
internal sealed class NGramCounts
{
    readonly record struct Window(int[] Tokens, int Start, int N);

    sealed class WindowComparer : IEqualityComparer<Window>
    {
        public bool Equals(Window x, Window y) =>
            x.N == y.N && x.Tokens.AsSpan(x.Start, x.N).SequenceEqual(y.Tokens.AsSpan(y.Start, y.N));

        public int GetHashCode(Window w)
        {
            var h = new HashCode();
            for (int i = w.Start; i < w.Start + w.N; i++) h.Add(w.Tokens[i]);
            return h.ToHashCode();
        }
    }

    static readonly WindowComparer Comparer = new();
    readonly Dictionary<Window, int> _counts = new(Comparer);

    /// <summary>Total number of n-grams counted (with repeats).</summary>
    public int Total { get; private set; }

    /// <summary>Replaces the counts with the <paramref name="n"/>-grams of <paramref name="tokens"/>.</summary>
    public void Reset(int[] tokens, int n)
    {
        _counts.Clear();
        Total = 0;
        for (int i = 0; i + n <= tokens.Length; i++)
        {
            var key = new Window(tokens, i, n);
            _counts[key] = _counts.GetValueOrDefault(key) + 1;
            Total++;
        }
    }

    /// <summary>Σ over this side's n-grams of min(count here, count there): rouge_score's clipped overlap.</summary>
    public int Overlap(NGramCounts other)
    {
        int overlap = 0;
        foreach (var (key, count) in _counts)
            if (other._counts.TryGetValue(key, out int otherCount)) overlap += Math.Min(count, otherCount);
        return overlap;
    }
}

namespace T5Sharp.Evaluation;

/// <summary>Longest common subsequence helpers shared by ROUGE-L and ROUGE-Lsum (rouge_score's table and backtrack).</summary>
internal sealed class Lcs
{
    int[] _table = new int[1024];

    /// <summary>Length of the LCS of <paramref name="a"/> and <paramref name="b"/>.</summary>
    public int Length(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        Fill(a, b);
        return _table[a.Length * (b.Length + 1) + b.Length];
    }

    /// <summary>
    /// Marks in <paramref name="marked"/> the indices of <paramref name="refTokens"/> on the LCS with
    /// <paramref name="candidate"/>, backtracking exactly as rouge_score's <c>_backtrack_norec</c>
    /// (on a tie between left and up it moves up), so the chosen subsequence — not just its length — matches.
    /// </summary>
    public void MarkLcs(ReadOnlySpan<int> refTokens, ReadOnlySpan<int> candidate, Span<bool> marked)
    {
        Fill(refTokens, candidate);
        int cols = candidate.Length + 1;
        int i = refTokens.Length, j = candidate.Length;
        while (i > 0 && j > 0)
        {
            if (refTokens[i - 1] == candidate[j - 1]) { marked[i - 1] = true; i--; j--; }
            else if (_table[i * cols + j - 1] > _table[(i - 1) * cols + j]) j--;
            else i--;
        }
    }

    void Fill(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        int cols = b.Length + 1, size = (a.Length + 1) * cols;
        if (_table.Length < size) _table = new int[Math.Max(size, 2 * _table.Length)];
        var t = _table.AsSpan(0, size);
        t[..cols].Clear();
        for (int i = 1; i <= a.Length; i++)
        {
            int row = i * cols, prev = row - cols;
            t[row] = 0;
            int ai = a[i - 1];
            for (int j = 1; j <= b.Length; j++)
                t[row + j] = ai == b[j - 1] ? t[prev + j - 1] + 1 : Math.Max(t[prev + j], t[row + j - 1]);
        }
    }
}

using static TorchSharp.torch;

namespace T5Sharp.Generation.Processors;

/// <summary>Sets scores[row, token] = -inf for a list of (row, token) pairs in one indexed write.</summary>
internal static class TokenBans
{
    public static Tensor Apply(Tensor scores, List<long> flatIndices)
    {
        if (flatIndices.Count == 0) return scores;
        var contiguousScores = scores.contiguous();
        using var index = tensor(flatIndices.ToArray(), ScalarType.Int64).to(scores.device);
        contiguousScores.view(-1).index_fill_(0, index, double.NegativeInfinity);
        return contiguousScores;
    }

    /// <summary>Tokens that followed earlier occurrences of the last n-1 ids of <paramref name="sequence"/> in <paramref name="source"/>.</summary>
    public static IEnumerable<long> NGramContinuations(IReadOnlyList<long> source, List<long> sequence, int n)
    {
        int prefix = n - 1, length = sequence.Count;
        if (length < prefix) yield break;
        for (int i = 0; i + n <= source.Count; i++)
        {
            bool match = true;
            for (int j = 0; j < prefix && match; j++) match = source[i + j] == sequence[length - prefix + j];
            if (match) yield return source[i + prefix];
        }
    }
}

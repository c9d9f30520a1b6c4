using T5Sharp.Tokenization;

namespace T5Sharp.Evaluation;

/// <summary>
/// chrF exactly as sacrebleu 2.6's <c>CHRF(char_order=6, word_order=0, beta=2, lowercase=False, whitespace=False,
/// eps_smoothing=False).corpus_score</c>: character n-grams over code points (whitespace removed), per segment the
/// reference with the best sentence F is kept, corpus statistics are summed, and the score averages precision and
/// recall over the orders that have n-grams on both sides ("effective order"). chrF++ word n-grams are not implemented.
/// </summary>
public static class Chrf
{
    /// <summary>Corpus chrF. Reference streams and bad-input behaviour as in <see cref="Bleu.Corpus"/>.</summary>
    /// <exception cref="ArgumentException">Mismatched counts (both named), null prediction, no streams, empty references,
    /// <paramref name="charOrder"/> &lt; 1 or <paramref name="beta"/> &lt; 0.</exception>
    public static ChrfScore Corpus(IReadOnlyList<string> predictions, IReadOnlyList<IReadOnlyList<string>> referenceStreams,
        int charOrder = 6, int beta = 2, bool lowercase = false, bool whitespace = false)
    {
        if (charOrder < 1) throw new ArgumentException($"charOrder must be at least 1, found {charOrder}.", nameof(charOrder));
        if (beta < 0) throw new ArgumentException($"beta must be non-negative, found {beta}.", nameof(beta));
        var refs = ReferenceSet.Build(predictions, referenceStreams);
        var corpus = new long[3 * charOrder];
        for (int i = 0; i < predictions.Count; i++)
        {
            var hyp = CharNgrams(Preprocess(predictions[i], lowercase), charOrder, whitespace);
            long[]? best = null;
            double bestF = -1.0;
            foreach (var r in refs.PerSegment[i])
            {
                var refGrams = CharNgrams(Preprocess(r, lowercase), charOrder, whitespace);
                var stats = new long[3 * charOrder];
                for (int n = 0; n < charOrder; n++) MatchStatistics(hyp[n], refGrams[n], stats.AsSpan(3 * n, 3));
                double f = FScore(stats, charOrder, beta);
                if (f > bestF) { bestF = f; best = stats; }
            }
            for (int k = 0; k < corpus.Length; k++) corpus[k] += best![k];
        }
        var signature = $"nrefs:{refs.NRefs}|case:{(lowercase ? "lc" : "mixed")}|eff:yes|nc:{charOrder}|nw:0" +
                        $"|space:{(whitespace ? "yes" : "no")}|version:2.6.0";
        return new ChrfScore(FScore(corpus, charOrder, beta), charOrder, 0, beta, signature);
    }

    static string Preprocess(string s, bool lowercase) => lowercase ? s.ToLowerInvariant() : s;

    /// <summary>Counters of 1..order character n-grams; a "character" is a Unicode code point, as in Python.</summary>
    static Dictionary<string, int>[] CharNgrams(string line, int order, bool whitespace)
    {
        if (!whitespace) line = string.Concat(PythonText.Split(line));
        var starts = new List<int>(line.Length + 1);
        for (int i = 0; i < line.Length; i++)
            if (!char.IsLowSurrogate(line[i]) || i == 0 || !char.IsHighSurrogate(line[i - 1])) starts.Add(i);
        int count = starts.Count;
        starts.Add(line.Length);
        var result = new Dictionary<string, int>[order];
        for (int n = 1; n <= order; n++)
        {
            var grams = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i + n <= count; i++)
            {
                var g = line[starts[i]..starts[i + n]];
                grams[g] = grams.GetValueOrDefault(g) + 1;
            }
            result[n - 1] = grams;
        }
        return result;
    }

    /// <summary>[hyp count, ref count, matches]; hypothesis n-grams count only if the reference has n-grams of that order.</summary>
    static void MatchStatistics(Dictionary<string, int> hyp, Dictionary<string, int> reference, Span<long> stats)
    {
        long match = 0, hypCount = 0, refCount = 0;
        foreach (var (g, c) in hyp)
        {
            hypCount += c;
            if (reference.TryGetValue(g, out int rc)) match += Math.Min(c, rc);
        }
        foreach (var c in reference.Values) refCount += c;
        stats[0] = reference.Count > 0 ? hypCount : 0;
        stats[1] = refCount;
        stats[2] = match;
    }

    /// <summary>sacrebleu's <c>CHRF._compute_f_score</c> without eps smoothing.</summary>
    static double FScore(long[] stats, int order, int beta)
    {
        double factor = beta * beta, avgPrec = 0, avgRec = 0;
        int effective = 0;
        for (int i = 0; i < order; i++)
        {
            long nHyp = stats[3 * i], nRef = stats[3 * i + 1], nMatch = stats[3 * i + 2];
            if (nHyp > 0 && nRef > 0)
            {
                avgPrec += (double)nMatch / nHyp;
                avgRec += (double)nMatch / nRef;
                effective++;
            }
        }
        if (effective == 0) return 0.0;
        avgPrec /= effective;
        avgRec /= effective;
        if (avgPrec + avgRec == 0) return 0.0;
        return 100 * ((1 + factor) * avgPrec * avgRec / (factor * avgPrec + avgRec));
    }
}

using T5Sharp.Tokenization;

namespace T5Sharp.Evaluation;

/// <summary>
/// BLEU exactly as sacrebleu 2.6: tokenizer 13a, exponential smoothing, max order 4, several reference streams
/// (n-gram counts clipped by the maximum over references, closest reference length with ties to the shorter),
/// brevity penalty on corpus totals.
/// </summary>
public static class Bleu
{
    const int MaxOrder = 4;
    const string Version = "2.6.0";

    /// <summary>
    /// sacrebleu's <c>corpus_bleu(predictions, referenceStreams)</c> with its defaults (effective order off).
    /// <paramref name="referenceStreams"/> holds one list per reference set, each as long as <paramref name="predictions"/>.
    /// Null or empty references are skipped for their segment (signature "nrefs:var" when counts then differ).
    /// </summary>
    /// <exception cref="ArgumentException">A stream's length differs from the prediction count (both are named), a null
    /// prediction, no streams, or a segment whose references are all empty.</exception>
    public static BleuScore Corpus(IReadOnlyList<string> predictions, IReadOnlyList<IReadOnlyList<string>> referenceStreams,
        bool lowercase = false, bool useEffectiveOrder = false)
    {
        var refs = ReferenceSet.Build(predictions, referenceStreams);
        var correct = new long[MaxOrder];
        var total = new long[MaxOrder];
        long sysLen = 0, refLen = 0;
        for (int i = 0; i < predictions.Count; i++)
        {
            var refTokens = refs.PerSegment[i].Select(r => Preprocess(r, lowercase)).ToArray();
            var refMax = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var tokens in refTokens)
                foreach (var (gram, count) in Ngrams(tokens))
                    if (!refMax.TryGetValue(gram, out int seen) || count > seen) refMax[gram] = count;

            var hyp = Preprocess(predictions[i], lowercase);
            sysLen += hyp.Length;
            refLen += ClosestRefLength(hyp.Length, refTokens);
            foreach (var (gram, count) in Ngrams(hyp))
            {
                int order = CountSpaces(gram);
                total[order] += count;
                if (refMax.TryGetValue(gram, out int refCount)) correct[order] += Math.Min(count, refCount);
            }
        }
        var signature = $"nrefs:{refs.NRefs}|case:{(lowercase ? "lc" : "mixed")}|eff:{(useEffectiveOrder ? "yes" : "no")}" +
                        $"|tok:13a|smooth:exp|version:{Version}";
        return Compute(correct, total, sysLen, refLen, useEffectiveOrder, signature);
    }

    /// <summary>sacrebleu's <c>sentence_bleu(prediction, references)</c>: exp smoothing with effective order on.</summary>
    public static BleuScore Sentence(string prediction, IReadOnlyList<string> references, bool lowercase = false)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(references);
        var streams = references.Select(r => (IReadOnlyList<string>)new[] { r }).ToArray();
        return Corpus([prediction], streams, lowercase, useEffectiveOrder: true);
    }

    static string[] Preprocess(string text, bool lowercase)
    {
        if (lowercase) text = text.ToLowerInvariant();
        return PythonText.Split(Tokenizer13a.Tokenize(PythonText.RStrip(text)));
    }

    static int CountSpaces(string gram)
    {
        int n = 0;
        foreach (char c in gram) if (c == ' ') n++;
        return n;
    }

    /// <summary>1..4-gram counts; a key joins tokens with single spaces (tokens never contain whitespace).</summary>
    static Dictionary<string, int> Ngrams(string[] tokens)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int n = 1; n <= MaxOrder; n++)
            for (int i = 0; i + n <= tokens.Length; i++)
            {
                var key = string.Join(' ', tokens, i, n);
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
        return counts;
    }

    static int ClosestRefLength(int hypLen, string[][] refs)
    {
        int best = -1, bestDiff = -1;
        foreach (var r in refs)
        {
            int diff = Math.Abs(hypLen - r.Length);
            if (bestDiff == -1 || diff < bestDiff) { bestDiff = diff; best = r.Length; }
            else if (diff == bestDiff && r.Length < best) best = r.Length;
        }
        return best;
    }

    /// <summary>sacrebleu's <c>BLEU.compute_bleu</c> for smooth_method="exp".</summary>
    static BleuScore Compute(long[] correct, long[] total, long sysLen, long refLen, bool effectiveOrder, string signature)
    {
        double bp = sysLen < refLen ? (sysLen > 0 ? Math.Exp(1 - (double)refLen / sysLen) : 0.0) : 1.0;
        var precisions = new double[MaxOrder];
        if (correct.All(c => c == 0))
            return new BleuScore(0.0, correct, total, precisions, bp, sysLen, refLen, signature);

        double smooth = 1.0;
        int effOrder = MaxOrder;
        for (int n = 1; n <= MaxOrder; n++)
        {
            if (total[n - 1] == 0) break;
            if (effectiveOrder) effOrder = n;
            if (correct[n - 1] == 0)
            {
                smooth *= 2;
                precisions[n - 1] = 100.0 / (smooth * total[n - 1]);
            }
            else precisions[n - 1] = 100.0 * correct[n - 1] / total[n - 1];
        }
        double logSum = 0;
        for (int i = 0; i < effOrder; i++) logSum += precisions[i] == 0.0 ? -9999999999.0 : Math.Log(precisions[i]);
        return new BleuScore(bp * Math.Exp(logSum / effOrder), correct, total, precisions, bp, sysLen, refLen, signature);
    }
}

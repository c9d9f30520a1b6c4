using System.Text.RegularExpressions;

namespace T5Sharp.Evaluation;

/// <summary>
/// ROUGE exactly as Google's rouge_score 0.1.2 <c>RougeScorer</c> (what HF <c>evaluate.load("rouge")</c> calls):
/// "rouge1".."rouge9" (n-gram overlap), "rougeL" (LCS over the whole text) and "rougeLsum" (summary-level union-LCS
/// over sentences separated by "\n", or by <see cref="SentenceSplitter"/> when <c>splitSummaries</c> is set).
/// Empty prediction or reference (no tokens) gives P = R = F = 0, as rouge_score does.
/// Not thread-safe (it caches tokens and buffers); use one scorer per thread.
/// </summary>
public sealed partial class RougeScorer
{
    readonly string[] _types;
    readonly int[] _ngramOrder; // n for rougeN, 0 for rougeL, -1 for rougeLsum
    readonly bool _splitSummaries;
    readonly RougeTokenizer _tokenizer;
    readonly Lcs _lcs = new();
    readonly NGramCounts _refNgrams = new(), _predNgrams = new();
    bool[] _marks = new bool[64];
    readonly Dictionary<int, int> _refCounts = new(), _predCounts = new();

    /// <param name="rougeTypes">e.g. "rouge1", "rouge2", "rougeL", "rougeLsum"; results keep this order.</param>
    /// <param name="useStemmer">Porter-stem tokens longer than 3 characters (evaluate's <c>use_stemmer</c>).</param>
    /// <param name="splitSummaries">For rougeLsum, split sentences with <see cref="SentenceSplitter"/> instead of on
    /// "\n" (rouge_score would use nltk's sent_tokenize here).</param>
    /// <exception cref="ArgumentException">An unknown rouge type, or none at all.</exception>
    public RougeScorer(IEnumerable<string> rougeTypes, bool useStemmer = false, bool splitSummaries = false)
    {
        ArgumentNullException.ThrowIfNull(rougeTypes);
        _types = rougeTypes.ToArray();
        if (_types.Length == 0) throw new ArgumentException("At least one rouge type is required.", nameof(rougeTypes));
        _ngramOrder = new int[_types.Length];
        for (int i = 0; i < _types.Length; i++)
        {
            var t = _types[i] ?? throw new ArgumentException("A rouge type is null.", nameof(rougeTypes));
            if (t == "rougeL") _ngramOrder[i] = 0;
            else if (t == "rougeLsum") _ngramOrder[i] = -1;
            else if (RougeNPattern().IsMatch(t) && t[5] != '0') _ngramOrder[i] = t[5] - '0';
            else throw new ArgumentException(
                $"Invalid rouge type '{t}': expected rouge1..rouge9, rougeL or rougeLsum.", nameof(rougeTypes));
        }
        _splitSummaries = splitSummaries;
        _tokenizer = new RougeTokenizer(useStemmer);
    }

    [GeneratedRegex("^rouge[0-9]$")]
    private static partial Regex RougeNPattern();

    public IReadOnlyList<string> RougeTypes => _types;
    public RougeTokenizer Tokenizer => _tokenizer;

    /// <summary>Scores one prediction against one reference (rouge_score's <c>score(target, prediction)</c>).</summary>
    /// <returns>One <see cref="RougeScore"/> per rouge type, in <see cref="RougeTypes"/> order.</returns>
    public IReadOnlyDictionary<string, RougeScore> Score(string prediction, string reference)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(reference);
        int[]? refTokens = null, predTokens = null;
        var result = new Dictionary<string, RougeScore>(_types.Length);
        for (int i = 0; i < _types.Length; i++)
        {
            int n = _ngramOrder[i];
            if (n >= 0)
            {
                refTokens ??= _tokenizer.TokenizeToIds(reference);
                predTokens ??= _tokenizer.TokenizeToIds(prediction);
            }
            result[_types[i]] = n switch
            {
                0 => ScoreLcs(refTokens!, predTokens!),
                -1 => ScoreSummaryLevelLcs(Sentences(reference), Sentences(prediction)),
                _ => ScoreNgrams(refTokens!, predTokens!, n),
            };
        }
        return result;
    }

    /// <summary>
    /// rouge_score's <c>score_multi</c>: scores against every reference and keeps, per rouge type independently, the
    /// reference with the highest F-measure (the first one on ties).
    /// </summary>
    /// <exception cref="ArgumentException">No references.</exception>
    public IReadOnlyDictionary<string, RougeScore> ScoreMulti(string prediction, IReadOnlyList<string> references)
    {
        ArgumentNullException.ThrowIfNull(references);
        if (references.Count == 0) throw new ArgumentException("ScoreMulti needs at least one reference.", nameof(references));
        var best = new Dictionary<string, RougeScore>(Score(prediction, references[0]));
        for (int r = 1; r < references.Count; r++)
            foreach (var (type, score) in Score(prediction, references[r]))
                if (score.FMeasure > best[type].FMeasure) best[type] = score;
        return best;
    }

    List<int[]> Sentences(string text)
    {
        IEnumerable<string> parts = _splitSummaries ? SentenceSplitter.Split(text) : text.Split('\n');
        var sentences = new List<int[]>();
        // rouge_score drops empty strings before tokenizing, but keeps sentences that tokenize to nothing.
        foreach (var s in parts) if (s.Length > 0) sentences.Add(_tokenizer.TokenizeToIds(s));
        return sentences;
    }

    RougeScore ScoreNgrams(int[] refTokens, int[] predTokens, int n)
    {
        _refNgrams.Reset(refTokens, n);
        _predNgrams.Reset(predTokens, n);
        int overlap = _refNgrams.Overlap(_predNgrams);
        return RougeScore.From((double)overlap / Math.Max(_predNgrams.Total, 1), (double)overlap / Math.Max(_refNgrams.Total, 1));
    }

    RougeScore ScoreLcs(int[] refTokens, int[] predTokens)
    {
        if (refTokens.Length == 0 || predTokens.Length == 0) return default;
        int lcs = _lcs.Length(refTokens, predTokens);
        return RougeScore.From((double)lcs / predTokens.Length, (double)lcs / refTokens.Length);
    }

    /// <summary>
    /// rouge_score's <c>_summary_level_lcs</c>: for every reference sentence, the union of its LCS positions with each
    /// candidate sentence; a union token counts as a hit only while both sides still have an unused copy of it
    /// (ROUGE 1.5.5's guard against double counting).
    /// </summary>
    RougeScore ScoreSummaryLevelLcs(List<int[]> refSents, List<int[]> predSents)
    {
        if (refSents.Count == 0 || predSents.Count == 0) return default;
        int m = 0, n = 0;
        _refCounts.Clear();
        _predCounts.Clear();
        foreach (var s in refSents) { m += s.Length; foreach (var t in s) _refCounts[t] = _refCounts.GetValueOrDefault(t) + 1; }
        foreach (var s in predSents) { n += s.Length; foreach (var t in s) _predCounts[t] = _predCounts.GetValueOrDefault(t) + 1; }
        if (m == 0 || n == 0) return default;

        int hits = 0;
        foreach (var r in refSents)
        {
            if (_marks.Length < r.Length) _marks = new bool[Math.Max(r.Length, 2 * _marks.Length)];
            var marks = _marks.AsSpan(0, r.Length);
            marks.Clear();
            foreach (var c in predSents) _lcs.MarkLcs(r, c, marks);
            for (int i = 0; i < r.Length; i++)
            {
                if (!marks[i]) continue;
                int t = r[i];
                if (_predCounts.GetValueOrDefault(t) > 0 && _refCounts.GetValueOrDefault(t) > 0)
                {
                    hits++;
                    _predCounts[t]--;
                    _refCounts[t]--;
                }
            }
        }
        return RougeScore.From((double)hits / n, (double)hits / m);
    }
}

namespace T5Sharp.Generation;

/// <summary>
/// HF's BeamHypotheses: the num_beams best finished hypotheses of one input, scored sum_logprobs /
/// generated_length ** length_penalty, and the rule that says when no open beam can still enter the list.
/// </summary>
internal sealed class BeamHypotheses(int numBeams, double lengthPenalty, EarlyStopping earlyStopping, int maxLength)
{
    public sealed record Hypothesis(double Score, long[] Tokens, float[]? TokenLogProbs);

    readonly List<Hypothesis> _beams = [];
    double _worstScore = 1e9;

    public IReadOnlyList<Hypothesis> Beams => _beams;

    /// <param name="generatedLength">Generated tokens counted for the length penalty (EOS included; the start token not).</param>
    public void Add(long[] tokens, double sumLogProbs, int generatedLength, float[]? tokenLogProbs)
    {
        double score = sumLogProbs / Math.Pow(generatedLength, lengthPenalty);
        if (_beams.Count < numBeams || score > _worstScore)
        {
            _beams.Add(new Hypothesis(score, tokens, tokenLogProbs));
            if (_beams.Count > numBeams)
            {
                // drop the worst (first of equals, as Python's stable sort of (score, index) does)
                var order = _beams.Select((b, i) => (b.Score, i)).OrderBy(t => t.Score).ThenBy(t => t.i).ToList();
                _beams.RemoveAt(order[0].i);
                _worstScore = order[1].Score;
            }
            else
            {
                _worstScore = Math.Min(score, _worstScore);
            }
        }
    }

    /// <summary>HF's is_done: cur_len counts the start token and the token being added this step.</summary>
    public bool IsDone(double bestSumLogProbs, int curLen)
    {
        if (_beams.Count < numBeams) return false;
        const int promptLength = 1; // the decoder start token
        switch (earlyStopping)
        {
            case EarlyStopping.WhenBeamsFinished:
                return true;
            case EarlyStopping.Heuristic:
                return _worstScore >= bestSumLogProbs / Math.Pow(curLen - promptLength, lengthPenalty);
            default:
                // "never": the best score any open beam could reach; with a positive penalty the longest length is best
                int length = lengthPenalty > 0 ? maxLength - promptLength : curLen - promptLength;
                return _worstScore >= bestSumLogProbs / Math.Pow(length, lengthPenalty);
        }
    }
}

namespace T5Sharp.Generation;

/// <summary>
/// HF's BeamSearchScorer on the host: each step picks, per input, the num_beams best non-EOS candidates among the
/// 2·num_beams proposals and files EOS candidates ranked within the top num_beams as finished hypotheses; finalize adds
/// the open beams and returns the best num_return_sequences per input, padded as HF pads them.
/// </summary>
internal sealed class BeamScorer
{
    readonly int _batch, _beams, _keep, _maxLength;
    readonly long _eos, _pad;
    readonly BeamHypotheses[] _hyps;
    readonly bool[] _done;

    public BeamScorer(int batch, SearchSetup s)
    {
        _batch = batch;
        _beams = s.Config.NumBeams;
        _keep = s.Config.NumReturnSequences;
        _maxLength = s.MaxLength;
        _eos = s.Eos;
        _pad = s.Pad;
        _hyps = Enumerable.Range(0, batch)
            .Select(_ => new BeamHypotheses(_beams, s.Config.LengthPenalty, s.Config.EarlyStopping, s.MaxLength)).ToArray();
        _done = new bool[batch];
    }

    public bool IsDone => _done.All(d => d);

    /// <summary>
    /// One step. candidates: per input, 2·num_beams (score, token, source row, processed token log-prob) best first.
    /// Returns per row the new beam score, token and source row.
    /// </summary>
    public (float[] Scores, long[] Tokens, int[] Sources) Process(
        IReadOnlyList<List<long>> sequences, IReadOnlyList<List<float>> tokenLogProbs,
        (float Score, long Token, int Row, float LogProb)[][] candidates)
    {
        int rows = _batch * _beams, curLen = sequences[0].Count + 1;
        var scores = new float[rows];
        var tokens = new long[rows];
        var sources = new int[rows];
        for (int b = 0; b < _batch; b++)
        {
            if (_done[b])
            {
                for (int j = 0; j < _beams; j++) (scores[b * _beams + j], tokens[b * _beams + j], sources[b * _beams + j]) = (0, _pad, b * _beams);
                continue;
            }
            int beam = 0;
            for (int rank = 0; rank < candidates[b].Length && beam < _beams; rank++)
            {
                var c = candidates[b][rank];
                if (c.Token == _eos)
                {
                    if (rank >= _beams) continue; // an EOS outside the top num_beams is not worth keeping
                    _hyps[b].Add(sequences[c.Row].ToArray(), c.Score, curLen - 1, [.. tokenLogProbs[c.Row], c.LogProb]);
                }
                else
                {
                    int row = b * _beams + beam++;
                    (scores[row], tokens[row], sources[row]) = (c.Score, c.Token, c.Row);
                }
            }
            if (beam < _beams)
                throw new InvalidOperationException($"beam search found only {beam} non-EOS candidates for {_beams} beams");
            _done[b] = _hyps[b].IsDone(candidates[b].Max(c => c.Score), curLen);
        }
        return (scores, tokens, sources);
    }

    /// <summary>Adds the open beams of unfinished inputs and returns the best hypotheses, HF-padded.</summary>
    public GenerationOutput Finalize(IReadOnlyList<List<long>> sequences, IReadOnlyList<List<float>> tokenLogProbs,
        float[] beamScores, bool withLogProbs)
    {
        for (int b = 0; b < _batch; b++)
        {
            if (_done[b]) continue;
            for (int j = 0; j < _beams; j++)
            {
                int row = b * _beams + j;
                _hyps[b].Add(sequences[row].ToArray(), beamScores[row], sequences[row].Count - 1, tokenLogProbs[row].ToArray());
            }
        }
        var best = new List<BeamHypotheses.Hypothesis>();
        foreach (var hyps in _hyps)
        {
            // Python: sorted by score (stable), then pop() from the end: highest score, the later-added among equals
            var sorted = hyps.Beams.Select((h, i) => (h, i)).OrderBy(t => t.h.Score).ThenBy(t => t.i).Select(t => t.h).ToList();
            for (int j = 0; j < _keep; j++)
            {
                best.Add(sorted[^1]);
                sorted.RemoveAt(sorted.Count - 1);
            }
        }
        int longest = best.Max(h => h.Tokens.Length);
        int width = Math.Min(longest + 1, _maxLength);
        bool ragged = best.Min(h => h.Tokens.Length) != longest;
        var decoded = best.Select(h =>
        {
            var row = new long[width];
            if (ragged) Array.Fill(row, _pad);
            h.Tokens.CopyTo(row, 0);
            if (h.Tokens.Length < width) row[h.Tokens.Length] = _eos;
            return row;
        }).ToArray();
        return new GenerationOutput
        {
            Sequences = decoded,
            SequenceScores = best.Select(h => (float)h.Score).ToArray(),
            TokenLogProbs = withLogProbs ? best.Select(h => h.TokenLogProbs ?? []).ToArray() : null,
        };
    }
}

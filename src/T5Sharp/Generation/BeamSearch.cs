using T5Sharp.Generation.Processors;
using T5Sharp.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Generation;

/// <summary>
/// HF's _beam_search (and beam sampling when do_sample): all beams of all inputs go through one decoder call per step;
/// log-softmax, processors (and warpers), plus the running beam scores; the 2·num_beams best (or sampled) candidates per
/// input go to the <see cref="BeamScorer"/>; the key/value cache follows the surviving beams. One host copy per step.
/// </summary>
internal static class BeamSearch
{
    public static GenerationOutput Run(T5ForConditionalGeneration model, T5DecoderCache cache, SearchSetup s)
    {
        int batch = s.BatchSize, beams = s.RowsPerInput, rows = s.Rows, candidatesPerInput = 2 * beams;
        bool sample = s.Config.DoSample, wantLogProbs = s.Config.OutputScores;
        var scorer = new BeamScorer(batch, s);
        var sequences = Enumerable.Range(0, rows).Select(_ => new List<long>(s.MaxLength) { s.Start }).ToList();
        var logProbs = Enumerable.Range(0, rows).Select(_ => new List<float>()).ToList();
        // only the first beam of each input is live at first, so the first step doesn't pick the same token num_beams times
        var beamScores = Enumerable.Range(0, rows).Select(r => r % beams == 0 ? 0f : -1e9f).ToArray();
        var next = full(rows, 1, s.Start, ScalarType.Int64, s.Device);
        try
        {
            while (true)
            {
                s.Cancellation.ThrowIfCancellationRequested(); // a Ctrl-C stops here, before the next decoding step
                using var scope = NewDisposeScope();
                var logits = model.DecodeStep(next, cache).select(1, -1).to(ScalarType.Float32);
                var state = new DecodingState(sequences, s.EncoderIds, s.RowsPerInput);
                var processed = LogitsPipeline.Apply(s.Processors, state, logits.log_softmax(1));
                if (sample) processed = LogitsPipeline.Apply(s.Warpers, state, processed);
                long vocab = processed.shape[1];
                var total = (processed + tensor(beamScores).to(s.Device).unsqueeze(1)).view(batch, beams * vocab);
                Tensor values, indices;
                if (sample)
                {
                    var drawn = multinomial(total.softmax(1), candidatesPerInput, generator: s.Sampler);
                    var (sortedValues, order) = total.gather(1, drawn).sort(dim: 1, descending: true);
                    (values, indices) = (sortedValues, drawn.gather(1, order));
                }
                else
                {
                    (values, indices) = total.topk(candidatesPerInput, dim: 1, largest: true, sorted: true);
                }
                var parts = new List<Tensor> { values.to(ScalarType.Float64), indices.to(ScalarType.Float64) };
                if (wantLogProbs) parts.Add(processed.view(batch, beams * vocab).gather(1, indices).to(ScalarType.Float64));
                var host = stack(parts).cpu().data<double>().ToArray(); // the step's one sync

                int block = batch * candidatesPerInput;
                var candidates = new (float, long, int, float)[batch][];
                for (int b = 0; b < batch; b++)
                {
                    candidates[b] = new (float, long, int, float)[candidatesPerInput];
                    for (int c = 0; c < candidatesPerInput; c++)
                    {
                        int i = b * candidatesPerInput + c;
                        long flat = (long)host[block + i];
                        candidates[b][c] = ((float)host[i], flat % vocab, b * beams + (int)(flat / vocab), wantLogProbs ? (float)host[2 * block + i] : 0f);
                    }
                }
                var (scores, tokens, sources) = scorer.Process(sequences, logProbs, candidates);
                beamScores = scores;
                sequences = sources.Select((src, r) => new List<long>(sequences[src]) { tokens[r] }).ToList();
                if (wantLogProbs)
                    logProbs = sources.Select((src, r) => new List<float>(logProbs[src]) { candidateLogProb(candidates, src, tokens[r], beams) }).ToList();
                if (scorer.IsDone || sequences[0].Count >= s.MaxLength) break;
                using (var order = tensor(sources.Select(x => (long)x).ToArray(), ScalarType.Int64))
                    cache.Reorder(order, selfAttentionOnly: true); // beams never leave their input's group
                next.Dispose();
                next = tensor(tokens, [rows, 1], ScalarType.Int64).to(s.Device).DetachFromDisposeScope();
            }
        }
        finally
        {
            next.Dispose();
        }
        return scorer.Finalize(sequences, logProbs, beamScores, wantLogProbs);
    }

    // The processed log-prob of the candidate that extended row `source` with `token` (done inputs get pad: 0).
    static float candidateLogProb((float Score, long Token, int Row, float LogProb)[][] candidates, int source, long token, int beams)
    {
        foreach (var c in candidates[source / beams])
            if (c.Row == source && c.Token == token) return c.LogProb;
        return 0f;
    }
}

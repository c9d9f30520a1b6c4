using T5Sharp.Runtime;
using T5Sharp.Generation.Processors;
using T5Sharp.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Generation;

/// <summary>
/// HF's _sample for one hypothesis per row: greedy (argmax of the processed logits) or multinomial sampling of the
/// processed and warped logits. Rows that produced EOS receive pad; stops when all rows finished or at max_length.
/// One model call and one device→host copy per step.
/// </summary>
internal static class SampleSearch
{
    public static GenerationOutput Run(T5ForConditionalGeneration model, T5DecoderCache cache, SearchSetup s, IGenerationStreamer? streamer)
    {
        int rows = s.Rows;
        bool sample = s.Config.DoSample, wantLogProbs = s.Config.OutputScores;
        var sequences = Enumerable.Range(0, rows).Select(_ => new List<long>(s.MaxLength) { s.Start }).ToArray();
        var logProbs = Enumerable.Range(0, rows).Select(_ => new List<float>()).ToArray();
        var chosenScores = new List<float[]>();
        var finished = new bool[rows];
        var state = new DecodingState(sequences, s.EncoderIds, s.RowsPerInput);
        var next = full(rows, 1, s.Start, ScalarType.Int64, s.Device);
        try
        {
            for (int step = 0; sequences[0].Count < s.MaxLength; step++)
            {
                s.Cancellation.ThrowIfCancellationRequested(); // a Ctrl-C stops here, before the next decoding step
                using var scope = NewDisposeScope();
                var scores = model.DecodeStep(next, cache).select(1, -1).to(ScalarType.Float32).contiguous();
                scores = LogitsPipeline.Apply(s.Processors, state, scores);
                if (sample) scores = LogitsPipeline.Apply(s.Warpers, state, scores);
                var picked = sample
                    ? multinomial(scores.softmax(1), 1, generator: s.Sampler).squeeze(1)
                    : scores.argmax(1);
                // HF: a finished row gets pad whatever was picked, and its score is that of pad
                var finishedMask = tensor(finished).to(s.Device);
                picked = picked.masked_fill(finishedMask, Scalars.Of(s.Pad));
                var column = picked.unsqueeze(1);
                var parts = new List<Tensor> { picked.to(ScalarType.Float64), scores.gather(1, column).squeeze(1).to(ScalarType.Float64) };
                if (wantLogProbs) parts.Add(scores.log_softmax(1).gather(1, column).squeeze(1).to(ScalarType.Float64));
                var host = stack(parts).cpu().data<double>().ToArray(); // the step's one sync

                var tokens = new long[rows];
                var stepScores = new float[rows];
                for (int r = 0; r < rows; r++)
                {
                    tokens[r] = (long)host[r];
                    stepScores[r] = (float)host[rows + r];
                    if (wantLogProbs && !finished[r]) logProbs[r].Add((float)host[2 * rows + r]);
                    sequences[r].Add(tokens[r]);
                    if (tokens[r] == s.Eos) finished[r] = true;
                }
                chosenScores.Add(stepScores);
                streamer?.Put(step, tokens);
                if (finished.All(f => f)) break;
                next.Dispose();
                next = column.DetachFromDisposeScope();
            }
        }
        finally
        {
            next.Dispose();
        }
        streamer?.End();
        return new GenerationOutput
        {
            Sequences = sequences.Select(q => q.ToArray()).ToArray(),
            ChosenTokenScores = chosenScores.ToArray(),
            TokenLogProbs = wantLogProbs ? logProbs.Select(l => l.ToArray()).ToArray() : null,
            SequenceScores = wantLogProbs ? logProbs.Select(l => l.Sum()).ToArray() : null,
        };
    }
}

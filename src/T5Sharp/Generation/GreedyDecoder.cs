using T5Sharp.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Generation;

/// <summary>
/// Batched greedy decoding with the decoder's key/value cache, following HF's greedy search: argmax of the processed
/// logits, rows that produced EOS keep receiving pad, stop when every row finished or max_new_tokens were made.
/// </summary>
public static class GreedyDecoder
{
    /// <param name="inputIds">[B, S] right-padded source ids.</param>
    /// <param name="attentionMask">[B, S] 1 for tokens, 0 for padding.</param>
    public static GreedyResult Generate(T5ForConditionalGeneration model, Tensor inputIds, Tensor attentionMask, GreedyOptions options)
    {
        if (options.MaxNewTokens < 0) throw new ArgumentOutOfRangeException(nameof(options), "MaxNewTokens must not be negative");
        var config = model.Config;
        long start = options.DecoderStartTokenId ?? config.DecoderStartId;
        long eos = options.EosTokenId ?? config.EosTokenId;
        long pad = options.PadTokenId ?? config.PadTokenId;
        int batch = (int)inputIds.shape[0];

        var sequences = Enumerable.Range(0, batch).Select(_ => new List<long> { start }).ToArray();
        var scores = new List<float[]>();
        var finished = new bool[batch];

        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            using var outer = NewDisposeScope();
            var encoded = model.Encode(inputIds, attentionMask);
            using var cache = model.CreateDecoderCache(encoded, attentionMask, options.MaxNewTokens + 1);
            var next = full(batch, 1, start, ScalarType.Int64, inputIds.device);
            for (int step = 0; step < options.MaxNewTokens; step++)
            {
                using var scope = NewDisposeScope();
                var logits = model.DecodeStep(next, cache).select(1, -1); // [B, vocab]
                if (step < options.MinNewTokens) logits = MaskToken(logits, eos);
                var best = logits.argmax(-1);
                var chosen = best.to(ScalarType.Int64).cpu().data<long>().ToArray();
                for (int row = 0; row < batch; row++)
                    if (finished[row]) chosen[row] = pad; // HF: finished rows get pad whatever the argmax is
                var chosenTensor = tensor(chosen, ScalarType.Int64).to(inputIds.device);
                var chosenScores = logits.to(ScalarType.Float32).gather(1, chosenTensor.unsqueeze(1)).squeeze(1).cpu().data<float>().ToArray();
                scores.Add(chosenScores);
                for (int row = 0; row < batch; row++)
                {
                    sequences[row].Add(chosen[row]);
                    if (chosen[row] == eos) finished[row] = true;
                }
                if (finished.All(f => f)) break;
                next.Dispose();
                next = chosenTensor.unsqueeze(1).DetachFromDisposeScope();
            }
            next.Dispose();
        }
        finally
        {
            if (wasTraining) model.train();
        }
        return new GreedyResult(sequences.Select(s => s.ToArray()).ToArray(), scores.ToArray());
    }

    /// <summary>HF's MinNewTokensLengthLogitsProcessor: the token's score becomes -inf.</summary>
    static Tensor MaskToken(Tensor logits, long token)
    {
        var masked = logits.clone();
        masked.select(1, token).fill_(double.NegativeInfinity);
        return masked;
    }
}

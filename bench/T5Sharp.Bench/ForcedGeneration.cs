using System.Diagnostics;
using T5Sharp.Generation;
using T5Sharp.Modeling;
using static TorchSharp.torch;

namespace T5Sharp.Bench;

/// <summary>
/// Greedy generation that makes exactly the forced number of new tokens, timed: the measurement the generation
/// benchmarks that compare two weight formats (dtype, quantization) share.
/// </summary>
public static class ForcedGeneration
{
    /// <summary>Best seconds of <paramref name="runs"/> calls after one warm-up, on random sources ending with EOS.</summary>
    public static double BestSeconds(T5ForConditionalGeneration model, int batch, int sourceLength, int newTokens, int runs, GenerationConfig config)
    {
        var generator = new Generator(11);
        using var ids = randint(3, 32000, [batch, sourceLength], generator: generator, dtype: ScalarType.Int64);
        ids[TensorIndex.Colon, sourceLength - 1] = tensor(1L); // EOS last, as the tokenizer ends every source
        using var mask = ones_like(ids);
        double best = double.MaxValue;
        for (int run = 0; run <= runs; run++)
        {
            var watch = Stopwatch.StartNew();
            var output = Seq2SeqGenerator.Generate(model, ids, mask, config);
            double seconds = watch.Elapsed.TotalSeconds;
            if (output.Sequences[0].Length != newTokens + 1) throw new InvalidOperationException($"the run did not make {newTokens} tokens");
            if (run > 0) best = Math.Min(best, seconds); // run 0 warms up
        }
        return best;
    }
}

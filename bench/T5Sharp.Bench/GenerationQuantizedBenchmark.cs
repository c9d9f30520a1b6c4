using System.Diagnostics;
using System.Globalization;
using T5Sharp.Generation;
using T5Sharp.Modeling;
using T5Sharp.Runtime;
using static TorchSharp.torch;

namespace T5Sharp.Bench;

/// <summary>
/// Greedy generation float32 vs int8-quantized weights (<see cref="T5ForConditionalGeneration.Quantize"/>: int8 with
/// lm_head included, int8-body with lm_head left float32) in one run, at the flan-t5-small shape (random init), batch 1 and 16: tokens/s of each and the speed ratios to
/// float32. Exactly N new tokens (min = max) so EOS can't end a row early.
/// args: [source length (32)] [new tokens (32)] [timed runs after a warm-up (2)] [libtorch threads (as initialised)].
/// </summary>
public static class GenerationQuantizedBenchmark
{
    public static void Run(string[] args)
    {
        int sourceLength = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 32;
        int newTokens = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 32;
        int runs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2;
        if (args.Length > 3) set_num_threads(int.Parse(args[3], CultureInfo.InvariantCulture));
        var config = T5Config.Load(BenchPaths.FlanT5SmallConfig);
        Console.WriteLine($"model: flan-t5-small shape (random init), threads {get_num_threads()}, {CpuFeatures.Current}");
        Console.WriteLine($"source {sourceLength} tokens, {newTokens} new tokens, best of {runs} after a warm-up");
        var forced = new GenerationConfig { MaxNewTokens = newTokens, MinNewTokens = newTokens };
        foreach (int batch in new[] { 1, 16 })
        {
            var speed = new Dictionary<string, double>();
            foreach (var (name, quantization, lmHead) in new[] { ("float32", WeightQuantization.None, false),
                         ("int8", WeightQuantization.Int8, true), ("int8-body", WeightQuantization.Int8, false) })
            {
                using var model = RandomModel.Create(config, seed: 7);
                model.Quantize(quantization, lmHead);
                double seconds = ForcedGeneration.BestSeconds(model, batch, sourceLength, newTokens, runs, forced);
                speed[name] = batch * newTokens / seconds;
                Console.WriteLine($"batch {batch,2} {name,-9}: {speed[name],8:F1} tokens/s ({seconds * 1000:F0} ms per call)");
            }
            Console.WriteLine($"batch {batch,2} int8 / float32 speed: {speed["int8"] / speed["float32"]:F2}, " +
                              $"int8-body (lm_head float32) / float32: {speed["int8-body"] / speed["float32"]:F2}");
        }
    }
}

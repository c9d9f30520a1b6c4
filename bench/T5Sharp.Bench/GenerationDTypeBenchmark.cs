using System.Diagnostics;
using System.Globalization;
using T5Sharp.Generation;
using T5Sharp.Modeling;
using T5Sharp.Runtime;
using static TorchSharp.torch;

namespace T5Sharp.Bench;

/// <summary>
/// Greedy generation float32 vs bf16 compute in one run, at the flan-t5-small shape (random init), batch 1 and 16:
/// tokens/s of each, the bf16/float32 speed ratio, the weights' bytes and the process's peak resident memory while
/// generating. Exactly N new tokens (min = max) so EOS can't end a row early. bf16 pays only with AMX; on a CPU without
/// it libtorch computes bf16 by conversion, several times slower (so keep the lengths short there).
/// args: [source length (256)] [new tokens (64)] [timed runs after a warm-up (2)] [config.json].
/// </summary>
public static class GenerationDTypeBenchmark
{
    public static void Run(string[] args)
    {
        int sourceLength = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 256;
        int newTokens = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 64;
        int runs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2;
        string configPath = args.Length > 3 ? args[3] : BenchPaths.FlanT5SmallConfig;
        var config = T5Config.Load(configPath);
        Console.WriteLine($"model: {configPath} (random init), threads {get_num_threads()}, {CpuFeatures.Current}");
        Console.WriteLine($"source {sourceLength} tokens, {newTokens} new tokens, best of {runs} after a warm-up");
        var forced = new GenerationConfig { MaxNewTokens = newTokens, MinNewTokens = newTokens };
        foreach (int batch in new[] { 1, 16 })
        {
            var speed = new Dictionary<ComputeType, double>();
            foreach (var type in new[] { ComputeType.Float32, ComputeType.BFloat16 })
            {
                using var model = RandomModel.Create(config, seed: 7);
                model.UseComputeType(type);
                double weightBytes = model.parameters().Sum(p => (double)p.numel() * p.element_size());
                GC.Collect();
                ProcessMemory.ResetPeak();
                double seconds = ForcedGeneration.BestSeconds(model, batch, sourceLength, newTokens, runs, forced);
                speed[type] = batch * newTokens / seconds;
                Console.WriteLine($"batch {batch,2} {type.Name(),-8}: {speed[type],8:F1} tokens/s ({seconds * 1000:F0} ms per call), " +
                                  $"weights {weightBytes / (1 << 20):F0} MiB, peak RSS {ProcessMemory.PeakRssBytes() / (1 << 20):F0} MiB");
            }
            Console.WriteLine($"batch {batch,2} bf16 / float32 speed: {speed[ComputeType.BFloat16] / speed[ComputeType.Float32]:F2}");
        }
    }
}

using System.Diagnostics;
using T5Sharp.Generation;
using T5Sharp.Modeling;
using static TorchSharp.torch;

namespace T5Sharp.Bench;

/// <summary>
/// Generation speed at the flan-t5-small shape (random init): 256-token sources, exactly 64 new tokens (min = max =
/// 64, so EOS can't end a row early). Greedy tokens/s at batch 1 and 16, beam 4 at batch 1, and the time of decoding
/// step 8 vs step 64 (the key/value cache should keep it flat). Tokens/s counts generated tokens per input row,
/// encoder included, best of a few runs. args[0]: the config.json (default ../shared/models/t5-tokenizer/config.json).
/// </summary>
public static class GenerationBenchmark
{
    const int SourceLength = 256, NewTokens = 64, Runs = 3;

    public static void Run(string[] args)
    {
        string configPath = args.Length > 0 ? args[0] : BenchPaths.FlanT5SmallConfig;
        using var model = RandomModel.Create(T5Config.Load(configPath), seed: 7);
        Console.WriteLine($"model: {configPath} (random init), threads {get_num_threads()}, matmul peak {MatmulPeak.Measure(1024, 1.0):F0} GFLOP/s");
        var forced = new GenerationConfig { MaxNewTokens = NewTokens, MinNewTokens = NewTokens };

        var (greedy1, stepTimes) = Measure(model, 1, forced);
        Console.WriteLine($"greedy  batch 1 : {NewTokens / greedy1,8:F1} tokens/s  ({greedy1 * 1000:F0} ms per call)");
        var (greedy16, _) = Measure(model, 16, forced);
        Console.WriteLine($"greedy  batch 16: {16 * NewTokens / greedy16,8:F1} tokens/s  ({greedy16 * 1000:F0} ms per call)");
        var (beam4, _) = Measure(model, 1, forced with { NumBeams = 4 });
        Console.WriteLine($"beam 4  batch 1 : {NewTokens / beam4,8:F1} tokens/s  ({beam4 * 1000:F0} ms per call)");
        Console.WriteLine($"greedy batch 1 step time: step 8 {stepTimes[7] * 1000:F2} ms, step 64 {stepTimes[63] * 1000:F2} ms, " +
                          $"ratio {stepTimes[63] / stepTimes[7]:F2} (mean of steps 5-12 {Mean(stepTimes, 4, 12) * 1000:F2} ms, steps 57-64 {Mean(stepTimes, 56, 64) * 1000:F2} ms)");
    }

    /// <summary>Best wall time of <see cref="Runs"/> calls after a warm-up, and the per-step times of the best greedy call.</summary>
    static (double Seconds, double[] StepTimes) Measure(T5ForConditionalGeneration model, int batch, GenerationConfig config)
    {
        var generator = new Generator(11);
        using var ids = randint(3, 32000, [batch, SourceLength], generator: generator, dtype: ScalarType.Int64);
        ids[TensorIndex.Colon, SourceLength - 1] = tensor(1L); // EOS last, as the tokenizer ends every source
        using var mask = ones_like(ids);
        double best = double.MaxValue;
        double[] bestSteps = [];
        for (int run = 0; run <= Runs; run++)
        {
            var clock = config.NumBeams == 1 ? new StepClock() : null;
            var watch = Stopwatch.StartNew();
            var output = Seq2SeqGenerator.Generate(model, ids, mask, config, clock);
            double seconds = watch.Elapsed.TotalSeconds;
            if (output.Sequences[0].Length != NewTokens + 1) throw new InvalidOperationException("the run did not make 64 tokens");
            if (run == 0 || seconds >= best) continue; // run 0 warms up
            best = seconds;
            bestSteps = clock?.StepTimes.ToArray() ?? [];
        }
        return (best, bestSteps);
    }

    static double Mean(double[] values, int from, int to) => values[from..to].Average();

    /// <summary>Time between consecutive steps' tokens (step 1 includes the encoder).</summary>
    sealed class StepClock : IGenerationStreamer
    {
        readonly Stopwatch _watch = Stopwatch.StartNew();
        double _last;
        public List<double> StepTimes { get; } = [];
        public void Put(int step, IReadOnlyList<long> tokens)
        {
            double now = _watch.Elapsed.TotalSeconds;
            StepTimes.Add(now - _last);
            _last = now;
        }
        public void End() { }
    }
}

using System.Diagnostics;
using T5Sharp.Modeling;
using T5Sharp.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Bench;

/// <summary>
/// Where a training step's time goes at the flan-t5-small shape, batch 8 × 256/64: forward (train mode, autograd on),
/// backward, gradient clipping, AdamW step and zero_grad, each timed on its own (best of the timed steps), with the
/// matmul share of forward and backward as a fraction of the matmul peak measured in the same run.
/// <c>training-phases [steps = 4] [dropout = config's]</c>.
/// </summary>
public static class TrainingPhasesBenchmark
{
    public static void Run(string[] args)
    {
        int steps = args.Length > 0 ? int.Parse(args[0]) : 4;
        var config = T5Config.Load(BenchPaths.FlanT5SmallConfig);
        if (args.Length > 1) config.DropoutRate = double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
        int batch = 8, source = 256, target = 64;
        double peak = MatmulPeak.Measure();
        using var model = RandomModel.Create(config, seed: 0);
        model.train();
        var groups = ParameterGrouping.HfTrainer(model, 0.0, 1e-4);
        var optimizer = new AdamW(groups);
        var parameters = groups.SelectMany(g => g.Parameters).Select(p => p.Parameter).ToList();
        var generator = new Generator(1);
        using var inputIds = randint(2, 32000, [batch, source], generator: generator);
        using var mask = ones(batch, source, ScalarType.Int64);
        using var labels = randint(2, 32000, [batch, target], generator: generator);

        var phases = new[] { "forward", "backward", "clip", "optimizer", "zero_grad" };
        var best = phases.ToDictionary(p => p, _ => double.MaxValue);
        for (int step = 0; step <= steps; step++)
        {
            using var scope = NewDisposeScope();
            var times = new Dictionary<string, double>();
            var sw = Stopwatch.StartNew();
            var output = model.Forward(inputIds, mask, labels: labels);
            output.Loss!.item<float>();
            times["forward"] = sw.Elapsed.TotalSeconds; sw.Restart();
            output.Loss!.backward();
            times["backward"] = sw.Elapsed.TotalSeconds; sw.Restart();
            GradientClipping.ClipByTotalNorm(parameters, 1.0);
            times["clip"] = sw.Elapsed.TotalSeconds; sw.Restart();
            optimizer.Step();
            times["optimizer"] = sw.Elapsed.TotalSeconds; sw.Restart();
            model.zero_grad();
            times["zero_grad"] = sw.Elapsed.TotalSeconds;
            output.Dispose();
            if (step == 0) continue; // warm-up: AdamW state, allocator
            foreach (var (k, v) in times) best[k] = Math.Min(best[k], v);
        }
        peak = Math.Max(peak, MatmulPeak.Measure(seconds: 1.0));
        double forwardFlops = T5Flops.Forward(config, batch, source, target);
        double total = best.Values.Sum();
        Console.WriteLine($"training phases, flan-t5-small shape, batch {batch} x {source}/{target}, dropout {config.DropoutRate}, " +
                          $"{get_num_threads()} threads, matmul peak {peak:F1} GFLOP/s; best of {steps} steps");
        foreach (var p in phases)
        {
            string ratio = p switch
            {
                "forward" => $"  {forwardFlops / best[p] / 1e9 / peak:P0} of peak",
                "backward" => $"  {2 * forwardFlops / best[p] / 1e9 / peak:P0} of peak",
                _ => "",
            };
            Console.WriteLine($"  {p,-10} {best[p] * 1000,7:F0} ms  {best[p] / total,4:P0}{ratio}");
        }
        Console.WriteLine($"  {"sum",-10} {total * 1000,7:F0} ms  MFU {3 * forwardFlops / total / 1e9 / peak:P1}");
    }
}

using System.Diagnostics;
using T5Sharp.Modeling;
using T5Sharp.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Bench;

/// <summary>
/// Where a training step's time goes at the flan-t5-small shape, batch 8 × 256/64: forward (train mode, autograd on),
/// backward, gradient clipping, AdamW step and zero_grad, each timed on its own (median of the timed steps), with the
/// matmul FLOPs of forward and backward as a fraction of the matmul peak measured around each step.
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
        var timings = phases.ToDictionary(p => p, _ => new List<double>());
        var peaks = new List<double>();
        for (int step = 0; step <= steps; step++)
        {
            var times = new Dictionary<string, double>();
            var (_, peak) = MatmulPeak.Around(() => Step(times));
            if (step == 0) continue; // warm-up: AdamW state, allocator
            peaks.Add(peak);
            foreach (var (k, v) in times) timings[k].Add(v);
        }

        void Step(Dictionary<string, double> times)
        {
            using var scope = NewDisposeScope();
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
        }

        double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
        // each phase's ratio uses the peak measured around its own step, then the median over steps
        double Ratio(string phase, double flops) => Median(timings[phase].Zip(peaks, (t, p) => flops / t / 1e9 / p).ToList());
        double forwardFlops = T5Flops.Forward(config, batch, source, target);
        var median = phases.ToDictionary(p => p, p => Median(timings[p]));
        var totals = Enumerable.Range(0, peaks.Count).Select(i => phases.Sum(p => timings[p][i])).ToList();
        double total = Median(totals);
        Console.WriteLine($"training phases, flan-t5-small shape, batch {batch} x {source}/{target}, dropout {config.DropoutRate}, " +
                          $"{get_num_threads()} threads, matmul peak {peaks.Min():F0}-{peaks.Max():F0} GFLOP/s; median of {steps} steps");
        foreach (var p in phases)
        {
            string ratio = p switch
            {
                "forward" => $"  {Ratio(p, forwardFlops):P0} of peak",
                "backward" => $"  {Ratio(p, 2 * forwardFlops):P0} of peak",
                _ => "",
            };
            Console.WriteLine($"  {p,-10} {median[p] * 1000,7:F0} ms  {median[p] / total,4:P0}{ratio}");
        }
        var mfus = totals.Zip(peaks, (t, p) => 3 * forwardFlops / t / 1e9 / p).ToList();
        Console.WriteLine($"  {"sum",-10} {total * 1000,7:F0} ms  MFU {Median(mfus):P1} (median; {mfus.Max():P1} best)");
    }
}

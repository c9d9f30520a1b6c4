using System.Diagnostics;
using System.Globalization;
using T5Sharp.Modeling;
using T5Sharp.Runtime;
using T5Sharp.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Bench;

/// <summary>
/// The training step float32 vs bf16 mixed precision (bf16: true) in one run, through the real trainer (forward,
/// backward, clipping, AdamW lr 1e-4) on random ids with full masks, random init: step time (best after one warm-up
/// step), the bf16/float32 speed ratio, MFU of each against the matmul peak of its own dtype measured in the same run
/// (1024² matmuls: float32, and bf16, which is what AMX raises), and the process's peak resident memory while each
/// trains. bf16 pays only with AMX; without it libtorch computes bf16 by conversion, several times slower (so keep the
/// shape small there).
/// args: [small|base (small)] [timed steps (2)] [batch (8)] [source length (256; base 512)] [target length (64; base 128)].
/// </summary>
public static class TrainingDTypeBenchmark
{
    public static void Run(string[] args)
    {
        string mode = args.Length > 0 ? args[0] : "small";
        if (mode is not ("small" or "base")) throw new ArgumentException($"usage: training-dtype [small|base] [timed steps] [batch] [source] [target]; found \"{mode}\"");
        bool isBase = mode == "base";
        int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : fallback;
        int timedSteps = Arg(1, 2), batch = Arg(2, 8), source = Arg(3, isBase ? 512 : 256), target = Arg(4, isBase ? 128 : 64);
        var config = isBase ? TrainingBenchmark.FlanT5BaseShape() : T5Config.Load(BenchPaths.FlanT5SmallConfig);
        double stepFlops = 3 * T5Flops.Forward(config, batch, source, target); // forward + backward matmul FLOPs
        Console.WriteLine($"training-dtype, flan-t5-{mode} shape, batch {batch} x {source} source / {target} target, " +
                          $"{timedSteps} timed steps after a warm-up, {get_num_threads()} threads, {CpuFeatures.Current}");
        Console.WriteLine($"  model FLOPs per step {stepFlops / 1e9:F1} GFLOP (3 x forward matmul FLOPs)");

        var best = new Dictionary<ComputeType, double>();
        foreach (var type in new[] { ComputeType.Float32, ComputeType.BFloat16 })
        {
            var dtype = type == ComputeType.BFloat16 ? ScalarType.BFloat16 : ScalarType.Float32;
            double peakBefore = MatmulPeak.Measure(seconds: 0.3, dtype: dtype);
            using var model = RandomModel.Create(config, seed: 0);
            var arguments = new TrainingArguments
            {
                LearningRate = 1e-4, Optim = "adamw_torch", MaxSteps = 1 + timedSteps, PerDeviceTrainBatchSize = batch,
                Bf16 = type == ComputeType.BFloat16, SaveStrategy = "no",
            };
            TrainingBatch MicroBatch(long epoch, int index)
            {
                using var generator = new Generator(1000UL + (ulong)index);
                return new TrainingBatch(randint(2, 32000, [batch, source], generator: generator),
                    ones(batch, source, ScalarType.Int64), randint(2, 32000, [batch, target], generator: generator));
            }
            var seconds = new List<double>();
            var watch = Stopwatch.StartNew();
            GC.Collect();
            ProcessMemory.ResetPeak();
            new Seq2SeqTrainer(model, arguments, 1 + timedSteps, MicroBatch, [new StepTimer(() =>
            {
                seconds.Add(watch.Elapsed.TotalSeconds);
                watch.Restart();
            })]).Train();
            double peakRss = ProcessMemory.PeakRssBytes();
            long parameters = model.parameters().Sum(p => p.numel());
            var estimate = TrainingMemoryEstimate.For(config, parameters, parameters, "adamw_torch", batch, source, target, bf16: arguments.Bf16);
            double peak = (peakBefore + MatmulPeak.Measure(seconds: 0.3, dtype: dtype)) / 2;
            best[type] = seconds.Skip(1).Min(); // step 1 warms up (AdamW state, allocator)
            Console.WriteLine($"  {type.Name(),-8} step {best[type]:F2} s (warm-up {seconds[0]:F2} s), {(double)batch * (source + target) / best[type]:F0} tokens/s, " +
                              $"{type.Name()} matmul peak {peak:F1} GFLOP/s, MFU {stepFlops / best[type] / (peak * 1e9):P1}, " +
                              $"peak RSS {peakRss / (1 << 20):F0} MiB (estimate {estimate})");
        }
        Console.WriteLine($"  bf16 / float32 speed: {best[ComputeType.Float32] / best[ComputeType.BFloat16]:F2} (target >= 2 on an AMX CPU)");
    }

    sealed class StepTimer(Action action) : ITrainerCallback
    {
        public void OnStepEnd(TrainingArguments args, TrainerState state, TrainerControl control, StepReport step) => action();
    }
}

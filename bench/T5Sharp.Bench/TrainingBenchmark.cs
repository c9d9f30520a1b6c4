using System.Diagnostics;
using T5Sharp.Modeling;
using T5Sharp.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Bench;

/// <summary>
/// Training throughput and memory through the real trainer core (<see cref="Seq2SeqTrainer"/>: forward, backward,
/// gradient clipping, AdamW lr 1e-4, scheduler), on random token ids (2..32000) with full attention masks.
/// <list type="bullet">
/// <item><c>training [small] [timed steps = 5]</c>: flan-t5-small shape (its real config.json), batch 8 × 256 source /
/// 64 target tokens. Per-step time (best and median after one warm-up step), tokens/s (source + target tokens) and
/// model-FLOP utilisation against the fp32 matmul throughput measured just before and after each step (target ≥ 60 %).</item>
/// <item><c>training base [timed steps = 1]</c>: flan-t5-base shape (built in code), batch 8 × 512 / 128: one warm-up
/// step (it allocates AdamW's state) plus one timed step by default, and the process's peak RSS against 24 GB. Run
/// in its own invocation so the kernel's high-water mark (VmHWM) is this model's alone.</item>
/// </list>
/// Both modes print the live tensor count after the warm-up step and after the last step: equal means memory is flat.
/// </summary>
public static class TrainingBenchmark
{
    const double TwentyFourGB = 24e9;
    const double PeakWindow = 0.3; // seconds of matmuls before and after each step

    public static void Run(string[] args)
    {
        string mode = args.Length > 0 ? args[0] : "small";
        if (mode is not ("small" or "base"))
            throw new ArgumentException($"usage: training [small|base] [timed steps]; found mode \"{mode}\"");
        bool isBase = mode == "base";
        int timedSteps = args.Length > 1 ? int.Parse(args[1]) : isBase ? 1 : 5;
        if (timedSteps < 1) throw new ArgumentException($"usage: training [small|base] [timed steps >= 1]; found {timedSteps}");
        int batch = 8, source = isBase ? 512 : 256, target = isBase ? 128 : 64;
        var config = isBase ? FlanT5BaseShape() : T5Config.Load(BenchPaths.FlanT5SmallConfig);

        // measured before the model exists, so its 4 MiB matrices don't touch the base run's peak RSS
        double peakBefore = MatmulPeak.Measure(seconds: PeakWindow);
        using var model = RandomModel.Create(config, seed: 0);
        long parameterCount = model.parameters().Sum(p => p.numel());
        var arguments = new TrainingArguments
        {
            LearningRate = 1e-4, Optim = "adamw_torch", MaxSteps = 1 + timedSteps, PerDeviceTrainBatchSize = batch,
        };

        // Batches are made on demand inside the trainer's per-step dispose scope, seeded by index: every step gets
        // fresh data and frees it afterwards, as a real data pipeline would.
        TrainingBatch MicroBatch(long epoch, int index)
        {
            using var generator = new Generator(1000UL + (ulong)index);
            return new TrainingBatch(randint(2, 32000, [batch, source], generator: generator),
                ones(batch, source, ScalarType.Int64), randint(2, 32000, [batch, target], generator: generator));
        }

        var stepSeconds = new List<double>();
        var stepPeaks = new List<double>(); // GFLOP/s around each step: the mean of the measurements before and after it
        var liveAfterStep = new List<long>();
        var rssAfterStep = new List<double>();
        long liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var watch = Stopwatch.StartNew();
        var onStep = new StepEnd(report =>
        {
            stepSeconds.Add(watch.Elapsed.TotalSeconds);
            double peakAfter = MatmulPeak.Measure(seconds: PeakWindow);
            stepPeaks.Add((peakBefore + peakAfter) / 2);
            peakBefore = peakAfter;
            liveAfterStep.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
            rssAfterStep.Add(ProcessMemory.RssBytes());
            if (isBase) Console.WriteLine($"  step {report.GlobalStep}: {stepSeconds[^1]:F1} s, loss {report.Loss:F3}");
            watch.Restart();
        });
        new Seq2SeqTrainer(model, arguments, 1 + timedSteps, MicroBatch, [onStep]).Train();
        double peakRssBytes = ProcessMemory.PeakRssBytes();

        var timed = stepSeconds.Skip(1).OrderBy(s => s).ToList(); // step 1 is the warm-up (AdamW state, allocator)
        double best = timed[0], median = timed[timed.Count / 2];
        var peaks = stepPeaks.Skip(1).ToList();
        // A training step costs about 3× the forward: the backward computes gradients with respect to both the
        // activations and the weights, each as many matmul FLOPs as the forward. Counted as matmul FLOPs only.
        double stepFlops = 3 * T5Flops.Forward(config, batch, source, target);
        long tokens = (long)batch * (source + target);
        // Each step against the matmul throughput measured around it: this VM's speed drifts by ±20 % over tens of
        // seconds, and a step compared with a peak taken at another moment would carry that drift.
        var mfus = stepSeconds.Skip(1).Zip(peaks, (seconds, peak) => stepFlops / seconds / (peak * 1e9)).OrderBy(m => m).ToList();

        Console.WriteLine($"training, flan-t5-{mode} shape (d_model {config.DModel}, {config.NumLayers}+{config.DecoderLayers} layers, " +
                          $"{parameterCount / 1e6:F1}M params), batch {batch} x {source} source / {target} target, fp32, AdamW lr 1e-4, " +
                          $"{get_num_threads()} threads");
        Console.WriteLine($"  warm-up step             {stepSeconds[0]:F2} s (allocates AdamW moments)");
        Console.WriteLine($"  step time                best {best:F2} s, median {median:F2} s over {timed.Count} timed steps");
        Console.WriteLine($"  tokens/s                 {tokens / best:F0} best ({tokens / median:F0} median), {tokens} source+target tokens per step");
        Console.WriteLine($"  model FLOPs per step     {stepFlops / 1e9:F1} GFLOP (3 x forward matmul FLOPs)");
        Console.WriteLine($"  matmul peak (1024^2)     {peaks.Min():F1}-{peaks.Max():F1} GFLOP/s, measured around each step");
        Console.WriteLine($"  MFU                      {mfus[mfus.Count / 2]:P1} of matmul peak, median step ({mfus[^1]:P1} best, {mfus[0]:P1} worst) (target >= 60%)");
        Console.WriteLine($"  live tensors             {liveBefore} before training, {liveAfterStep[0]} after warm-up, {liveAfterStep[^1]} after the last step " +
                          (liveAfterStep[^1] == liveAfterStep[0] ? "(flat)" : "(NOT flat)"));
        Console.WriteLine($"  RSS after each step      {string.Join(", ", rssAfterStep.Select(b => $"{b / (1L << 30):F2}"))} GiB");
        var estimate = TrainingMemoryEstimate.For(config, parameterCount, parameterCount, "adamw_torch", batch, source, target);
        Console.WriteLine($"  peak RSS (VmHWM)         {peakRssBytes / (1L << 30):F2} GiB; estimate {estimate}");
        if (isBase)
            Console.WriteLine($"  fits 24 GB               {(peakRssBytes <= TwentyFourGB ? "yes" : "NO")} " +
                              $"({peakRssBytes / 1e9:F1} GB of 24 GB, {100 * peakRssBytes / TwentyFourGB:F0}%)");
    }

    /// <summary>
    /// flan-t5-base's shape (248M parameters). Memory is bounded without tricks: fp32 weights + gradients + AdamW's
    /// two moments are 16 bytes per parameter, about 4 GB; activations autograd keeps for backward at 8 × 512/128
    /// (12 encoder layers of 8×12×512² attention probabilities, the feed-forward hidden states, the 8×128×32128
    /// logits with their log-softmax and gradient) add a few GB, freed every step by the trainer's dispose scope, so
    /// the peak is reached on the first step and stays there. Dropout 0.1 as the real checkpoint (its masks count too).
    /// </summary>
    public static T5Config FlanT5BaseShape() => new()
    {
        DModel = 768, DFf = 2048, DKv = 64, NumHeads = 12, NumLayers = 12, NumDecoderLayers = 12, VocabSize = 32128,
        FeedForwardProj = "gated-gelu", TieWordEmbeddingsRaw = false, DropoutRate = 0.1,
    };

    /// <summary>Runs an action after every optimizer step.</summary>
    sealed class StepEnd(Action<StepReport> action) : ITrainerCallback
    {
        public void OnStepEnd(TrainingArguments args, TrainerState state, TrainerControl control, StepReport step) => action(step);
    }
}

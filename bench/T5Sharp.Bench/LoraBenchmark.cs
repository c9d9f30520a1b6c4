using System.Diagnostics;
using T5Sharp.Modeling;
using T5Sharp.Peft;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T5Sharp.Bench;

/// <summary>
/// One training step (forward + backward + AdamW) at the flan-t5-base shape (random init, built in code), full
/// fine-tuning vs LoRA r=32 on q, v, same batch: 2 examples × 128 source / 32 target tokens (about two minutes on
/// 2 cores). Reports mean step time and the peak RSS of each phase (the kernel's high-water mark is reset between them).
/// Args: [timed steps = 2] [batch = 2].
/// </summary>
public static class LoraBenchmark
{
    public static void Run(string[] args)
    {
        int steps = args.Length > 0 ? int.Parse(args[0]) : 2, batch = args.Length > 1 ? int.Parse(args[1]) : 2;
        const int source = 128, target = 32;
        var config = TrainingBenchmark.FlanT5BaseShape();
        config.DropoutRate = 0.0;
        var generator = new Generator(1);
        using var inputIds = randint(2, 32000, [batch, source], generator: generator);
        using var mask = ones(batch, source, ScalarType.Int64);
        using var labels = randint(2, 32000, [batch, target], generator: generator);
        Console.WriteLine($"flan-t5-base shape, batch {batch} x {source} source / {target} target tokens, {steps} timed steps after 1 warm-up, " +
                          $"{get_num_threads()} threads");

        var full = Measure("full fine-tuning", config, steps, inputIds, mask, labels, lora: false);
        var lora = Measure("LoRA r=32 q,v", config, steps, inputIds, mask, labels, lora: true);
        Console.WriteLine($"LoRA / full: step time {lora.Seconds / full.Seconds:F2}x, peak RSS {lora.PeakMiB / full.PeakMiB:F2}x");
    }

    static (double Seconds, double PeakMiB) Measure(string label, T5Config config, int steps, Tensor inputIds, Tensor mask, Tensor labels, bool lora)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        ProcessMemory.ResetPeak();
        using var model = RandomModel.Create(config, seed: 0);
        model.train();
        List<Parameter> parameters;
        string counts;
        if (lora)
        {
            var peft = LoraModel.Create(model, new LoraConfig { R = 32, LoraAlpha = 32, LoraDropout = 0.05, TargetModules = ["q", "v"] });
            parameters = peft.TrainableParameters().Select(p => p.Parameter).ToList();
            counts = peft.CountParameters().ToString();
        }
        else
        {
            parameters = model.parameters().ToList();
            counts = $"trainable params: {parameters.Sum(p => p.numel()):N0}";
        }
        using var optimizer = optim.AdamW(parameters, lr: 1e-4, weight_decay: 0.01);
        void Step()
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var output = model.Forward(inputIds, mask, labels: labels);
            output.Loss!.backward();
            nn.utils.clip_grad_norm_(parameters, 1.0);
            optimizer.step();
        }
        Step(); // warm-up: allocates AdamW state
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++) Step();
        double seconds = watch.Elapsed.TotalSeconds / steps;
        double peak = ProcessMemory.PeakRssBytes() / (1 << 20);
        Console.WriteLine($"{label,-18} {seconds,7:F2} s/step   peak RSS {peak,8:F0} MiB   {counts}");
        return (seconds, peak);
    }
}

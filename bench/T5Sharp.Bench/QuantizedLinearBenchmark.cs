using System.Diagnostics;
using static TorchSharp.torch;

namespace T5Sharp.Bench;

/// <summary>
/// Decides whether int8 decoding pays on this CPU: fbgemm's int8 dynamic linear (Kernels/Int8Linear: int8 weight,
/// activations quantized per call, float32 out) against float32 `linear`, at flan-t5-small's decoding shapes: M = 1
/// and 16 rows (one new token per sequence), K×N = 512×384 (q/k/v/o), 512×1024 (wi_0/wi_1), 1024×512 (wo), 512×32128 (lm_head). Prints the speed
/// ratio and the relative error of the int8 output against float32.
/// args[0]: seconds per measurement (default 0.3); args[1]: libtorch threads (default: as initialised). One thread
/// shows the kernels' own speed on a loaded machine, where a 2-thread parallel region waits for a descheduled thread.
/// </summary>
public static class QuantizedLinearBenchmark
{
    public static void Run(string[] args)
    {
        double budget = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 0.3;
        if (args.Length > 1) set_num_threads(int.Parse(args[1]));
        Console.WriteLine($"threads {get_num_threads()}, {T5Sharp.Runtime.CpuFeatures.Current}");
        manual_seed(0);
        foreach (var (k, n, what) in new[] { (512L, 384L, "q/k/v/o"), (512L, 1024L, "wi_0/wi_1"), (1024L, 512L, "wo"), (512L, 32128L, "lm_head") })
        {
            using var scope = NewDisposeScope();
            var w = randn(n, k) * 0.05;
            // the library's own kernel, as the quantized model calls it
            using var packed = T5Sharp.Kernels.Int8Linear.Quantize(w);
            foreach (long m in new[] { 1L, 16L })
            {
                var x = randn(m, k);
                Tensor Int8() => T5Sharp.Kernels.Int8Linear.Forward(x, packed);
                var reference = nn.functional.linear(x, w);
                double error = ((Int8() - reference).norm() / reference.norm()).item<float>();
                double fp32 = Time(budget, () => nn.functional.linear(x, w).Dispose());
                double int8 = Time(budget, () => Int8().Dispose());
                Console.WriteLine($"M={m,2} {k,4}x{n,-5} ({what,-9}): float32 {fp32 * 1e6,9:F1} us, int8 {int8 * 1e6,9:F1} us, " +
                                  $"int8 speed / float32 {fp32 / int8,5:F2}x, relative error {error:P2}");
            }
        }
    }

    /// <summary>Best seconds per call within a time budget (at least 3 calls after a warm-up).</summary>
    static double Time(double budget, Action call)
    {
        call();
        double best = double.MaxValue;
        var total = Stopwatch.StartNew();
        for (int i = 0; i < 3 || total.Elapsed.TotalSeconds < budget; i++)
        {
            var watch = Stopwatch.StartNew();
            call();
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }
        return best;
    }
}

using System.Diagnostics;
using static TorchSharp.torch;

namespace T5Sharp.Bench;

/// <summary>
/// T5 attention's two forms at the flan-t5-small shape ([8, 8, 256, 64] and a decoding step [16, 8, 1, 256]), float32
/// and bfloat16: libtorch's fused scaled_dot_product_attention with the position bias as a float32 mask (what
/// T5Attention runs in inference) against the explicit matmul + bias + float32 softmax + matmul. Also bf16 against
/// float32 for a [2048, 512]×[512, 2048] linear, the matmul that decides whether bf16 pays on this CPU.
/// args[0]: seconds per measurement (default 0.5).
/// </summary>
public static class AttentionBenchmark
{
    public static void Run(string[] args)
    {
        double budget = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 0.5;
        Console.WriteLine($"threads {get_num_threads()}, {T5Sharp.Runtime.CpuFeatures.Current}");
        foreach (var (b, t, s) in new[] { (8L, 256L, 256L), (16L, 1L, 256L) })
            foreach (var dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 })
            {
                using var scope = NewDisposeScope();
                var q = randn(b, 8, t, 64).to(dtype);
                var k = randn(b, 8, s, 64).to(dtype);
                var v = randn(b, 8, s, 64).to(dtype);
                var bias = randn(1, 8, t, s); // float32, as the model builds it
                double fused = Time(budget, () => nn.functional.scaled_dot_product_attention(q * 8.0, k, v, bias, 0.0, false).Dispose());
                double explicitForm = Time(budget, () =>
                {
                    using var inner = NewDisposeScope();
                    var scores = matmul(q, k.transpose(2, 3)).to(ScalarType.Float32).add_(bias);
                    matmul(nn.functional.softmax(scores, -1).to(dtype), v);
                });
                Console.WriteLine($"attention [{b},8,{t},{s}] {dtype,-8}: fused {fused * 1e3,8:F2} ms, explicit {explicitForm * 1e3,8:F2} ms, " +
                                  $"explicit/fused {explicitForm / fused:F2}");
            }
        double flops = 2.0 * 2048 * 512 * 2048;
        var times = new Dictionary<ScalarType, double>();
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 })
        {
            using var scope = NewDisposeScope();
            var x = randn(2048, 512).to(dtype);
            var w = randn(2048, 512).to(dtype);
            times[dtype] = Time(budget, () => nn.functional.linear(x, w).Dispose());
            Console.WriteLine($"linear [2048,512]x[512,2048] {dtype,-8}: {flops / times[dtype] / 1e9,8:F1} GFLOP/s");
        }
        Console.WriteLine($"linear bf16 speed / float32 speed: {times[ScalarType.Float32] / times[ScalarType.BFloat16]:F3}");
    }

    /// <summary>Best seconds per call within a time budget (at least 2 calls after a warm-up).</summary>
    static double Time(double budget, Action call)
    {
        call();
        double best = double.MaxValue;
        var total = Stopwatch.StartNew();
        for (int i = 0; i < 2 || total.Elapsed.TotalSeconds < budget; i++)
        {
            var watch = Stopwatch.StartNew();
            call();
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }
        return best;
    }
}

using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Bench;

/// <summary>
/// The machine's fp32 matmul throughput, measured with the same engine in the same run: the denominator of every ratio.
/// On a shared VM it drifts (here 200–310 GFLOP/s in waves of tens of seconds), so benchmarks that time several
/// seconds of work take a short measurement before and after each timed piece (<see cref="Around"/>).
/// </summary>
public static class MatmulPeak
{
    /// <summary>
    /// Best-of GFLOP/s of an n×n by n×n matmul over a time budget, in <paramref name="dtype"/> (float32 by default).
    /// Other dtypes are timed as x·Wᵀ, the linear layers' layout: without AVX512-BF16 libtorch's bf16 a·b took a path
    /// ~5× slower than bf16 linear on the AVX2 EPYC (0.7 GFLOP/s), which would make any bf16 MFU meaningless.
    /// </summary>
    public static double Measure(int n = 1024, double seconds = 2.0, ScalarType dtype = ScalarType.Float32)
    {
        using var a = randn(n, n).to(dtype);
        using var b = randn(n, n).to(dtype);
        using var c = empty(n, n);
        Func<Tensor> product = dtype == ScalarType.Float32 ? () => torch.matmul(a, b) : () => nn.functional.linear(a, b);
        for (int i = 0; i < 3; i++) product().Dispose(); // warm up the thread pool and caches
        double best = 0, flops = 2.0 * n * n * n;
        var total = Stopwatch.StartNew();
        while (total.Elapsed.TotalSeconds < seconds)
        {
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < 4; i++) product().Dispose();
            best = Math.Max(best, 4 * flops / sw.Elapsed.TotalSeconds / 1e9);
        }
        return best;
    }

    /// <summary>
    /// Runs <paramref name="work"/> between two short peak measurements; returns its seconds and the mean of the two
    /// peaks (GFLOP/s), so a ratio compares the work with the machine's speed at that moment.
    /// </summary>
    public static (double Seconds, double Peak) Around(Action work, double window = 0.25)
    {
        double before = Measure(seconds: window);
        var watch = Stopwatch.StartNew();
        work();
        double seconds = watch.Elapsed.TotalSeconds;
        return (seconds, (before + Measure(seconds: window)) / 2);
    }
}

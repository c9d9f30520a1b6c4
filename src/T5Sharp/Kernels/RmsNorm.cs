using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace T5Sharp.Kernels;

/// <summary>
/// T5's RMS norm, y = w · x / √(mean(x²) + eps) over the last dimension, as one pass forward and one pass backward for
/// float32 CPU tensors. As libtorch ops it is 5 passes forward and ~12 backward (pow, mean, rsqrt, two products, their
/// gradients and the sums of the branches), 42 times per flan-t5-small training step. Same order of operations as HF's
/// T5LayerNorm (x·rsqrt(var + eps), then the weight), the mean accumulated in float32 like libtorch's.
/// </summary>
public static class RmsNorm
{
    /// <summary>Whether <see cref="Apply"/> takes these tensors (float32 on CPU, weight 1-D over the last dimension).</summary>
    public static bool Supports(Tensor x, Tensor weight) =>
        x.device_type == DeviceType.CPU && x.dtype == ScalarType.Float32 && weight.dtype == ScalarType.Float32 &&
        weight.dim() == 1 && weight.is_contiguous() && x.dim() >= 1 && x.shape[^1] == weight.shape[0] && x.numel() > 0;

    public static Tensor Apply(Tensor x, Tensor weight, double eps)
    {
        if (is_grad_enabled() && (x.requires_grad || weight.requires_grad))
            return FunctionHandles.Apply(() => RmsNormFunction.apply(x, weight, eps));
        using var contiguous = x.contiguous();
        var y = Forward(contiguous, weight, (float)eps, out var rstd);
        rstd.Dispose();
        return y;
    }

    /// <summary>The normed output, and the per-row 1/√(mean(x²) + eps) the backward needs.</summary>
    static unsafe Tensor Forward(Tensor x, Tensor weight, float eps, out Tensor rstd)
    {
        long width = weight.shape[0], rows = x.numel() / width;
        var y = empty_like(x);
        rstd = empty(rows, ScalarType.Float32);
        RmsNormKernel.Forward(TensorMemory.Floats(x, "norm input"), TensorMemory.Floats(weight, "norm weight"),
            TensorMemory.Floats(y, "norm output"), TensorMemory.Floats(rstd, "norm rstd"), rows, width, eps);
        return y;
    }

    sealed class RmsNormFunction : SingleTensorFunction<RmsNormFunction>
    {
        public override string Name => "RmsNorm";

        public override Tensor forward(AutogradContext ctx, params object[] vars)
        {
            var x = FunctionHandles.Forward(((Tensor)vars[0]).contiguous());
            var weight = (Tensor)vars[1];
            var y = FunctionHandles.Forward(Forward(x, weight, (float)(double)vars[2], out var rstd));
            FunctionHandles.Forward(rstd);
            ctx.save_for_backward([x, weight, rstd]);
            return y;
        }

        public override unsafe List<Tensor> backward(AutogradContext ctx, Tensor grad)
        {
            FunctionHandles.BeginBackward();
            var saved = ctx.get_saved_variables();
            Tensor x = saved[0], weight = saved[1], rstd = saved[2];
            var dy = grad.contiguous();
            long width = weight.shape[0], rows = x.numel() / width;
            var dx = empty_like(x);
            var dw = empty(width, ScalarType.Float32);
            RmsNormKernel.Backward(TensorMemory.Floats(dy, "norm output gradient"), TensorMemory.Floats(x, "norm input"),
                TensorMemory.Floats(weight, "norm weight"), TensorMemory.Floats(rstd, "norm rstd"),
                TensorMemory.Floats(dx, "norm input gradient"), TensorMemory.Floats(dw, "norm weight gradient"), rows, width);
            return FunctionHandles.Returned([dx, dw, null!], [grad, dy, .. saved]);
        }
    }
}

/// <summary>The row loops of <see cref="RmsNorm"/>, single-threaded (see <see cref="DropoutMask"/> for why).</summary>
internal static unsafe class RmsNormKernel
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(float* x, float* w, float* y, float* rstd, long rows, long width, float eps)
    {
        for (long r = 0; r < rows; r++, x += width, y += width)
        {
            float inv = 1f / MathF.Sqrt(SumOfProducts(x, x, width) / width + eps);
            rstd[r] = inv;
            long i = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                var vinv = Vector256.Create(inv);
                for (; i + 8 <= width; i += 8)
                    Vector256.Store(Vector256.Load(w + i) * (Vector256.Load(x + i) * vinv), y + i);
            }
            for (; i < width; i++) y[i] = w[i] * (x[i] * inv);
        }
    }

    /// <summary>
    /// n = x·rstd, g = dy·w: dx = rstd·(g − n·mean(g·n)) per row; dw = Σ_rows dy·n.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(float* dy, float* x, float* w, float* rstd, float* dx, float* dw, long rows, long width)
    {
        new Span<float>(dw, checked((int)width)).Clear();
        for (long r = 0; r < rows; r++, dy += width, x += width, dx += width)
        {
            float inv = rstd[r];
            // mean(g·n) = rstd · Σ(dy·w·x) / width
            float dot = 0;
            long i = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                var acc = Vector256<float>.Zero;
                for (; i + 8 <= width; i += 8)
                    acc = Vector256.FusedMultiplyAdd(Vector256.Load(dy + i) * Vector256.Load(w + i), Vector256.Load(x + i), acc);
                dot = Vector256.Sum(acc);
            }
            for (; i < width; i++) dot += dy[i] * w[i] * x[i];
            float c = dot * inv / width;
            i = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                var vinv = Vector256.Create(inv);
                var vc = Vector256.Create(c);
                for (; i + 8 <= width; i += 8)
                {
                    var n = Vector256.Load(x + i) * vinv;
                    var dyi = Vector256.Load(dy + i);
                    Vector256.Store(vinv * (dyi * Vector256.Load(w + i) - n * vc), dx + i);
                    Vector256.Store(Vector256.FusedMultiplyAdd(dyi, n, Vector256.Load(dw + i)), dw + i);
                }
            }
            for (; i < width; i++)
            {
                float n = x[i] * inv;
                dx[i] = inv * (dy[i] * w[i] - n * c);
                dw[i] += dy[i] * n;
            }
        }
    }

    static float SumOfProducts(float* a, float* b, long n)
    {
        long i = 0;
        float sum = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var acc = Vector256<float>.Zero;
            for (; i + 8 <= n; i += 8) acc = Vector256.FusedMultiplyAdd(Vector256.Load(a + i), Vector256.Load(b + i), acc);
            sum = Vector256.Sum(acc);
        }
        for (; i < n; i++) sum += a[i] * b[i];
        return sum;
    }
}

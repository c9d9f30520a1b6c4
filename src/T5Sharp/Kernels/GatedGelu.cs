using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace T5Sharp.Kernels;

/// <summary>
/// FLAN-T5's gated feed-forward middle, h = dropout(gelu_tanh(a) · b) with a = wi_0(x), b = wi_1(x), as one pass
/// forward and one backward for float32 or bfloat16 CPU tensors (bf16 computed in float32, each result rounded once). As libtorch ops it is gelu, a product and dropout forward and
/// their three gradients backward, keeping gelu's output and the mask alive in between; here only a and b are kept and
/// gelu is recomputed. gelu_tanh(a) = ½a(1 + tanh(√(2/π)(a + 0.044715a³))), as transformers' gelu_new.
/// </summary>
public static class GatedGelu
{
    /// <summary>
    /// Whether <see cref="Apply"/> takes these: the dropout kernels' tensors (it indexes their masks), both float32 or
    /// both bfloat16 (the bf16 matmuls' outputs under mixed precision: computed in float32, h rounded to bf16).
    /// </summary>
    public static bool Supports(Tensor a, Tensor b) => DropoutMask.Supports(a, b) && a.dtype == b.dtype;

    /// <summary>h = gelu_tanh(a)·b, then inverted dropout at <paramref name="rate"/> when training.</summary>
    public static unsafe Tensor Apply(Tensor a, Tensor b, double rate, bool training)
    {
        DropoutKey? key = training && rate > 0 ? DropoutKey.Draw(rate) : null;
        if (is_grad_enabled() && (a.requires_grad || b.requires_grad))
            return FunctionHandles.Apply(() => GatedGeluFunction.apply(a, b, key));
        using var ac = a.contiguous();
        using var bc = b.contiguous();
        var h = empty_like(ac);
        GatedGeluKernel.Forward(ac, bc, h, key);
        return h;
    }

    sealed class GatedGeluFunction : SingleTensorFunction<GatedGeluFunction>
    {
        public override string Name => "GatedGelu";

        public override unsafe Tensor forward(AutogradContext ctx, params object[] vars)
        {
            var a = FunctionHandles.Forward(((Tensor)vars[0]).contiguous());
            var b = FunctionHandles.Forward(((Tensor)vars[1]).contiguous());
            var key = (DropoutKey?)vars[2];
            var h = FunctionHandles.Forward(empty_like(a));
            GatedGeluKernel.Forward(a, b, h, key);
            ctx.save_for_backward([a, b]);
            ctx.save_data("key", key!);
            return h;
        }

        public override unsafe List<Tensor> backward(AutogradContext ctx, Tensor grad)
        {
            FunctionHandles.BeginBackward();
            var saved = ctx.get_saved_variables();
            Tensor a = saved[0], b = saved[1];
            var key = (DropoutKey?)ctx.get_data("key");
            var dh = grad.contiguous();
            var da = empty_like(a);
            var db = empty_like(b);
            GatedGeluKernel.Backward(dh.dtype == a.dtype ? dh : dh.to(a.dtype), a, b, da, db, key);
            return FunctionHandles.Returned([da, db, null!], [grad, dh, .. saved]);
        }
    }
}

/// <summary>The element loops of <see cref="GatedGelu"/>, single-threaded (see <see cref="DropoutMask"/> for why).</summary>
internal static unsafe class GatedGeluKernel
{
    const float Beta = 0.7978845608028654f; // √(2/π)
    const float Kappa = 0.044715f;

    public static void Forward(Tensor a, Tensor b, Tensor h, DropoutKey? dropout)
    {
        void* ap = TensorMemory.Data(a, "gate input"), bp = TensorMemory.Data(b, "linear input"), hp = TensorMemory.Data(h, "gated output");
        if (a.dtype == ScalarType.BFloat16) Forward<BFloat16Elements>(ap, bp, hp, h.numel(), dropout);
        else Forward<Float32Elements>(ap, bp, hp, h.numel(), dropout);
    }

    public static void Backward(Tensor dh, Tensor a, Tensor b, Tensor da, Tensor db, DropoutKey? dropout)
    {
        void* dhp = TensorMemory.Data(dh, "gated output gradient"), ap = TensorMemory.Data(a, "gate input"), bp = TensorMemory.Data(b, "linear input");
        void* dap = TensorMemory.Data(da, "gate gradient"), dbp = TensorMemory.Data(db, "linear gradient");
        if (a.dtype == ScalarType.BFloat16) Backward<BFloat16Elements>(dhp, ap, bp, dap, dbp, da.numel(), dropout);
        else Backward<Float32Elements>(dhp, ap, bp, dap, dbp, da.numel(), dropout);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Forward<T>(void* a, void* b, void* h, long count, DropoutKey? dropout) where T : struct, IElements
    {
        var key = dropout.GetValueOrDefault();
        bool drop = dropout.HasValue;
        long i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var index = Vector256.Create(0u, 1, 2, 3, 4, 5, 6, 7);
            var eight = Vector256.Create(8u);
            for (; i + 8 <= count; i += 8, index += eight)
            {
                var ai = T.Load(a, i);
                var g = Vector256.Create(0.5f) * ai * (Vector256<float>.One + Tanh(Inner(ai)));
                var hi = g * T.Load(b, i);
                if (drop) hi *= DropoutMask.Values(index, key);
                T.Store(h, i, hi);
            }
        }
        for (; i < count; i++)
        {
            float ai = T.Get(a, i);
            float hi = 0.5f * ai * (1f + MathF.Tanh(Beta * (ai + Kappa * ai * ai * ai))) * T.Get(b, i);
            T.Set(h, i, drop ? hi * DropoutMask.Value((uint)i, key) : hi);
        }
    }

    /// <summary>dm = dh·mask; da = dm·b·gelu′(a); db = dm·gelu(a).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Backward<T>(void* dh, void* a, void* b, void* da, void* db, long count, DropoutKey? dropout) where T : struct, IElements
    {
        var key = dropout.GetValueOrDefault();
        bool drop = dropout.HasValue;
        long i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var index = Vector256.Create(0u, 1, 2, 3, 4, 5, 6, 7);
            var eight = Vector256.Create(8u);
            var half = Vector256.Create(0.5f);
            var one = Vector256<float>.One;
            for (; i + 8 <= count; i += 8, index += eight)
            {
                var ai = T.Load(a, i);
                var dm = T.Load(dh, i);
                if (drop) dm *= DropoutMask.Values(index, key);
                var t = Tanh(Inner(ai));
                var g = half * ai * (one + t);
                var slope = half * (one + t) + half * ai * (one - t * t) * Vector256.Create(Beta) *
                            (one + Vector256.Create(3 * Kappa) * ai * ai);
                T.Store(da, i, dm * T.Load(b, i) * slope);
                T.Store(db, i, dm * g);
            }
        }
        for (; i < count; i++)
        {
            float ai = T.Get(a, i);
            float dm = drop ? T.Get(dh, i) * DropoutMask.Value((uint)i, key) : T.Get(dh, i);
            float t = MathF.Tanh(Beta * (ai + Kappa * ai * ai * ai));
            float slope = 0.5f * (1 + t) + 0.5f * ai * (1 - t * t) * Beta * (1 + 3 * Kappa * ai * ai);
            T.Set(da, i, dm * T.Get(b, i) * slope);
            T.Set(db, i, dm * 0.5f * ai * (1 + t));
        }
    }

    static Vector256<float> Inner(Vector256<float> a) => Vector256.Create(Beta) * (a + Vector256.Create(Kappa) * (a * a * a));

    /// <summary>tanh(u) = 1 − 2/(e^{2u} + 1): saturates to ±1 without NaN (e^{2u} → ∞ or 0).</summary>
    static Vector256<float> Tanh(Vector256<float> u) =>
        Vector256<float>.One - Vector256.Create(2f) / (Vector256.Exp(u + u) + Vector256<float>.One);
}

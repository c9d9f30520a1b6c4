using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace T5Sharp.Kernels;

/// <summary>
/// Inverted dropout as torch.nn.functional.dropout computes it (zero with probability p, scale the rest by 1/(1 − p)),
/// with masks from <see cref="DropoutMask"/>: one pass forward, one pass backward, no mask kept in between (libtorch
/// writes a float mask, multiplies by it and keeps it for the backward). Costs nothing when it can't change anything
/// (eval mode or rate 0); tensors the kernels don't take (other dtypes) go through libtorch's dropout.
/// </summary>
public static class InvertedDropout
{
    public static Tensor Apply(Tensor x, double rate, bool training)
    {
        if (!training || rate <= 0) return x;
        if (!DropoutMask.Supports(x)) return nn.functional.dropout(x, rate, training: true);
        var key = DropoutKey.Draw(rate);
        return FunctionHandles.Apply(() => DropoutFunction.apply(x, null, key));
    }

    /// <summary>
    /// <paramref name="residual"/> + dropout(<paramref name="x"/>) in one pass: the residual connection around every T5
    /// sub-layer. The residual's gradient is the output's, passed through.
    /// </summary>
    public static Tensor AddTo(Tensor residual, Tensor x, double rate, bool training)
    {
        if (!training || rate <= 0) return residual + x;
        // x float32 or bf16 (a bf16 matmul's output under mixed precision), added into a float32 residual stream
        if (!DropoutMask.Supports(x, residual) || residual.dtype != ScalarType.Float32)
            return residual + nn.functional.dropout(x, rate, training: true);
        var key = DropoutKey.Draw(rate);
        return FunctionHandles.Apply(() => DropoutFunction.apply(x, residual, key));
    }

    /// <summary>y = residual + x·mask (residual optional) over contiguous copies of the inputs (x float32 or bf16, the residual float32); backward dx = dy·mask.</summary>
    sealed class DropoutFunction : SingleTensorFunction<DropoutFunction>
    {
        public override string Name => "InvertedDropout";

        public override unsafe Tensor forward(AutogradContext ctx, params object[] vars)
        {
            var x = FunctionHandles.Forward(((Tensor)vars[0]).contiguous());
            var residual = vars[1] is Tensor r ? FunctionHandles.Forward(r.contiguous()) : null;
            var key = (DropoutKey)vars[2];
            ctx.save_data("key", key);
            ctx.save_data("residual", residual is not null);
            // with a residual the sum has the residual's dtype (float32 + bf16 promotes to float32, as libtorch adds)
            var y = FunctionHandles.Forward(empty_like(residual ?? x));
            DropoutMask.Run(y, x, residual, key);
            ctx.save_data("dtype", x.dtype);
            return y;
        }

        public override unsafe List<Tensor> backward(AutogradContext ctx, Tensor grad)
        {
            FunctionHandles.BeginBackward();
            var key = (DropoutKey)ctx.get_data("key");
            var dy = grad.contiguous();
            var dx = empty_like(dy, dtype: (ScalarType)ctx.get_data("dtype")); // the input's dtype
            DropoutMask.Run(dx, dy, null, key);
            // the residual's gradient passes through; inputs that weren't tensors get none
            return FunctionHandles.Returned([dx, (bool)ctx.get_data("residual") ? grad : null!, null!], grad, dy);
        }
    }
}

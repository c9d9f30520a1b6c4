using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Runtime;

/// <summary>
/// Inverted dropout as torch.nn.functional.dropout computes it (zero with probability p, scale the rest by 1/(1 − p)),
/// with masks from <see cref="DropoutMask"/>. Costs nothing when it can't change anything (eval mode or rate 0).
/// </summary>
public static class InvertedDropout
{
    public static Tensor Apply(Tensor x, double rate, bool training)
    {
        if (!training || rate <= 0) return x;
        if (!DropoutMask.Supports(x)) return nn.functional.dropout(x, rate, training: true);
        using var mask = DropoutMask.Create(x, rate);
        return x * mask;
    }

    /// <summary>
    /// <see cref="Apply"/> that scales <paramref name="x"/> itself: for a fresh tensor no autograd node keeps (a
    /// product's output, never an activation that saves its result), saving a full-size temporary.
    /// </summary>
    public static Tensor ApplyInPlace(Tensor x, double rate, bool training)
    {
        if (!training || rate <= 0) return x;
        if (!DropoutMask.Supports(x)) return nn.functional.dropout(x, rate, training: true);
        using var mask = DropoutMask.Create(x, rate);
        return x.mul_(mask);
    }

    /// <summary>
    /// <paramref name="residual"/> + dropout(<paramref name="x"/>) in one pass (addcmul), the residual connection
    /// around every T5 sub-layer: saves a full-size temporary and a pass over it per layer.
    /// </summary>
    public static Tensor AddTo(Tensor residual, Tensor x, double rate, bool training)
    {
        if (!training || rate <= 0) return residual + x;
        if (!DropoutMask.Supports(x)) return residual + nn.functional.dropout(x, rate, training: true);
        using var mask = DropoutMask.Create(x, rate);
        return addcmul(residual, x, mask, 1);
    }
}

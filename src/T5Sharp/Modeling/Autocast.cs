using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T5Sharp.Modeling;

/// <summary>
/// torch.autocast's CPU policy for the linear layers, for mixed-precision training: the weights stay float32 (the
/// master weights the optimizer updates) and each matmul casts its input and its weight to the lower-precision type.
/// The casts are part of the autograd graph, so the backward matmuls run in that type too and the weight's gradient
/// arrives in float32 (the cast's backward converts it), accumulated there across micro-batches.
/// </summary>
internal static class Autocast
{
    /// <summary>
    /// <paramref name="projection"/>(<paramref name="x"/>), computed in <paramref name="type"/> when one is given. A
    /// plain Linear casts its float32 weight for this forward (autocast's per-region weight cast); a wrapper (LoRA)
    /// computes in its own types, so it gets <paramref name="x"/> unchanged.
    /// </summary>
    public static Tensor Linear(nn.Module<Tensor, Tensor> projection, Tensor x, ScalarType? type)
    {
        if (type is not { } t || projection is not Linear linear) return projection.forward(x);
        return Matmul(x, linear.weight!, t);
    }

    /// <summary>x·Wᵀ (no bias) in <paramref name="type"/>: both operands cast when they aren't of that type already.</summary>
    public static Tensor Matmul(Tensor x, Tensor weight, ScalarType type)
    {
        using var scope = NewDisposeScope();
        var input = x.dtype == type ? x : x.to(type);
        var w = weight.dtype == type ? weight : weight.to(type);
        return nn.functional.linear(input, w).MoveToOuterDisposeScope();
    }
}

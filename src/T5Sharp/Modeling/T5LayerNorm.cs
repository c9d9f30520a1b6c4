using T5Sharp.Kernels;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T5Sharp.Modeling;

#pragma warning disable IDE1006 // field names are Hugging Face's state-dict keys

/// <summary>T5's RMS norm: scale only, no mean subtraction, no bias; the variance is taken in float32.</summary>
public sealed class T5LayerNorm : nn.Module<Tensor, Tensor>
{
    readonly Parameter weight;
    readonly double _eps;

    public T5LayerNorm(long hiddenSize, double eps = 1e-6) : base(nameof(T5LayerNorm))
    {
        weight = new Parameter(ones(hiddenSize));
        _eps = eps;
        RegisterComponents();
    }

    public Parameter Weight => weight;

    /// <summary>
    /// The output's dtype; null: the computation's own (float32, or the weight's half type as in HF). A bf16 model keeps
    /// this norm and its weight in float32 and sets bfloat16 here, because the output feeds bf16 matmuls: one cast here
    /// instead of one per projection (torch.autocast casts at each matmul).
    /// </summary>
    public ScalarType? OutputType { get; set; }

    public override Tensor forward(Tensor x)
    {
        var y = Normalize(x);
        if (OutputType is not { } type || y.dtype == type) return y;
        using (y) return y.to(type);
    }

    Tensor Normalize(Tensor x)
    {
        if (RmsNorm.Supports(x, weight)) return RmsNorm.Apply(x, weight, _eps);
        using var scope = NewDisposeScope();
        var x32 = x.dtype == ScalarType.Float32 ? x : x.to(ScalarType.Float32);
        var variance = x32.pow(2).mean([-1L], keepdim: true);
        var normed = x32 * rsqrt(variance + _eps);
        // HF converts back to the weight's dtype when that is half precision, then scales.
        if (weight.dtype != ScalarType.Float32) normed = normed.to(weight.dtype);
        return (weight * normed).MoveToOuterDisposeScope();
    }
}

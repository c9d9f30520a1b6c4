using T5Sharp.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Modeling;

#pragma warning disable IDE1006 // field names are Hugging Face's state-dict keys

/// <summary>Pre-norm residual feed-forward: x + dropout(DenseReluDense(layer_norm(x))).</summary>
public sealed class T5LayerFF : nn.Module<Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor> DenseReluDense;
    readonly T5LayerNorm layer_norm;
    readonly double _dropout;

    public T5LayerFF(T5Config config) : base(nameof(T5LayerFF))
    {
        DenseReluDense = config.IsGatedAct ? new T5DenseGatedActDense(config) : new T5DenseActDense(config);
        layer_norm = new T5LayerNorm(config.DModel, config.LayerNormEpsilon);
        _dropout = config.DropoutRate;
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var transformed = DenseReluDense.forward(layer_norm.forward(hidden));
        return InvertedDropout.AddTo(hidden, transformed, _dropout, training).MoveToOuterDisposeScope();
    }
}

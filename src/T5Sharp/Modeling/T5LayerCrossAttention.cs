using T5Sharp.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Modeling;

#pragma warning disable IDE1006 // field names are Hugging Face's state-dict keys

/// <summary>Pre-norm residual cross-attention over the encoder output (no position bias, only the encoder mask).</summary>
public sealed class T5LayerCrossAttention : nn.Module
{
    readonly T5Attention EncDecAttention;
    readonly T5LayerNorm layer_norm;
    readonly double _dropout;

    public T5LayerCrossAttention(T5Config config) : base(nameof(T5LayerCrossAttention))
    {
        EncDecAttention = new T5Attention(config, isDecoder: true, hasRelativeAttentionBias: false);
        layer_norm = new T5LayerNorm(config.DModel, config.LayerNormEpsilon);
        _dropout = config.DropoutRate;
        RegisterComponents();
    }

    public T5Attention Attention => EncDecAttention;

    /// <param name="memory">encoder states [B, S, d_model]; unused when <paramref name="keyValues"/> (cached) is given.</param>
    /// <param name="encoderMask">additive mask [B, 1, 1, S].</param>
    public Tensor Forward(Tensor hidden, Tensor? memory, (Tensor, Tensor)? keyValues, Tensor encoderMask)
    {
        using var scope = NewDisposeScope();
        var attended = EncDecAttention.Forward(layer_norm.forward(hidden), memory, keyValues, encoderMask);
        return InvertedDropout.AddTo(hidden, attended, _dropout, training).MoveToOuterDisposeScope();
    }
}

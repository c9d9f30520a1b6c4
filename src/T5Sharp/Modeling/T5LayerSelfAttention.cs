using T5Sharp.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Modeling;

#pragma warning disable IDE1006 // field names are Hugging Face's state-dict keys

/// <summary>Pre-norm residual self-attention: x + dropout(SelfAttention(layer_norm(x))).</summary>
public sealed class T5LayerSelfAttention : nn.Module
{
    readonly T5Attention SelfAttention;
    readonly T5LayerNorm layer_norm;
    readonly double _dropout;

    public T5LayerSelfAttention(T5Config config, bool isDecoder, bool hasRelativeAttentionBias) : base(nameof(T5LayerSelfAttention))
    {
        SelfAttention = new T5Attention(config, isDecoder, hasRelativeAttentionBias);
        layer_norm = new T5LayerNorm(config.DModel, config.LayerNormEpsilon);
        _dropout = config.DropoutRate;
        RegisterComponents();
    }

    public T5Attention Attention => SelfAttention;

    /// <param name="cache">decoder cache and this block's index, or null (no caching).</param>
    public Tensor Forward(Tensor hidden, Tensor positionBias, T5DecoderCache? cache, int layerIndex)
    {
        using var scope = NewDisposeScope();
        var normed = layer_norm.forward(hidden);
        (Tensor, Tensor)? keyValues = null;
        if (cache is not null)
        {
            var (newKeys, newValues) = SelfAttention.ProjectKeyValues(normed);
            keyValues = cache.AppendSelf(layerIndex, newKeys, newValues);
        }
        var attended = SelfAttention.Forward(normed, null, keyValues, positionBias);
        return InvertedDropout.AddTo(hidden, attended, _dropout, training).MoveToOuterDisposeScope();
    }
}

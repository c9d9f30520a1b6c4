using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T5Sharp.Modeling;

#pragma warning disable IDE1006 // field names are Hugging Face's state-dict keys

/// <summary>
/// One T5 block. Encoder: layer.0 self-attention, layer.1 feed-forward. Decoder: layer.0 self-attention,
/// layer.1 cross-attention, layer.2 feed-forward (HF's key layout).
/// </summary>
public sealed class T5Block : nn.Module
{
    readonly ModuleList<nn.Module> layer;

    public T5Block(T5Config config, bool isDecoder, bool hasRelativeAttentionBias) : base(nameof(T5Block))
    {
        layer = new ModuleList<nn.Module>(new T5LayerSelfAttention(config, isDecoder, hasRelativeAttentionBias));
        if (isDecoder) layer.Add(new T5LayerCrossAttention(config));
        layer.Add(new T5LayerFF(config));
        IsDecoder = isDecoder;
        RegisterComponents();
    }

    public bool IsDecoder { get; }
    public T5LayerSelfAttention SelfAttentionLayer => (T5LayerSelfAttention)layer[0];
    public T5LayerCrossAttention CrossAttentionLayer => IsDecoder ? (T5LayerCrossAttention)layer[1]
        : throw new InvalidOperationException("an encoder block has no cross-attention");
    public T5LayerFF FeedForwardLayer => (T5LayerFF)layer[IsDecoder ? 2 : 1];

    /// <param name="selfBias">self-attention position bias + mask, [B or 1, heads, T, T_total].</param>
    /// <param name="memory">encoder states (decoder without cache), else null.</param>
    /// <param name="encoderMask">additive encoder mask [B, 1, 1, S] (decoder only).</param>
    public Tensor Forward(Tensor hidden, Tensor selfBias, Tensor? memory, Tensor? encoderMask,
        T5DecoderCache? cache, int layerIndex)
    {
        using var scope = NewDisposeScope();
        var h = SelfAttentionLayer.Forward(hidden, selfBias, cache, layerIndex);
        if (IsDecoder)
            h = CrossAttentionLayer.Forward(h, memory, cache?.Cross(layerIndex), encoderMask!);
        return FeedForwardLayer.forward(h).MoveToOuterDisposeScope();
    }
}

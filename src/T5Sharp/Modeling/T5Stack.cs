using T5Sharp.Kernels;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T5Sharp.Modeling;

#pragma warning disable IDE1006 // field names are Hugging Face's state-dict keys

/// <summary>
/// The encoder or decoder stack. The token embedding is the model's <c>shared</c> one, so the stack takes embeddings
/// rather than ids and registers no copy of it. Block 0's position bias (plus mask) is computed once and reused by all.
/// </summary>
public sealed class T5Stack : nn.Module
{
    readonly ModuleList<T5Block> block;
    readonly T5LayerNorm final_layer_norm;
    readonly double _dropout;

    public T5Stack(T5Config config, bool isDecoder) : base(nameof(T5Stack))
    {
        IsDecoder = isDecoder;
        int layers = isDecoder ? config.DecoderLayers : config.NumLayers;
        block = new ModuleList<T5Block>();
        for (int i = 0; i < layers; i++) block.Add(new T5Block(config, isDecoder, hasRelativeAttentionBias: i == 0));
        final_layer_norm = new T5LayerNorm(config.DModel, config.LayerNormEpsilon);
        _dropout = config.DropoutRate;
        RegisterComponents();
    }

    public bool IsDecoder { get; }
    public int BlockCount => block.Count;
    public T5Block Block(int index) => block[index];

    /// <param name="embeds">[B, T, d_model] token embeddings.</param>
    /// <param name="attentionMask">encoder: [B, S] padding mask; decoder: null (causal only, like HF without decoder_attention_mask).</param>
    /// <param name="memory">decoder without cache: encoder states [B, S, d_model].</param>
    /// <param name="encoderMask">decoder: additive encoder mask [B, 1, 1, S].</param>
    /// <param name="cache">decoder with cache: queries start at cache.Length; the cache grows by T.</param>
    /// <param name="hiddenStates">if given, receives HF's output_hidden_states: each block's input, then the final normed
    /// output. These are aliases outside every dispose scope: the list's owner disposes them.</param>
    public Tensor Forward(Tensor embeds, Tensor? attentionMask, Tensor? memory, Tensor? encoderMask,
        T5DecoderCache? cache = null, List<Tensor>? hiddenStates = null)
    {
        using var scope = NewDisposeScope();
        long length = embeds.shape[1];
        long past = cache?.Length ?? 0;
        // The residual stream is kept in the norms' dtype: float32 when only the matmuls compute in bf16 (torch.autocast's
        // policy; the embedding is stored in bf16 then), so every sub-layer's bf16 output is added in float32.
        var residualType = final_layer_norm.Weight.dtype;
        if (embeds.dtype != residualType) embeds = embeds.to(residualType);
        var hidden = InvertedDropout.Apply(embeds, _dropout, training);
        Tensor? bias = null;
        if (block.Count > 0)
        {
            var positionBias = block[0].SelfAttentionLayer.Attention.ComputeBias(past, length, past + length).to(embeds.dtype);
            if (IsDecoder)
                bias = length == 1 ? positionBias // one new query sees every cached key: nothing to mask
                    : positionBias + T5Masks.Causal(past, length, past + length, embeds.dtype, embeds.device);
            else
                bias = positionBias + T5Masks.Padding(attentionMask!, embeds.dtype);
            // rows that joined a running cache late (continuous batching) have no keys in its earlier slots
            if (cache?.SelfKeyMask(past + length, embeds.dtype) is { } joinedLate) bias = bias + joinedLate;
        }
        for (int i = 0; i < block.Count; i++)
        {
            if (hiddenStates is not null) hiddenStates.Add(hidden.alias().DetachFromDisposeScope());
            hidden = block[i].Forward(hidden, bias!, memory, encoderMask, cache, i);
        }
        cache?.Advance(length);
        hidden = InvertedDropout.Apply(final_layer_norm.forward(hidden), _dropout, training);
        hiddenStates?.Add(hidden.alias().DetachFromDisposeScope());
        return hidden.MoveToOuterDisposeScope();
    }
}

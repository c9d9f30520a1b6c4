using T5Sharp.Kernels;
using T5Sharp.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T5Sharp.Modeling;

#pragma warning disable IDE1006 // field names are Hugging Face's state-dict keys

/// <summary>
/// transformers' T5ForConditionalGeneration for both families: FLAN-T5 / v1.1 (gated-gelu, untied lm_head) and original
/// T5 (relu, lm_head tied to <c>shared</c>, decoder output scaled by d_model^-0.5). state_dict() keys equal HF's.
/// </summary>
public sealed class T5ForConditionalGeneration : nn.Module
{
    readonly Embedding shared;
    readonly T5Stack encoder, decoder;
    readonly Linear? lm_head; // null when tied: the logits then use shared.weight

    public T5ForConditionalGeneration(T5Config config) : base(nameof(T5ForConditionalGeneration))
    {
        config.Validate("T5Config");
        Config = config;
        shared = nn.Embedding(config.VocabSize, config.DModel);
        encoder = new T5Stack(config, isDecoder: false);
        decoder = new T5Stack(config, isDecoder: true);
        if (!config.TieWordEmbeddings) lm_head = nn.Linear(config.DModel, config.VocabSize, hasBias: false);
        RegisterComponents();
    }

    public T5Config Config { get; }
    public Embedding Shared => shared;
    public T5Stack Encoder => encoder;
    public T5Stack Decoder => decoder;
    public Linear? LmHead => lm_head;

    /// <summary>The number format the matmuls compute in (<see cref="UseComputeType"/>); float32 as constructed.</summary>
    public ComputeType ComputeType { get; private set; } = ComputeType.Float32;

    /// <summary>
    /// Converts the weights once for <paramref name="type"/>. bfloat16 follows torch.autocast's CPU policy for
    /// inference: every linear layer and the shared embedding are stored in bf16 (matmuls and attention in bf16, half
    /// the memory), while the RMS norms (and their weights), the position bias, the residual stream and the logits stay
    /// float32. Call it before attaching adapters (they stay float32 on a bf16 base, as peft keeps them).
    /// </summary>
    /// <exception cref="InvalidOperationException">Converting a bf16 model back: the rounding can't be undone (reload it).</exception>
    public void UseComputeType(ComputeType type)
    {
        if (type == ComputeType) return;
        if (Quantization != WeightQuantization.None)
            throw new InvalidOperationException($"an {Quantization}-quantized model computes in float32; load it again for {type.Name()}");
        if (ComputeType != ComputeType.Float32)
            throw new InvalidOperationException($"the model computes in {ComputeType.Name()} already; load it again for {type.Name()}");
        foreach (var module in modules())
            if (module is Linear linear) linear.to(ScalarType.BFloat16);
            else if (module is T5LayerNorm norm) norm.OutputType = ScalarType.BFloat16;
        shared.to(ScalarType.BFloat16);
        ComputeType = type;
    }

    /// <summary>The weight storage of the linear layers (<see cref="Quantize"/>); none as constructed.</summary>
    public WeightQuantization Quantization { get; private set; } = WeightQuantization.None;

    /// <summary>
    /// int8 dynamic quantization for decoding (CTranslate2's CPU trick), applied once after loading: every projection
    /// (q, k, v, o, wi / wi_0, wi_1, wo) of the encoder and decoder becomes an <see cref="Int8QuantizedLinear"/>, and
    /// with <paramref name="lmHead"/> the logits projection too (lm_head, or the tied embedding's copy; the float32
    /// lm_head and embedding stay, as the embedding lookup needs them). Embeddings, norms, the position bias, attention
    /// and the logits stay float32. Inference only, float32 compute only, before any adapter (LoRA can't wrap an int8
    /// layer); a second call is a no-op.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model computes in bf16, or a projection is already wrapped (an adapter).</exception>
    public void Quantize(WeightQuantization quantization, bool lmHead = true)
    {
        if (quantization == Quantization) return;
        if (Quantization != WeightQuantization.None || quantization != WeightQuantization.Int8)
            throw new InvalidOperationException($"the model is quantized to {Quantization} already; load it again for {quantization}");
        if (ComputeType != ComputeType.Float32)
            throw new InvalidOperationException($"int8 quantization works on a float32 model, this one computes in {ComputeType.Name()}");
        var slots = new List<(IProjectionHost Host, string Name, Linear Linear)>();
        foreach (var (name, module) in named_modules())
            if (module is IProjectionHost host)
                foreach (var slot in host.ProjectionNames)
                    slots.Add((host, slot, host.GetProjection(slot) as Linear ?? throw new InvalidOperationException(
                        $"{name}.{slot} is a {host.GetProjection(slot).GetType().Name}: quantize before attaching adapters")));
        using (no_grad())
        {
            foreach (var (host, slot, linear) in slots)
            {
                var quantized = new Int8QuantizedLinear(linear.weight!);
                quantized.eval();
                host.SetProjection(slot, quantized);
                linear.Dispose(); // its float32 weight is no longer needed: the int8 copy is a quarter of it
            }
            if (lmHead) _int8LmHead = Int8Linear.Quantize((lm_head?.weight ?? shared.weight)!);
        }
        Quantization = quantization;
    }

    Int8PackedWeight? _int8LmHead;

    protected override void Dispose(bool disposing)
    {
        if (disposing) _int8LmHead?.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>
    /// Mixed precision as torch.autocast applies it (HF's <c>bf16=True</c> training): with bfloat16 every forward runs
    /// the linear layers (q, k, v, o, the feed-forward, lm_head) and attention in bf16 by casting the stored weights for
    /// that forward, while the weights themselves, the embedding, the RMS norms, softmax, the residual stream and the
    /// loss stay float32. Gradients arrive in float32 at the float32 weights, so the optimizer and checkpoints are
    /// unchanged. Unlike <see cref="UseComputeType"/> nothing is converted, and setting it back to float32 restores
    /// the float32 computation exactly. Layers wrapped by an adapter compute in their own types.
    /// </summary>
    public ComputeType AutocastComputeType
    {
        get => _autocast;
        set
        {
            _autocast = value;
            ScalarType? type = value == ComputeType.BFloat16 ? ScalarType.BFloat16 : null;
            foreach (var module in modules())
                switch (module)
                {
                    case T5Attention attention: attention.AutocastType = type; break;
                    case T5DenseGatedActDense gated: gated.AutocastType = type; break;
                    case T5DenseActDense dense: dense.AutocastType = type; break;
                }
        }
    }

    ComputeType _autocast = ComputeType.Float32;

    /// <summary>Encoder output [B, S, d_model] (after the final norm).</summary>
    public Tensor Encode(Tensor inputIds, Tensor attentionMask, List<Tensor>? hiddenStates = null)
    {
        using var scope = NewDisposeScope();
        var embeds = shared.forward(inputIds);
        return encoder.Forward(embeds, attentionMask, null, null, null, hiddenStates).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Full forward. Without <paramref name="decoderInputIds"/> they are <paramref name="labels"/> shifted right.
    /// Loss = mean cross-entropy over labels ≠ -100.
    /// </summary>
    public T5Output Forward(Tensor inputIds, Tensor attentionMask, Tensor? decoderInputIds = null, Tensor? labels = null,
        bool outputHiddenStates = false)
    {
        if (decoderInputIds is null && labels is null)
            throw new ArgumentException("T5 forward needs decoderInputIds or labels (to shift right into decoder inputs)");
        using var scope = NewDisposeScope();
        var encoderStates = outputHiddenStates ? new List<Tensor>() : null;
        var decoderStates = outputHiddenStates ? new List<Tensor>() : null;
        var encoded = Encode(inputIds, attentionMask, encoderStates);
        var decoderIds = decoderInputIds ?? ShiftRight(labels!, Config.DecoderStartId, Config.PadTokenId);
        var encoderMask = T5Masks.Padding(attentionMask, encoded.dtype);
        var decoded = decoder.Forward(shared.forward(decoderIds), null, encoded, encoderMask, null, decoderStates);
        var logits = LmLogits(decoded);
        Tensor? loss = labels is null ? null
            : nn.functional.cross_entropy(logits.view(-1, logits.shape[^1]).to(ScalarType.Float32), labels.view(-1), ignore_index: -100);
        return new T5Output
        {
            Logits = logits.MoveToOuterDisposeScope(),
            Loss = loss?.MoveToOuterDisposeScope(),
            EncoderLastHiddenState = encoded.MoveToOuterDisposeScope(),
            DecoderLastHiddenState = decoded.MoveToOuterDisposeScope(),
            EncoderHiddenStates = encoderStates,
            DecoderHiddenStates = decoderStates,
        };
    }

    /// <summary>Projects decoder output to vocabulary logits (tied models scale by d_model^-0.5 first, as HF does).</summary>
    public Tensor LmLogits(Tensor decoderOutput)
    {
        using var scope = NewDisposeScope();
        var scaled = lm_head is not null ? decoderOutput : decoderOutput * Scalars.Of(Math.Pow(Config.DModel, -0.5));
        var weight = lm_head?.weight ?? shared.weight!;
        var logits = _autocast == ComputeType.BFloat16 ? Autocast.Matmul(scaled, weight, ScalarType.BFloat16)
            : _int8LmHead is not null ? Int8Linear.Forward(scaled, _int8LmHead)
            : lm_head is not null ? lm_head.forward(scaled) : nn.functional.linear(scaled, weight);
        // bf16 matmul, float32 logits: the loss, the logits processors, sampling and scores all see float32.
        if (logits.dtype != ScalarType.Float32 && (ComputeType != ComputeType.Float32 || _autocast != ComputeType.Float32))
            logits = logits.to(ScalarType.Float32);
        return logits.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A cache for incremental decoding over <paramref name="encoderOutput"/>: projects each decoder block's
    /// cross-attention keys/values once. <paramref name="initialCapacity"/>: decoder positions preallocated.
    /// </summary>
    public T5DecoderCache CreateDecoderCache(Tensor encoderOutput, Tensor attentionMask, long initialCapacity = 32)
    {
        using var scope = NewDisposeScope();
        int n = decoder.BlockCount;
        var keys = new Tensor[n];
        var values = new Tensor[n];
        for (int i = 0; i < n; i++)
            (keys[i], values[i]) = decoder.Block(i).CrossAttentionLayer.Attention.ProjectKeyValues(encoderOutput);
        var mask = T5Masks.Padding(attentionMask, encoderOutput.dtype);
        // contiguous: the projections are transposed views; attention reads them every step
        return new T5DecoderCache(keys.Select(k => k.contiguous()).ToArray(), values.Select(v => v.contiguous()).ToArray(), mask, initialCapacity);
    }

    /// <summary>
    /// Decodes <paramref name="decoderInputIds"/> [B, n] at positions cache.Length.. and appends them to the cache.
    /// Returns logits [B, n, vocab].
    /// </summary>
    public Tensor DecodeStep(Tensor decoderInputIds, T5DecoderCache cache)
    {
        using var scope = NewDisposeScope();
        var decoded = decoder.Forward(shared.forward(decoderInputIds), null, null, cache.EncoderMask, cache);
        return LmLogits(decoded).MoveToOuterDisposeScope();
    }

    /// <summary>HF's _shift_right: start token first, labels[:, :-1] after, -100 replaced by pad.</summary>
    public static Tensor ShiftRight(Tensor labels, long decoderStartId, long padId)
    {
        using var scope = NewDisposeScope();
        var start = full(labels.shape[0], 1, decoderStartId, labels.dtype, labels.device);
        var shifted = cat([start, labels.narrow(1, 0, labels.shape[1] - 1)], 1);
        return shifted.masked_fill(shifted.eq(Scalars.Of(-100L)), Scalars.Of(padId)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Copies a Hugging Face state dict into the parameters (converting dtype). Every parameter must be present with
    /// its exact shape; keys the model lacks are errors except the tied aliases HF files may carry.
    /// <paramref name="source"/> names the file(s) in error messages.
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict, string source) =>
        T5StateDictLoader.Load(this, stateDict, source);
}

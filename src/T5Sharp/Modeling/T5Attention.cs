using T5Sharp.Runtime;
using T5Sharp.Kernels;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T5Sharp.Modeling;

#pragma warning disable IDE1006 // field names are Hugging Face's state-dict keys

/// <summary>
/// T5 multi-head attention: no biases, no 1/√d_kv scaling, softmax in float32. Only the first block of a stack owns
/// <c>relative_attention_bias</c>; its bias (with the mask added) is computed once by the stack and passed to every block.
/// </summary>
public sealed class T5Attention : nn.Module, IProjectionHost
{
    nn.Module<Tensor, Tensor> q, k, v, o; // Linear, or a wrapper put in by SetProjection (LoRA)
    readonly Embedding? relative_attention_bias;
    readonly bool _isDecoder;
    readonly int _heads, _dKv, _numBuckets, _maxDistance;
    readonly double _dropout;

    public T5Attention(T5Config config, bool isDecoder, bool hasRelativeAttentionBias) : base(nameof(T5Attention))
    {
        _isDecoder = isDecoder;
        _heads = config.NumHeads;
        _dKv = config.DKv;
        _numBuckets = config.RelativeAttentionNumBuckets;
        _maxDistance = config.RelativeAttentionMaxDistance;
        _dropout = config.DropoutRate;
        q = nn.Linear(config.DModel, config.InnerDim, hasBias: false);
        k = nn.Linear(config.DModel, config.InnerDim, hasBias: false);
        v = nn.Linear(config.DModel, config.InnerDim, hasBias: false);
        o = nn.Linear(config.InnerDim, config.DModel, hasBias: false);
        if (hasRelativeAttentionBias) relative_attention_bias = nn.Embedding(_numBuckets, _heads);
        RegisterComponents();
    }

    public bool HasRelativeAttentionBias => relative_attention_bias is not null;
    public IReadOnlyList<string> ProjectionNames { get; } = ["q", "k", "v", "o"];

    public nn.Module<Tensor, Tensor> GetProjection(string name) => name switch
    {
        "q" => q, "k" => k, "v" => v, "o" => o,
        _ => throw ProjectionSlots.Unknown(nameof(T5Attention), name, ProjectionNames),
    };

    public void SetProjection(string name, nn.Module<Tensor, Tensor> module)
    {
        switch (name)
        {
            case "q": q = module; break;
            case "k": k = module; break;
            case "v": v = module; break;
            case "o": o = module; break;
            default: throw ProjectionSlots.Unknown(nameof(T5Attention), name, ProjectionNames);
        }
        ProjectionSlots.Reregister(this, name, module);
    }
    internal Embedding? RelativeAttentionBias => relative_attention_bias;

    /// <summary>Mixed precision (set by the model's <c>Autocast</c>): the projections compute in this type, their weights stay as stored.</summary>
    internal ScalarType? AutocastType { get; set; }

    /// <summary>
    /// Position bias [1, heads, queryLength, keyLength] for queries at positions queryStart.. (a cached decoder step
    /// asks for the rows of its own positions only) against keys at 0..keyLength-1.
    /// </summary>
    public Tensor ComputeBias(long queryStart, long queryLength, long keyLength)
    {
        if (relative_attention_bias is null)
            throw new InvalidOperationException("only the first block of a stack owns relative_attention_bias");
        using var scope = NewDisposeScope();
        var device = relative_attention_bias.weight!.device;
        var context = arange(queryStart, queryStart + queryLength, ScalarType.Int64, device).unsqueeze(1);
        var memory = arange(0, keyLength, ScalarType.Int64, device).unsqueeze(0);
        var buckets = T5RelativePosition.Bucket(memory - context, !_isDecoder, _numBuckets, _maxDistance);
        var values = relative_attention_bias.forward(buckets); // [q, k, heads]
        return values.permute(2, 0, 1).unsqueeze(0).MoveToOuterDisposeScope();
    }

    /// <summary>[B, T, d_model] → [B, heads, T, d_kv].</summary>
    internal Tensor Shape(Tensor x) => x.view(x.shape[0], -1, _heads, _dKv).transpose(1, 2);

    /// <summary>Keys and values of <paramref name="states"/>, [B, heads, T, d_kv] each (what the cache stores).</summary>
    public (Tensor Keys, Tensor Values) ProjectKeyValues(Tensor states) =>
        (Shape(Autocast.Linear(k, states, AutocastType)), Shape(Autocast.Linear(v, states, AutocastType)));

    /// <param name="hidden">[B, T, d_model] queries (and keys/values for self-attention).</param>
    /// <param name="keyValues">precomputed keys/values (cache) or null to project from <paramref name="memory"/>/hidden.</param>
    /// <param name="memory">encoder states for cross-attention, null for self-attention.</param>
    /// <param name="positionBias">additive bias + mask broadcastable to [B, heads, T, S].</param>
    public Tensor Forward(Tensor hidden, Tensor? memory, (Tensor Keys, Tensor Values)? keyValues, Tensor? positionBias)
    {
        using var scope = NewDisposeScope();
        long batch = hidden.shape[0], length = hidden.shape[1];
        var query = Shape(Autocast.Linear(q, hidden, AutocastType));
        var (keys, values) = keyValues ?? ProjectKeyValues(memory ?? hidden);
        var context = Attend(query, keys, values, positionBias).transpose(1, 2).reshape(batch, length, -1);
        return Autocast.Linear(o, context, AutocastType).MoveToOuterDisposeScope();
    }

    /// <summary>softmax(q·kᵀ + bias)·v over [B, heads, T, d_kv]: T5 does not scale the scores by 1/√d_kv.</summary>
    Tensor Attend(Tensor query, Tensor keys, Tensor values, Tensor? positionBias)
    {
        bool dropWeights = training && _dropout > 0;
        if (query.dtype is ScalarType.Float32 or ScalarType.BFloat16 && !dropWeights)
        {
            // libtorch's fused attention (one pass, no [T, S] score tensors kept around) beats the three separate ops:
            // float32 1.06× (AVX2 EPYC) to ~4× (AMX Xeon, DESIGN.md) at full length and ~4–5× at a decoding step, bf16
            // ~13–16× at full length on a CPU without bf16 hardware (bench `attention`). It always divides by √d_kv, so the query is multiplied by √d_kv first
            // (exact when d_kv is a power of two, as in every released T5). With bf16 queries it accumulates the
            // scores and the softmax in float32 and takes the float32 bias + mask as it is.
            return nn.functional.scaled_dot_product_attention(query * Scalars.Of(Math.Sqrt(_dKv)), keys, values, positionBias, 0.0, false);
        }
        // Dropout on the weights, or another precision: HF's order of operations, scores and softmax in float32. (With
        // dropout, libtorch's fused attention falls back to this same math plus a serial bernoulli_ mask and extra passes.)
        var scores = matmul(query, keys.transpose(2, 3));
        if (scores.dtype != ScalarType.Float32) scores = scores.to(ScalarType.Float32);
        if (positionBias is not null) scores = scores.add_(positionBias); // matmul's backward doesn't need its output
        var weights = nn.functional.softmax(scores, -1);
        if (weights.dtype != values.dtype) weights = weights.to(values.dtype);
        weights = InvertedDropout.Apply(weights, _dropout, training);
        return matmul(weights, values);
    }
}

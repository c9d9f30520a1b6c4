using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Modeling;

/// <summary>
/// The decoder's key/value cache for incremental decoding. Self-attention keys/values live in preallocated buffers
/// [B, heads, capacity, d_kv] that double when full (so a step writes one slice instead of concatenating the whole
/// history); cross-attention keys/values are projected once from the encoder output. Every tensor is owned here
/// (detached from dispose scopes) and freed by <see cref="Dispose"/>. <see cref="Reorder"/> selects batch rows
/// (beam search: keep or duplicate the surviving beams).
/// </summary>
public sealed class T5DecoderCache : IDisposable
{
    readonly Tensor?[] _selfKeys, _selfValues;
    readonly Tensor[] _crossKeys, _crossValues;
    Tensor _encoderMask;
    readonly long _initialCapacity;

    internal T5DecoderCache(Tensor[] crossKeys, Tensor[] crossValues, Tensor encoderMask, long initialCapacity)
    {
        _crossKeys = crossKeys.Select(t => t.DetachFromDisposeScope()).ToArray();
        _crossValues = crossValues.Select(t => t.DetachFromDisposeScope()).ToArray();
        _encoderMask = encoderMask.DetachFromDisposeScope();
        _selfKeys = new Tensor?[crossKeys.Length];
        _selfValues = new Tensor?[crossKeys.Length];
        _initialCapacity = Math.Max(1, initialCapacity);
    }

    /// <summary>Decoder positions already cached (the next token's position).</summary>
    public long Length { get; private set; }

    public long BatchSize => _encoderMask.shape[0];

    /// <summary>Additive encoder padding mask [B, 1, 1, S] used by cross-attention.</summary>
    public Tensor EncoderMask => _encoderMask;

    /// <summary>Writes this step's keys/values [B, heads, n, d_kv] at <see cref="Length"/>; returns views of all of them.</summary>
    internal (Tensor Keys, Tensor Values) AppendSelf(int layer, Tensor keys, Tensor values)
    {
        long n = keys.shape[2], needed = Length + n;
        _selfKeys[layer] = Ensure(_selfKeys[layer], keys, needed);
        _selfValues[layer] = Ensure(_selfValues[layer], values, needed);
        _selfKeys[layer]!.narrow(2, Length, n).copy_(keys);
        _selfValues[layer]!.narrow(2, Length, n).copy_(values);
        return (_selfKeys[layer]!.narrow(2, 0, needed), _selfValues[layer]!.narrow(2, 0, needed));
    }

    Tensor Ensure(Tensor? buffer, Tensor like, long needed)
    {
        if (buffer is not null && buffer.shape[2] >= needed) return buffer;
        long capacity = buffer is null ? Math.Max(_initialCapacity, needed) : Math.Max(buffer.shape[2] * 2, needed);
        var grown = empty([like.shape[0], like.shape[1], capacity, like.shape[3]], like.dtype, like.device).DetachFromDisposeScope();
        if (buffer is not null)
        {
            grown.narrow(2, 0, Length).copy_(buffer.narrow(2, 0, Length));
            buffer.Dispose();
        }
        return grown;
    }

    internal (Tensor Keys, Tensor Values) Cross(int layer) => (_crossKeys[layer], _crossValues[layer]);

    internal void Advance(long n) => Length += n;

    /// <summary>Replaces every row by row <c>indices[i]</c> (int64 [B']), e.g. to follow beams or expand a batch.</summary>
    /// <param name="selfAttentionOnly">
    /// For beam search, whose indices never leave an input's group of beams: the cross-attention keys/values and the
    /// encoder mask are identical across that group, so only the self-attention cache needs to move (saves copying
    /// 2 × layers × [B, heads, source, d_kv] every step).
    /// </param>
    public void Reorder(Tensor indices, bool selfAttentionOnly = false)
    {
        using var scope = NewDisposeScope();
        static Tensor Pick(Tensor t, Tensor idx)
        {
            var picked = t.index_select(0, idx).DetachFromDisposeScope();
            t.Dispose();
            return picked;
        }
        var idx = indices.to(ScalarType.Int64).to(_encoderMask.device);
        for (int i = 0; i < _crossKeys.Length; i++)
        {
            if (!selfAttentionOnly)
            {
                _crossKeys[i] = Pick(_crossKeys[i], idx);
                _crossValues[i] = Pick(_crossValues[i], idx);
            }
            if (_selfKeys[i] is { } k) _selfKeys[i] = Pick(k, idx);
            if (_selfValues[i] is { } v) _selfValues[i] = Pick(v, idx);
        }
        if (!selfAttentionOnly) _encoderMask = Pick(_encoderMask, idx);
    }

    public void Dispose()
    {
        foreach (var t in _crossKeys.Concat(_crossValues).Concat(_selfKeys).Concat(_selfValues)) t?.Dispose();
        _encoderMask.Dispose();
    }
}

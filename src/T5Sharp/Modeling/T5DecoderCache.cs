using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Modeling;

/// <summary>
/// The decoder's key/value cache for incremental decoding. Self-attention keys/values live in preallocated buffers
/// [B, heads, capacity, d_kv] that double when full (so a step writes one slice instead of concatenating the whole
/// history); cross-attention keys/values are projected once from the encoder output. Every tensor is owned here
/// (detached from dispose scopes) and freed by <see cref="Dispose"/>. <see cref="Reorder"/> selects batch rows
/// (beam search: keep or duplicate the surviving beams).
/// <see cref="Join"/> adds rows that start decoding later (continuous batching): their earlier self-attention slots are
/// masked (<see cref="SelfKeyMask"/>), which is exact for T5 because its position bias depends only on the key−query
/// distance, and the shorter source of either side is padded (masked) to the longer.
/// </summary>
public sealed class T5DecoderCache : IDisposable
{
    readonly Tensor?[] _selfKeys, _selfValues;
    readonly Tensor[] _crossKeys, _crossValues;
    Tensor _encoderMask;
    readonly long _initialCapacity;
    long[]? _keyStarts; // per row: the first self-attention slot holding its own keys; null when every row starts at 0

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

    /// <summary>Source positions S of the cross-attention keys (the longest row's source; shorter ones are masked).</summary>
    public long SourceLength => _crossKeys.Length > 0 ? _crossKeys[0].shape[2] : _encoderMask.shape[3];

    /// <summary>
    /// Additive mask [B, 1, 1, keyLength] over the self-attention slots a row joined after (null when no row did):
    /// the decoder adds it to the position bias.
    /// </summary>
    internal Tensor? SelfKeyMask(long keyLength, ScalarType dtype) =>
        _keyStarts is null ? null : T5Masks.LeadingPadding(_keyStarts, keyLength, dtype, _encoderMask.device);

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

    /// <summary>
    /// Appends the rows of <paramref name="newcomer"/>, a cache over its own encoder output that has decoded nothing
    /// yet, and disposes it. Its rows' next token goes to slot <see cref="Length"/> like everyone's, and the slots
    /// before it are masked for them; the shorter source side is zero-padded and masked. Exact: T5's self-attention
    /// bias depends only on key−query distance, and masked slots get zero weight.
    /// </summary>
    public void Join(T5DecoderCache newcomer)
    {
        if (newcomer.Length != 0) throw new ArgumentException("only a cache that has decoded nothing can join another");
        if (newcomer._crossKeys.Length != _crossKeys.Length) throw new ArgumentException("the caches come from different models");
        using var scope = NewDisposeScope();
        long rows = BatchSize, added = newcomer.BatchSize;
        long source = Math.Max(SourceLength, newcomer.SourceLength);
        static Tensor Own(Tensor t) => t.DetachFromDisposeScope();
        Tensor Stack(Tensor mine, Tensor theirs, int lengthDim)
        {
            var joined = cat([PadTo(mine, lengthDim, source), PadTo(theirs, lengthDim, source)], 0);
            mine.Dispose();
            return Own(joined);
        }
        for (int i = 0; i < _crossKeys.Length; i++)
        {
            _crossKeys[i] = Stack(_crossKeys[i], newcomer._crossKeys[i], 2);
            _crossValues[i] = Stack(_crossValues[i], newcomer._crossValues[i], 2);
            foreach (var buffers in new[] { _selfKeys, _selfValues })
                if (buffers[i] is { } b)
                {
                    // slots past Length are never read, but masked slots are: zeros, not garbage (0 × NaN would be NaN)
                    var grown = cat([b, zeros([added, b.shape[1], b.shape[2], b.shape[3]], b.dtype, b.device)], 0);
                    b.Dispose();
                    buffers[i] = Own(grown);
                }
        }
        _encoderMask = Stack(_encoderMask, newcomer._encoderMask, 3);
        if (Length > 0 || _keyStarts is not null)
            _keyStarts = [.. _keyStarts ?? new long[rows], .. Enumerable.Repeat(Length, (int)added)];
        newcomer.Dispose();
    }

    /// <summary>Zero keys/values or a masked (lowest) additive mask beyond a row's own source positions.</summary>
    Tensor PadTo(Tensor t, int dim, long length)
    {
        if (t.shape[dim] == length) return t;
        var shape = t.shape.ToArray();
        shape[dim] = length - t.shape[dim];
        var padding = dim == 3 // the additive encoder mask [B, 1, 1, S]
            ? T5Masks.Padding(zeros([shape[0], shape[3]], ScalarType.Int64, t.device), t.dtype)
            : zeros(shape, t.dtype, t.device);
        return cat([t, padding], dim);
    }

    /// <summary>
    /// Frees what no row reads any more: source positions past <paramref name="sourceLength"/> (the longest remaining
    /// row's source) and the leading self-attention slots every row joined after (positions shift; exact, as the bias
    /// depends only on distance). Call it after rows left.
    /// </summary>
    public void Trim(long sourceLength)
    {
        using var scope = NewDisposeScope();
        static Tensor Keep(Tensor t, int dim, long start, long length)
        {
            var kept = t.narrow(dim, start, length).contiguous().DetachFromDisposeScope();
            t.Dispose();
            return kept;
        }
        if (sourceLength < SourceLength)
        {
            for (int i = 0; i < _crossKeys.Length; i++)
            {
                _crossKeys[i] = Keep(_crossKeys[i], 2, 0, sourceLength);
                _crossValues[i] = Keep(_crossValues[i], 2, 0, sourceLength);
            }
            _encoderMask = Keep(_encoderMask, 3, 0, sourceLength);
        }
        long drop = _keyStarts is null ? 0 : _keyStarts.Min();
        if (drop > 0)
        {
            for (int i = 0; i < _selfKeys.Length; i++)
            {
                if (_selfKeys[i] is { } k) _selfKeys[i] = Keep(k, 2, drop, k.shape[2] - drop);
                if (_selfValues[i] is { } v) _selfValues[i] = Keep(v, 2, drop, v.shape[2] - drop);
            }
            Length -= drop;
            _keyStarts = _keyStarts!.Select(s => s - drop).ToArray();
        }
        if (_keyStarts is not null && _keyStarts.All(s => s == 0)) _keyStarts = null;
    }

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
        if (_keyStarts is { } starts) // only rows that joined late have any: beam search never reads the indices back
            _keyStarts = idx.cpu().data<long>().ToArray().Select(r => starts[r]).ToArray();
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

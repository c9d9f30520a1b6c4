using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Kernels;

/// <summary>
/// One dropout mask, as a key: element i is kept when hash(i, K0, K1) ≥ <see cref="Threshold"/> (probability 1 − p)
/// and then scaled by <see cref="Scale"/> = 1/(1 − p). The mask is never stored: forward and backward recompute it.
/// </summary>
public readonly record struct DropoutKey(uint K0, uint K1, uint Threshold, float Scale)
{
    /// <summary>A fresh key for rate <paramref name="p"/>, its 64 bits drawn from torch's global generator.</summary>
    public static DropoutKey Draw(double p)
    {
        if (p is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(p), p, "dropout rate must be in (0, 1)");
        using var draw = randint(0, 1L << 32, [2], ScalarType.Int64);
        var values = draw.data<long>();
        return new DropoutKey((uint)values[0], (uint)values[1], ThresholdFor(p), (float)(1.0 / (1.0 - p)));
    }

    /// <summary>Hashes are uniform on [0, 2³²), so P(hash ≥ t) = 1 − p.</summary>
    internal static uint ThresholdFor(double p) => (uint)Math.Min(Math.Round(p * 4294967296.0), uint.MaxValue);
}

/// <summary>
/// Dropout masks from a counter-based generator (<see cref="DropoutKey"/>), applied by element-wise kernels.
/// Why not libtorch's bernoulli_: on CPU it runs on one thread through a locked Mersenne Twister, ~15 ns per element,
/// and T5 drops ~77M elements per training step at the flan-t5-small shape (over a second). A hash of the element's
/// index runs in parallel at memory speed, its values depend only on (key, i), so they are the same whatever the thread
/// count, and the backward recomputes the mask instead of keeping a float per element. The key comes from torch's
/// generator, so torch.manual_seed seeds dropout and the generator state that checkpoints save makes a resumed run
/// draw the same masks.
/// </summary>
public static unsafe class DropoutMask
{
    // Why so large: after each libtorch op its OpenMP workers spin for a while, holding the other cores, so .NET
    // worker threads started right then wait for them; measured on 2 cores, one thread was as fast or faster up to
    // the largest masks T5 makes (3.1M elements at flan-t5-small 8 × 256). Beyond this, the split pays off.
    const long ParallelThreshold = 1 << 23;
    const long ParallelChunk = 1 << 20;

    /// <summary>Whether the kernels take <paramref name="like"/>: CPU float32 or bfloat16 under 2³² elements.</summary>
    public static bool Supports(Tensor like) =>
        like.device_type == DeviceType.CPU && like.dtype is ScalarType.Float32 or ScalarType.BFloat16 && like.numel() < (1L << 32);

    /// <summary>Whether the kernels take two tensors they pair element by element: both supported, same shape.</summary>
    public static bool Supports(Tensor a, Tensor b) => Supports(a) && Supports(b) && a.shape.SequenceEqual(b.shape);

    /// <summary>The mask itself as a float32 tensor shaped like <paramref name="like"/>: 0 (dropped) or 1/(1 − p) (kept).</summary>
    public static Tensor Create(Tensor like, in DropoutKey key)
    {
        if (!Supports(like)) throw new ArgumentException($"DropoutMask: unsupported tensor ({like.dtype} on {like.device}, {like.numel()} elements)");
        var mask = empty(like.shape, ScalarType.Float32);
        Run(TensorMemory.Floats(mask, "dropout mask"), null, null, mask.numel(), key);
        return mask;
    }

    /// <summary>
    /// y[i] = residual[i] + x[i]·mask[i] for i in [0, count), in parallel for large tensors. A null
    /// <paramref name="residual"/> leaves the sum out; a null <paramref name="x"/> writes the mask itself.
    /// <paramref name="y"/> may be <paramref name="x"/> or <paramref name="residual"/> (in place).
    /// </summary>
    internal static void Run(float* y, float* x, float* residual, long count, DropoutKey key) =>
        Run<Float32Elements, Float32Elements>(y, x, residual, count, key);

    /// <summary>
    /// <see cref="Run(float*, float*, float*, long, DropoutKey)"/> over tensors: <paramref name="y"/> and
    /// <paramref name="x"/> each float32 or bfloat16 (the product computed in float32, rounded when y is bf16),
    /// <paramref name="residual"/> float32 (mixed precision keeps the residual stream in float32).
    /// </summary>
    internal static void Run(Tensor y, Tensor? x, Tensor? residual, DropoutKey key)
    {
        void* yp = TensorMemory.Data(y, "dropout output");
        void* xp = x is null ? null : TensorMemory.Data(x, "dropout input");
        float* rp = residual is null ? null : TensorMemory.Floats(residual, "residual");
        long count = y.numel();
        bool yBf16 = y.dtype == ScalarType.BFloat16, xBf16 = x?.dtype == ScalarType.BFloat16;
        if (!yBf16 && !xBf16) Run<Float32Elements, Float32Elements>(yp, xp, rp, count, key);
        else if (yBf16 && xBf16) Run<BFloat16Elements, BFloat16Elements>(yp, xp, rp, count, key);
        else if (yBf16) Run<BFloat16Elements, Float32Elements>(yp, xp, rp, count, key);
        else Run<Float32Elements, BFloat16Elements>(yp, xp, rp, count, key);
    }

    static void Run<TY, TX>(void* y, void* x, float* residual, long count, DropoutKey key)
        where TY : struct, IElements where TX : struct, IElements
    {
        if (count < ParallelThreshold) { RunRange<TY, TX>(y, x, residual, 0, count, key); return; }
        long chunks = (count + ParallelChunk - 1) / ParallelChunk;
        IntPtr yp = (IntPtr)y, xp = (IntPtr)x, rp = (IntPtr)residual;
        Parallel.For(0L, chunks, c =>
        {
            long start = c * ParallelChunk;
            RunRange<TY, TX>((void*)yp, (void*)xp, (float*)rp, start, Math.Min(ParallelChunk, count - start), key);
        });
    }

    // Fully optimised from the first call: tier-0 code runs Vector256 ops as calls, ~15× slower.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void RunRange<TY, TX>(void* y, void* x, float* residual, long start, long count, DropoutKey key)
        where TY : struct, IElements where TX : struct, IElements
    {
        long i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var index = Vector256.Create(0u, 1, 2, 3, 4, 5, 6, 7) + Vector256.Create((uint)start);
            var eight = Vector256.Create(8u);
            var key0 = Vector256.Create(key.K0);
            var key1 = Vector256.Create(key.K1);
            var limit = Vector256.Create(key.Threshold);
            var kept = Vector256.Create(key.Scale);
            for (; i + 8 <= count; i += 8)
            {
                var h = Mix(Mix(index ^ key0) ^ key1);
                var m = Vector256.GreaterThanOrEqual(h, limit).AsSingle() & kept;
                if (x is not null) m *= TX.Load(x, start + i);
                if (residual is not null) m += Vector256.Load(residual + start + i);
                TY.Store(y, start + i, m);
                index += eight;
            }
        }
        for (; i < count; i++)
        {
            float m = Hash((uint)(start + i), key.K0, key.K1) >= key.Threshold ? key.Scale : 0f;
            if (x is not null) m *= TX.Get(x, start + i);
            if (residual is not null) m += residual[start + i];
            TY.Set(y, start + i, m);
        }
    }

    /// <summary>The scalar definition of an element's hash (the vector loop computes the same, 8 at a time).</summary>
    internal static uint Hash(uint index, uint k0, uint k1) => Mix(Mix(index ^ k0) ^ k1);

    /// <summary>Mask value of element <paramref name="index"/>: the key's scale or 0.</summary>
    internal static float Value(uint index, in DropoutKey key) => Hash(index, key.K0, key.K1) >= key.Threshold ? key.Scale : 0f;

    /// <summary>Mask values of the 8 elements at <paramref name="index"/>, for kernels that fuse dropout into other work.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Values(Vector256<uint> index, in DropoutKey key) =>
        Vector256.GreaterThanOrEqual(Mix(Mix(index ^ Vector256.Create(key.K0)) ^ Vector256.Create(key.K1)),
            Vector256.Create(key.Threshold)).AsSingle() & Vector256.Create(key.Scale);

    // Chris Wellons' "lowbias32": a bijective 32-bit integer hash with low avalanche bias. Two rounds with the key
    // mixed in between make masks for different keys unrelated.
    static uint Mix(uint x)
    {
        x ^= x >> 16; x *= 0x7feb352d;
        x ^= x >> 15; x *= 0x846ca68b;
        x ^= x >> 16;
        return x;
    }

    static Vector256<uint> Mix(Vector256<uint> x)
    {
        x ^= Vector256.ShiftRightLogical(x, 16); x *= 0x7feb352d;
        x ^= Vector256.ShiftRightLogical(x, 15); x *= 0x846ca68b;
        x ^= Vector256.ShiftRightLogical(x, 16);
        return x;
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Runtime;

/// <summary>
/// Dropout keep-masks from a counter-based generator: element i of a mask is kept when hash(i, key) ≥ p·2³², where the
/// 64-bit key is drawn from torch's global generator once per mask.
/// Why not libtorch's bernoulli_: on CPU it runs on one thread through a locked Mersenne Twister, ~15 ns per element,
/// and T5 drops ~77M elements per training step at the flan-t5-small shape (over a second). A counter-based mask fills
/// in parallel at memory speed and its values depend only on (key, i), so they are the same whatever the thread count;
/// because the key comes from torch's generator, torch.manual_seed seeds dropout and the generator state that
/// checkpoints already save makes a resumed run draw the same masks.
/// </summary>
public static unsafe class DropoutMask
{
    const long ParallelChunk = 1 << 18; // elements per parallel work item (1 MiB of mask)

    /// <summary>Whether <see cref="Create"/> can make a mask for <paramref name="like"/> (CPU, float32, under 2³² elements).</summary>
    public static bool Supports(Tensor like) =>
        like.device_type == DeviceType.CPU && like.dtype == ScalarType.Float32 && like.numel() < (1L << 32);

    /// <summary>
    /// A float32 tensor shaped like <paramref name="like"/> holding 0 (dropped, probability <paramref name="p"/>) or
    /// 1/(1 − p) (kept): multiplying by it is inverted dropout, and it is what autograd keeps for the backward.
    /// </summary>
    public static Tensor Create(Tensor like, double p)
    {
        if (p is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(p), p, "dropout rate must be in (0, 1)");
        if (!Supports(like)) throw new ArgumentException($"DropoutMask: unsupported tensor ({like.dtype} on {like.device}, {like.numel()} elements)");
        var (k0, k1) = DrawKey();
        var mask = empty(like.shape, ScalarType.Float32);
        Fill(TensorMemory.Floats(mask, "dropout mask"), mask.numel(), k0, k1, Threshold(p), (float)(1.0 / (1.0 - p)));
        return mask;
    }

    /// <summary>The keep threshold: hashes are uniform on [0, 2³²), so P(hash ≥ t) = 1 − p.</summary>
    internal static uint Threshold(double p) => (uint)Math.Min(Math.Round(p * 4294967296.0), uint.MaxValue);

    /// <summary>64 key bits from torch's global generator (two 32-bit draws), so seeding and saved RNG state cover dropout.</summary>
    static (uint, uint) DrawKey()
    {
        using var draw = randint(0, 1L << 32, [2], ScalarType.Int64);
        var values = draw.data<long>();
        return ((uint)values[0], (uint)values[1]);
    }

    /// <summary>mask[i] = Hash(i) ≥ threshold ? scale : 0 for i in [0, count), in parallel for large masks.</summary>
    internal static void Fill(float* mask, long count, uint k0, uint k1, uint threshold, float scale)
    {
        if (count <= ParallelChunk) { FillRange(mask, 0, count, k0, k1, threshold, scale); return; }
        long chunks = (count + ParallelChunk - 1) / ParallelChunk;
        var address = (IntPtr)mask;
        Parallel.For(0L, chunks, c =>
        {
            long start = c * ParallelChunk;
            FillRange((float*)address, start, Math.Min(ParallelChunk, count - start), k0, k1, threshold, scale);
        });
    }

    // Fully optimised from the first call: tier-0 code runs Vector256 ops as calls, ~15× slower.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void FillRange(float* mask, long start, long count, uint k0, uint k1, uint threshold, float scale)
    {
        long i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var index = Vector256.Create(0u, 1, 2, 3, 4, 5, 6, 7) + Vector256.Create((uint)start);
            var eight = Vector256.Create(8u);
            var key0 = Vector256.Create(k0);
            var key1 = Vector256.Create(k1);
            var limit = Vector256.Create(threshold);
            var kept = Vector256.Create(scale);
            for (; i + 8 <= count; i += 8)
            {
                var h = Mix(Mix(index ^ key0) ^ key1);
                var keep = Vector256.GreaterThanOrEqual(h, limit).AsSingle();
                Vector256.Store(keep & kept, mask + start + i);
                index += eight;
            }
        }
        for (; i < count; i++)
            mask[start + i] = Hash((uint)(start + i), k0, k1) >= threshold ? scale : 0f;
    }

    /// <summary>The scalar definition of a mask element's hash (the vector loop computes the same, 8 at a time).</summary>
    internal static uint Hash(uint index, uint k0, uint k1) => Mix(Mix(index ^ k0) ^ k1);

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

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using TorchSharp;

namespace T5Sharp.Kernels;

/// <summary>
/// How a kernel reads and writes the elements of one dtype: every kernel computes in float32, and a bf16 tensor is
/// widened on load and rounded on store (as libtorch's bf16 CPU ops compute). The kernels are generic over this, so
/// the JIT compiles one specialised loop per dtype with no per-element dispatch.
/// </summary>
internal unsafe interface IElements
{
    static abstract torch.ScalarType Type { get; }
    static abstract Vector256<float> Load(void* p, long i);
    static abstract void Store(void* p, long i, Vector256<float> v);
    static abstract float Get(void* p, long i);
    static abstract void Set(void* p, long i, float v);
}

internal readonly unsafe struct Float32Elements : IElements
{
    public static torch.ScalarType Type => torch.ScalarType.Float32;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Load(void* p, long i) => Vector256.Load((float*)p + i);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(void* p, long i, Vector256<float> v) => Vector256.Store(v, (float*)p + i);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Get(void* p, long i) => ((float*)p)[i];
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Set(void* p, long i, float v) => ((float*)p)[i] = v;
}

/// <summary>bfloat16: the upper 16 bits of a float32. Stores round to nearest even and keep NaN a (quiet) NaN, as c10::BFloat16.</summary>
internal readonly unsafe struct BFloat16Elements : IElements
{
    public static torch.ScalarType Type => torch.ScalarType.BFloat16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(void* p, long i)
    {
        var (lower, upper) = Vector128.Widen(Vector128.Load((ushort*)p + i));
        return Vector256.ShiftLeft(Vector256.Create(lower, upper), 16).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(void* p, long i, Vector256<float> v)
    {
        var bits = v.AsUInt32();
        var rounded = Vector256.ShiftRightLogical(bits + Vector256.Create(0x7FFFu) + (Vector256.ShiftRightLogical(bits, 16) & Vector256<uint>.One), 16);
        var result = Vector256.ConditionalSelect(Vector256.Equals(v, v).AsUInt32(), rounded, Vector256.Create(0x7FC0u));
        Vector128.Narrow(result.GetLower(), result.GetUpper()).Store((ushort*)p + i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Get(void* p, long i) => BitConverter.UInt32BitsToSingle((uint)((ushort*)p)[i] << 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Set(void* p, long i, float v) => ((ushort*)p)[i] = Round(v);

    internal static ushort Round(float v)
    {
        if (float.IsNaN(v)) return 0x7FC0;
        uint bits = BitConverter.SingleToUInt32Bits(v);
        return (ushort)((bits + 0x7FFFu + ((bits >> 16) & 1)) >> 16);
    }
}

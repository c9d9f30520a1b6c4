using static TorchSharp.torch;

namespace T5Sharp.Kernels;

/// <summary>
/// A linear layer's weight [out, in] quantized to int8 (one scale and zero point for the whole tensor, fbgemm's
/// symmetric-range choice) and packed into fbgemm's blocked layout, with what the int8 matmul needs beside it: the
/// column offsets (per-output sums of the int8 weight, for the zero-point correction) and a zero bias (T5 has none,
/// the op requires one). Made by <see cref="Int8Linear.Quantize"/>; the tensors live outside any dispose scope.
/// </summary>
public sealed class Int8PackedWeight : IDisposable
{
    internal Int8PackedWeight(Tensor quantized, Tensor columnOffsets, Tensor packed, double scale, long zeroPoint, Tensor bias)
    {
        Quantized = quantized;
        ColumnOffsets = columnOffsets;
        Packed = packed;
        Scale = scale;
        ZeroPoint = zeroPoint;
        Bias = bias;
    }

    /// <summary>The int8 weight [out, in] (the op checks shapes against it; the matmul reads <see cref="Packed"/>).</summary>
    public Tensor Quantized { get; }
    internal Tensor ColumnOffsets { get; }
    /// <summary>fbgemm's PackBMatrix behind an opaque byte tensor (libtorch's custom-type hack): it owns the packed copy.</summary>
    internal Tensor Packed { get; }
    public double Scale { get; }
    public long ZeroPoint { get; }
    internal Tensor Bias { get; }

    /// <summary>Output features (rows of the weight).</summary>
    public long OutFeatures => Quantized.shape[0];
    /// <summary>Input features (columns of the weight).</summary>
    public long InFeatures => Quantized.shape[1];

    /// <summary>The dequantized weight (scale · (q − zero point)): what the int8 matmul multiplies by, for tests and errors.</summary>
    public Tensor Dequantize() => (Quantized.to(ScalarType.Float32) - ZeroPoint) * Scale;

    public void Dispose()
    {
        Quantized.Dispose();
        ColumnOffsets.Dispose();
        Packed.Dispose();
        Bias.Dispose();
    }
}

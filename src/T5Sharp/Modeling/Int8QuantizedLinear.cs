using T5Sharp.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Modeling;

/// <summary>
/// A bias-free linear layer whose weight is int8 (fbgemm's dynamic quantization, <see cref="Int8Linear"/>): float32 in,
/// float32 out, for inference only. It replaces an <c>nn.Linear</c> in a projection slot; its int8 weight is not a
/// parameter or buffer (it isn't a float tensor anyone should train or save), so the model's state dict no longer holds
/// the quantized layers.
/// </summary>
public sealed class Int8QuantizedLinear : nn.Module<Tensor, Tensor>
{
    public Int8QuantizedLinear(Tensor weight) : base("Int8QuantizedLinear") => Weight = Int8Linear.Quantize(weight);

    /// <summary>The packed int8 weight.</summary>
    public Int8PackedWeight Weight { get; }

    public override Tensor forward(Tensor x)
    {
        if (training) throw new InvalidOperationException("an int8-quantized layer is for inference only (it has no gradient)");
        return Int8Linear.Forward(x, Weight);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Weight.Dispose();
        base.Dispose(disposing);
    }
}

using T5Sharp.Kernels;
using T5Sharp.Tests.Support;
using T5Sharp.Tests.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Tests.Kernels;

/// <summary>
/// The dropout and gated-GELU kernels on bf16 tensors (the bf16 matmuls' outputs under mixed precision): the same mask
/// as float32 for the same key (so a bf16 run drops what the float32 run drops), results computed in float32 and
/// rounded to bf16 once, gradients in the inputs' dtypes, and a bf16 input added into a float32 residual.
/// </summary>
[Collection(GlobalRngCollection.Name)] // dropout keys come from torch's process-wide generator
public class BFloat16KernelTests
{
    static Tensor Bf16(Tensor x) => x.to(ScalarType.BFloat16);

    [Fact]
    public void DropoutOnBf16DropsWhatFloat32DropsAndRoundsOnce()
    {
        var generator = new Generator(3);
        using var x32 = randn([5, 203], generator: generator);
        using var x = Bf16(x32).requires_grad_(true);
        using var dy = Bf16(randn([5, 203], generator: generator));

        manual_seed(4);
        using var y = InvertedDropout.Apply(x, 0.3, training: true);
        y.backward([dy]);
        manual_seed(4);
        using var mask = DropoutMask.Create(x32, DropoutKey.Draw(0.3));

        Assert.Equal(ScalarType.BFloat16, y.dtype);
        Assert.Equal(ScalarType.BFloat16, x.grad!.dtype);
        // the product in float32 and one rounding to bf16: what libtorch's float32 op followed by .to(bf16) gives
        Assert.True(y.equal(Bf16(x.to(ScalarType.Float32) * mask)).all().item<bool>(), "bf16 dropout output");
        Assert.True(x.grad!.equal(Bf16(dy.to(ScalarType.Float32) * mask)).all().item<bool>(), "bf16 dropout gradient");
    }

    [Fact]
    public void Bf16SubLayerOutputAddsIntoAFloat32Residual()
    {
        var generator = new Generator(5);
        using var residual = randn([4, 77], generator: generator).requires_grad_(true);
        using var x = Bf16(randn([4, 77], generator: generator)).requires_grad_(true);
        using var dy = randn([4, 77], generator: generator);

        manual_seed(6);
        using var y = InvertedDropout.AddTo(residual, x, 0.1, training: true);
        y.backward([dy]);
        manual_seed(6);
        using var mask = DropoutMask.Create(residual, DropoutKey.Draw(0.1));

        Assert.Equal(ScalarType.Float32, y.dtype); // the residual stream stays float32
        Assert.True(y.equal(residual + x.to(ScalarType.Float32) * mask).all().item<bool>(), "float32 sum");
        Assert.Equal(ScalarType.BFloat16, x.grad!.dtype);
        Assert.True(x.grad!.equal(Bf16(dy * mask)).all().item<bool>(), "bf16 gradient of the sub-layer output");
        Assert.True(residual.grad!.equal(dy).all().item<bool>(), "the residual's gradient passes through");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.2)]
    public void GatedGeluOnBf16MatchesTheFloat32KernelRoundedOnce(double rate)
    {
        var generator = new Generator(9);
        using var a = Bf16(randn([7, 301], generator: generator) * 3);
        using var b = Bf16(randn([7, 301], generator: generator));
        using var dh = Bf16(randn([7, 301], generator: generator));

        manual_seed(21);
        using var ab = a.clone().requires_grad_(true);
        using var bb = b.clone().requires_grad_(true);
        using var actual = GatedGelu.Apply(ab, bb, rate, training: rate > 0);
        actual.backward([dh]);

        // the float32 kernel (tested against float64 in GatedGeluTests) on the same bf16 values, the same key
        manual_seed(21);
        using var af = a.to(ScalarType.Float32).requires_grad_(true);
        using var bf = b.to(ScalarType.Float32).requires_grad_(true);
        using var expected = GatedGelu.Apply(af, bf, rate, training: rate > 0);
        expected.backward([dh.to(ScalarType.Float32)]);

        Assert.Equal(ScalarType.BFloat16, actual.dtype);
        Assert.Equal(ScalarType.BFloat16, ab.grad!.dtype);
        Assert.True(actual.equal(Bf16(expected)).all().item<bool>(), "bf16 output = the float32 result rounded");
        Assert.True(ab.grad!.equal(Bf16(af.grad!)).all().item<bool>(), "bf16 gate gradient");
        Assert.True(bb.grad!.equal(Bf16(bf.grad!)).all().item<bool>(), "bf16 linear gradient");
    }
}

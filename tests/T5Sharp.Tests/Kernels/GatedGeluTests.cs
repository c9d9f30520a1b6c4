using T5Sharp.Kernels;
using T5Sharp.Tests.Support;
using T5Sharp.Tests.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Tests.Kernels;

/// <summary>
/// The fused gated GELU against libtorch's tanh GELU, product and the same dropout mask in float64: output and both
/// input gradients, with dropout and without, over a length with a ragged vector tail.
/// </summary>
[Collection(GlobalRngCollection.Name)] // dropout keys come from torch's process-wide generator
public class GatedGeluTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.2)]
    public void MatchesGeluTimesLinearWithTheSameMask(double rate)
    {
        var generator = new Generator(9);
        using var a = randn([7, 301], generator: generator) * 3; // reaches both tails of tanh
        using var b = randn([7, 301], generator: generator);
        using var dh = randn([7, 301], generator: generator);

        manual_seed(21);
        using var af = a.clone().requires_grad_(true);
        using var bf = b.clone().requires_grad_(true);
        using var actual = GatedGelu.Apply(af, bf, rate, training: rate > 0);
        actual.backward([dh]);

        manual_seed(21); // the same key again, for the reference mask
        using var mask = rate > 0 ? DropoutMask.Create(a, DropoutKey.Draw(rate)).to(ScalarType.Float64) : ones(1, ScalarType.Float64);
        using var a64 = a.to(ScalarType.Float64).requires_grad_(true);
        using var b64 = b.to(ScalarType.Float64).requires_grad_(true);
        using var expected = nn.functional.gelu(a64, TorchSharp.Modules.GELU.Approximate.tanh) * b64 * mask;
        expected.backward([dh.to(ScalarType.Float64)]);

        TensorAssert.CloseRelativeToLargest(expected, actual, 1e-6, "output");
        TensorAssert.CloseRelativeToLargest(a64.grad!, af.grad!, 1e-5, "gate gradient");
        TensorAssert.CloseRelativeToLargest(b64.grad!, bf.grad!, 1e-6, "linear gradient");
        if (rate > 0)
        {
            double dropped = actual.eq(0).to(ScalarType.Float32).mean().item<float>();
            Assert.InRange(dropped, rate - 0.03, rate + 0.03);
        }

        using var noGrad = no_grad();
        using var inference = GatedGelu.Apply(a, b, rate, training: false);
        using var plain = nn.functional.gelu(a64, TorchSharp.Modules.GELU.Approximate.tanh) * b64;
        TensorAssert.CloseRelativeToLargest(plain, inference, 1e-6, "output without autograd or dropout");
    }
}

using T5Sharp.Kernels;
using T5Sharp.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Tests.Kernels;

/// <summary>
/// The fused RMS norm against HF's T5LayerNorm formula in float64 libtorch ops: output, input gradient and weight
/// gradient, for a width with a ragged vector tail and for T5's d_model, with and without autograd.
/// </summary>
public class RmsNormTests
{
    [Theory]
    [InlineData(new long[] { 3, 5, 37 })]
    [InlineData(new long[] { 16, 512 })]
    public void MatchesTheOpByOpFormulaWithGradients(long[] shape)
    {
        var generator = new Generator(5);
        using var x = randn(shape, generator: generator) * 3;
        using var w = rand([shape[^1]], generator: generator) + 0.5f;
        using var dy = randn(shape, generator: generator);

        using var x64 = x.to(ScalarType.Float64).requires_grad_(true);
        using var w64 = w.to(ScalarType.Float64).requires_grad_(true);
        using var variance = x64.pow(2).mean([-1L], keepdim: true);
        using var expected = w64 * (x64 * rsqrt(variance + 1e-6));
        expected.backward([dy.to(ScalarType.Float64)]);

        using var xf = x.clone().requires_grad_(true);
        using var wf = w.clone().requires_grad_(true);
        Assert.True(RmsNorm.Supports(xf, wf));
        using var actual = RmsNorm.Apply(xf, wf, 1e-6);
        actual.backward([dy]);

        TensorAssert.CloseRelativeToLargest(expected, actual, 2e-6, "output");
        TensorAssert.CloseRelativeToLargest(x64.grad!, xf.grad!, 2e-5, "input gradient");
        TensorAssert.CloseRelativeToLargest(w64.grad!, wf.grad!, 2e-5, "weight gradient");

        using var noGrad = no_grad();
        using var inference = RmsNorm.Apply(x, w, 1e-6);
        TensorAssert.CloseRelativeToLargest(expected, inference, 2e-6, "output without autograd");
    }
}

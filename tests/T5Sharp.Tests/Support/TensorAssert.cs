using static TorchSharp.torch;

namespace T5Sharp.Tests.Support;

public static class TensorAssert
{
    /// <summary>max |expected − actual| ≤ <paramref name="relative"/> × max |expected|, compared in float64.</summary>
    public static void CloseRelativeToLargest(Tensor expected, Tensor actual, double relative, string what)
    {
        using var e = expected.detach().to(ScalarType.Float64);
        using var a = actual.detach().to(ScalarType.Float64);
        double error = (e - a).abs().max().item<double>() / Math.Max(e.abs().max().item<double>(), 1e-12);
        Assert.True(error <= relative, $"{what}: max error {error:E2} of the largest value (allowed {relative:E0})");
    }
}

using T5Sharp.Kernels;
using T5Sharp.Tests.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Tests.Kernels;

/// <summary>
/// The counter-based dropout masks: the right keep rate and scale, the vector and parallel fill equal to the scalar
/// definition at every element, reproducible from torch's seed, fresh for every mask, and free of the obvious
/// correlations (neighbouring elements, consecutive masks).
/// </summary>
[Collection(GlobalRngCollection.Name)] // keys are drawn from torch's process-wide generator
public class DropoutMaskTests
{
    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    public void KeepsOneMinusPOfTheElementsScaledByItsInverse(double p)
    {
        manual_seed(3);
        using var like = empty(4_000_003); // several parallel chunks and a ragged tail
        using var mask = DropoutMask.Create(like, DropoutKey.Draw(p));
        float scale = (float)(1 / (1 - p));
        using var kept = mask.eq(scale);
        Assert.True(kept.logical_or(mask.eq(0)).all().item<bool>(), "every element is 0 or 1/(1-p)");
        double n = mask.numel(), keptFraction = kept.sum().item<long>() / n;
        double sigma = Math.Sqrt(p * (1 - p) / n);
        Assert.InRange(keptFraction, 1 - p - 5 * sigma, 1 - p + 5 * sigma);
        // neighbours independent: both kept with probability (1-p)²
        using var pairs = kept.narrow(0, 0, (long)n - 1).logical_and(kept.narrow(0, 1, (long)n - 1));
        double bothKept = pairs.sum().item<long>() / (n - 1);
        Assert.InRange(bothKept, (1 - p) * (1 - p) - 0.002, (1 - p) * (1 - p) + 0.002);
    }

    [Fact]
    public unsafe void VectorAndParallelFillEqualTheScalarHashAtEveryElement()
    {
        const uint k0 = 0x12345678, k1 = 0x9abcdef0;
        uint threshold = DropoutKey.ThresholdFor(0.3);
        foreach (long count in new long[] { 5, 8, 13, 1 << 18, (1 << 19) + 7 })
        {
            var mask = new float[count];
            fixed (float* m = mask) DropoutMask.Run(m, null, null, count, new DropoutKey(k0, k1, threshold, 2f));
            for (long i = 0; i < count; i++)
                Assert.Equal(DropoutMask.Hash((uint)i, k0, k1) >= threshold ? 2f : 0f, mask[i]);
        }
    }

    [Fact]
    public void MasksFollowTorchsSeedAndDifferFromMaskToMask()
    {
        using var like = empty(100_000);
        manual_seed(42);
        using var first = DropoutMask.Create(like, DropoutKey.Draw(0.1));
        using var second = DropoutMask.Create(like, DropoutKey.Draw(0.1));
        manual_seed(42);
        using var again = DropoutMask.Create(like, DropoutKey.Draw(0.1));
        Assert.True(first.eq(again).all().item<bool>(), "the same seed gives the same mask");
        Assert.False(first.eq(second).all().item<bool>(), "each mask draws a new key");
        // consecutive masks are unrelated: an element dropped in both with probability p²
        double bothDropped = first.eq(0).logical_and(second.eq(0)).to(ScalarType.Float32).mean().item<float>();
        Assert.InRange(bothDropped, 0.01 - 0.002, 0.01 + 0.002);
    }

    [Fact]
    public void InvertedDropoutIsTheIdentityOutsideTrainingAndBackpropagatesTheMask()
    {
        using var x = rand(64, 33) + 0.5f;
        Assert.Same(x, InvertedDropout.Apply(x, 0.2, training: false));
        Assert.Same(x, InvertedDropout.Apply(x, 0.0, training: true));

        manual_seed(5);
        using var leaf = x.clone().requires_grad_(true);
        using var residual = ones(64, 33);
        using var y = InvertedDropout.AddTo(residual, leaf, 0.2, training: true);
        y.sum().backward();
        // y = 1 + x·mask, so the gradient is the mask itself: 0 or 1/0.8 where y - 1 = x/0.8
        using var mask = leaf.grad!;
        using var kept = mask.gt(0);
        Assert.True(mask.eq(0).logical_or(mask.eq(1 / 0.8f)).all().item<bool>());
        Assert.True(((y - 1).masked_select(kept) - x.masked_select(kept) / 0.8f).abs().max().item<float>() < 1e-6f);
        Assert.True((y - 1).masked_select(kept.logical_not()).eq(0).all().item<bool>());
    }
}

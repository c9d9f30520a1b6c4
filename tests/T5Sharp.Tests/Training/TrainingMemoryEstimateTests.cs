using T5Sharp.Modeling;
using T5Sharp.Training;

namespace T5Sharp.Tests.Training;

/// <summary>
/// The dry run's memory sketch: float32 by the formula its doc states, and bf16 mixed precision as the trainer runs it
/// (float32 master weights, gradients and optimizer state; bf16 weight copies for a full fine-tune; bf16 matmul
/// activations; a LoRA base stored in bf16 without copies).
/// </summary>
public class TrainingMemoryEstimateTests
{
    // a small gated T5: d 64, inner 4×16 = 64, d_ff 128 (gated: 256), 4 heads, 2+2 layers, vocab 1000
    static readonly T5Config Config = new()
    {
        DModel = 64, DKv = 16, DFf = 128, NumHeads = 4, NumLayers = 2, NumDecoderLayers = 2, VocabSize = 1000,
        FeedForwardProj = "gated-gelu",
    };

    [Fact]
    public void Float32CountsFourBytesForEveryTerm()
    {
        var e = TrainingMemoryEstimate.For(Config, 1000, 1500, "adamw_torch", batch: 2, sourceLength: 10, targetLength: 5);
        Assert.Equal(1500 * 4, e.ParameterBytes);
        Assert.Equal(1000 * 4, e.GradientBytes);
        Assert.Equal(2 * 1000 * 4, e.OptimizerBytes);
        long encoder = 2 * (2 * 10 * (8 * 64 + 4 * 64 + 2 * 256) + 2 * 2 * 4 * 10 * 10);
        long decoder = 2 * (2 * 5 * (12 * 64 + 8 * 64 + 2 * 256) + 2 * 2 * 4 * (5 * 5 + 5 * 10));
        long logits = 3 * 2 * 5 * 1000;
        Assert.Equal((encoder + decoder + logits) * 4, e.ActivationBytes);
        Assert.Equal(e.ParameterBytes + e.GradientBytes + e.OptimizerBytes + e.ActivationBytes, e.TotalBytes);
    }

    [Fact]
    public void Bf16FullFineTuneAddsWeightCopiesAndHalvesMatmulActivations()
    {
        var f32 = TrainingMemoryEstimate.For(Config, 1500, 1500, "adamw_torch", 2, 10, 5);
        var bf16 = TrainingMemoryEstimate.For(Config, 1500, 1500, "adamw_torch", 2, 10, 5, bf16: true);
        Assert.Equal(1500 * (4 + 2), bf16.ParameterBytes);
        Assert.Equal(f32.GradientBytes, bf16.GradientBytes);
        Assert.Equal(f32.OptimizerBytes, bf16.OptimizerBytes);
        long encoder = 2 * (2 * 10 * (4 * 64 * 4 + (4 * 64 + 4 * 64 + 2 * 256) * 2) + 2 * 2 * 4 * 10 * 10 * 2);
        long decoder = 2 * (2 * 5 * (6 * 64 * 4 + (6 * 64 + 8 * 64 + 2 * 256) * 2) + 2 * 2 * 4 * (5 * 5 + 5 * 10) * 2);
        long logits = 2 * 5 * 1000 * (2 + 8);
        Assert.Equal(encoder + decoder + logits, bf16.ActivationBytes);
        Assert.True(bf16.ActivationBytes < f32.ActivationBytes);
    }

    [Fact]
    public void ALoraBaseStoredInBf16NeedsNoCopies()
    {
        // 1400 frozen base weights in bf16, a 100-weight float32 adapter
        long stored = 1400 * 2 + 100 * 4;
        var e = TrainingMemoryEstimate.For(Config, 100, 1500, "adamw_torch", 2, 10, 5, bf16: true, storedParameterBytes: stored);
        Assert.Equal(stored, e.ParameterBytes);
        Assert.Equal(100 * 4, e.GradientBytes);
        Assert.Equal(100 * 2 * 4, e.OptimizerBytes);
    }
}

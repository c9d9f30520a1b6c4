using T5Sharp.Generation;
using T5Sharp.Modeling;
using T5Sharp.Runtime;
using TorchSharp;
using Xunit.Abstractions;
using static T5Sharp.Tests.Modeling.ModelFixtures;
using static TorchSharp.torch;

namespace T5Sharp.Tests.Modeling;

/// <summary>
/// A model converted to bf16 compute (torch.autocast's CPU policy for inference): matmul weights bf16, norms, position
/// bias, residual stream and logits float32. libtorch computes bf16 on any CPU (slowly without AVX512-BF16/AMX).
/// </summary>
public class T5BFloat16Tests(ITestOutputHelper output)
{
    [Fact]
    public void ConversionMakesMatmulWeightsBFloat16AndKeepsNormsAndPositionBiasFloat32()
    {
        using var model = LoadModel(HfModelDir("tiny-flan"));
        Assert.Equal(ComputeType.Float32, model.ComputeType);
        model.UseComputeType(ComputeType.BFloat16);
        Assert.Equal(ComputeType.BFloat16, model.ComputeType);
        var dtypes = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.dtype);
        foreach (var (name, dtype) in dtypes)
        {
            bool keepsFloat32 = name.EndsWith("layer_norm.weight") || name.EndsWith("relative_attention_bias.weight");
            Assert.True(dtype == (keepsFloat32 ? ScalarType.Float32 : ScalarType.BFloat16), $"{name}: {dtype}");
        }
        Assert.Equal(ScalarType.BFloat16, dtypes["lm_head.weight"]);
        Assert.Equal(ScalarType.BFloat16, dtypes["shared.weight"]);
        Assert.Equal(ScalarType.BFloat16, dtypes["decoder.block.1.layer.2.DenseReluDense.wo.weight"]);
        Assert.Equal(ScalarType.Float32, dtypes["decoder.final_layer_norm.weight"]);
        model.UseComputeType(ComputeType.BFloat16); // asking again changes nothing
        Assert.Throws<InvalidOperationException>(() => model.UseComputeType(ComputeType.Float32));
    }

    /// <summary>
    /// Measured on the fixture batches (AMD EPYC, libtorch 2.10): largest |bf16 − float32| logit over the largest |float32|
    /// logit 1.4 % (tiny-flan), 3.0 % (tiny-t5v1), 0.6 % (tiny-flan-32k); loss relative difference ≤ 0.015 %. Asserted:
    /// logits within 5 % of the logit scale (bf16 keeps 8 significant bits, ~0.4 % per rounding), loss within 0.1 %.
    /// </summary>
    [Theory]
    [InlineData("tiny-flan")]
    [InlineData("tiny-t5v1")] // relu, tied embeddings: the lm_head is shared.weight, scaled by d_model^-0.5
    [InlineData("tiny-flan-32k")]
    public void BFloat16LogitsAndLossAreFloat32AndCloseToTheFloat32Model(string name)
    {
        string dir = name == "tiny-flan-32k" ? Hf2ModelDir : HfModelDir(name);
        var (ids, mask, labels) = name == "tiny-flan-32k" ? Hf2Batch() : HfBatch();
        using var model = LoadModel(dir);
        using var noGrad = no_grad();
        using var reference = model.Forward(ids, mask, labels: labels);
        model.UseComputeType(ComputeType.BFloat16);
        using var bf16 = model.Forward(ids, mask, labels: labels);

        Assert.Equal(ScalarType.Float32, bf16.Logits.dtype);
        Assert.Equal(ScalarType.Float32, bf16.Loss!.dtype);
        using (var cache = model.CreateDecoderCache(bf16.EncoderLastHiddenState!, mask))
        using (var start = zeros(ids.shape[0], 1, ScalarType.Int64))
        using (var stepLogits = model.DecodeStep(start, cache))
            Assert.Equal(ScalarType.Float32, stepLogits.dtype); // what sampling, processors and scores see
        double scale = reference.Logits.abs().max().item<float>();
        double logitError = MaxAbsDiff(bf16.Logits, reference.Logits) / scale;
        double f32Loss = reference.Loss!.item<float>(), bfLoss = bf16.Loss.item<float>();
        double lossError = Math.Abs(bfLoss - f32Loss) / f32Loss;
        output.WriteLine($"{name}: logit scale {scale:G4}, max |Δ| / scale {logitError:G3}, loss {f32Loss:G6} vs {bfLoss:G6} (rel {lossError:G3})");
        Assert.True(logitError > 0, "bf16 must change the logits (else the bf16 path did not run)");
        Assert.True(logitError < 0.05, $"{name}: bf16 logits differ by {logitError:P2} of the logit scale");
        Assert.True(lossError < 0.001, $"{name}: bf16 loss {bfLoss} vs float32 {f32Loss}");
    }

    [Fact]
    public void RepeatedBFloat16GreedyDecodingLeavesNoLiveTensors()
    {
        using var model = LoadModel(HfModelDir("tiny-flan"));
        model.UseComputeType(ComputeType.BFloat16);
        var (inputIds, mask, _) = HfBatch();
        var options = new GenerationConfig { MaxNewTokens = 12, MinNewTokens = 3, OutputScores = true };
        var first = Seq2SeqGenerator.Generate(model, inputIds, mask, options);
        Assert.NotNull(first.ChosenTokenScores);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 2; i++) Seq2SeqGenerator.Generate(model, inputIds, mask, options);
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}

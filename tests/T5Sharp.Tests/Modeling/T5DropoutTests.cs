using T5Sharp.Formats;
using T5Sharp.Modeling;
using TorchSharp;
using static T5Sharp.Tests.Modeling.ModelFixtures;
using static TorchSharp.torch;

namespace T5Sharp.Tests.Modeling;

public class T5DropoutTests
{
    [Fact]
    public void DropoutActsInTrainingModeOnlyAtTheConfiguredRate()
    {
        string dir = HfModelDir("tiny-flan"), file = Path.Combine(dir, "model.safetensors");
        var config = T5Config.Load(Path.Combine(dir, "config.json"));
        config.DropoutRate = 0.1;
        using var model = new T5ForConditionalGeneration(config);
        model.LoadStateDict(SafeTensors.Load(file), file);
        var expectedLoss = HfReference("tiny-flan").GetProperty("loss").GetDouble();
        var (inputIds, mask, labels) = HfBatch();
        using var noGrad = no_grad();

        model.eval(); // dropout off: HF's numbers
        using (var output = model.Forward(inputIds, mask, labels: labels))
            Assert.Equal(expectedLoss, output.Loss!.item<float>(), 1e-4);

        model.train();
        manual_seed(11);
        using var first = model.Forward(inputIds, mask, labels: labels);
        using var second = model.Forward(inputIds, mask, labels: labels);
        Assert.NotEqual(expectedLoss, first.Loss!.item<float>(), 1e-3);
        Assert.False(first.Logits.eq(second.Logits).all().item<bool>(), "each training forward draws a new mask");
        // the embedding output is the first hidden state after dropout: about 10% of it is zeroed
        using var withStates = model.Forward(inputIds, mask, labels: labels, outputHiddenStates: true);
        double zeroFraction = withStates.EncoderHiddenStates![0].eq(0).to(ScalarType.Float32).mean().item<float>();
        Assert.InRange(zeroFraction, 0.08, 0.12);
    }
}

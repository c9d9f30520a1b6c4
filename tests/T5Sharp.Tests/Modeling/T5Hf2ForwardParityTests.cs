using T5Sharp.Formats;
using T5Sharp.Tests.Support;
using TorchSharp;
using static T5Sharp.Tests.Modeling.ModelFixtures;
using static TorchSharp.torch;

namespace T5Sharp.Tests.Modeling;

/// <summary>The 32k-vocabulary tiny FLAN-T5 (a complete HF folder) on 4 real DialogSum prompts against transformers.</summary>
public class T5Hf2ForwardParityTests
{
    const double Tolerance = 1e-4;

    [Fact]
    public void ForwardMatchesHfOnRealVocabulary()
    {
        using var model = LoadModel(Hf2ModelDir);
        var reference = Hf2Reference.GetProperty("forward");
        var expected = SafeTensors.Load(Path.Combine(SharedPaths.Hf2, "tiny-flan-32k.reference", "forward.safetensors"));
        var (inputIds, mask, labels) = Hf2Batch();
        using var noGrad = no_grad();
        using var output = model.Forward(inputIds, mask, labels: labels);

        Assert.True(MaxAbsDiff(output.EncoderLastHiddenState, expected["encoder_last_hidden_state"]) < Tolerance, "encoder_last_hidden_state");
        Assert.True(MaxAbsDiff(output.DecoderLastHiddenState, expected["decoder_last_hidden_state"]) < Tolerance, "decoder_last_hidden_state");
        Assert.True(MaxAbsDiff(output.Logits.narrow(1, 0, 8), expected["logits_first8"]) < Tolerance, "logits_first8");
        Assert.True(MaxAbsDiff(output.Logits.logsumexp(-1), expected["logits_logsumexp"]) < Tolerance, "logits_logsumexp");
        Assert.True(MaxAbsDiff(output.Logits.amax([-1L]), expected["logits_max"]) < Tolerance, "logits_max");
        Assert.Equal(reference.GetProperty("loss").GetDouble(), output.Loss!.item<float>(), Tolerance);

        var argmax = output.Logits.argmax(-1);
        var expectedArgmax = LongRows(reference.GetProperty("logits_argmax"));
        for (int row = 0; row < expectedArgmax.Length; row++)
            Assert.Equal(expectedArgmax[row], argmax[row].data<long>().ToArray());
    }
}

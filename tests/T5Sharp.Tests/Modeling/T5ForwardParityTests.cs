using T5Sharp.Formats;
using T5Sharp.Tests.Support;
using TorchSharp;
using static T5Sharp.Tests.Modeling.ModelFixtures;
using static TorchSharp.torch;

namespace T5Sharp.Tests.Modeling;

/// <summary>Forward and backward of both tiny model families against transformers' outputs on hf/batch.json.</summary>
public class T5ForwardParityTests
{
    const double Tolerance = 1e-4;

    [Theory]
    [InlineData("tiny-flan", "safetensors")]
    [InlineData("tiny-t5v1", "safetensors")]
    [InlineData("tiny-flan", "pytorch")]
    [InlineData("tiny-t5v1", "pytorch")]
    public void ForwardMatchesHfHiddenStatesLogitsAndLoss(string modelName, string format)
    {
        using var model = LoadModel(HfModelDir(modelName, format));
        var reference = HfReference(modelName);
        var expected = SafeTensors.Load(Path.Combine(SharedPaths.Hf, modelName, "forward.safetensors"));
        var (inputIds, mask, labels) = HfBatch();
        using var noGrad = no_grad();
        using var output = model.Forward(inputIds, mask, labels: labels, outputHiddenStates: true);

        Assert.True(MaxAbsDiff(output.EncoderLastHiddenState, expected["encoder_last_hidden_state"]) < Tolerance, "encoder_last_hidden_state");
        Assert.True(MaxAbsDiff(output.Logits, expected["logits"]) < Tolerance, "logits");
        int encoderCount = expected.Keys.Count(k => k.StartsWith("encoder_hidden_states."));
        int decoderCount = expected.Keys.Count(k => k.StartsWith("decoder_hidden_states."));
        Assert.Equal(encoderCount, output.EncoderHiddenStates!.Count);
        Assert.Equal(decoderCount, output.DecoderHiddenStates!.Count);
        for (int i = 0; i < encoderCount; i++)
            Assert.True(MaxAbsDiff(output.EncoderHiddenStates[i], expected[$"encoder_hidden_states.{i}"]) < Tolerance, $"encoder_hidden_states.{i}");
        for (int i = 0; i < decoderCount; i++)
            Assert.True(MaxAbsDiff(output.DecoderHiddenStates[i], expected[$"decoder_hidden_states.{i}"]) < Tolerance, $"decoder_hidden_states.{i}");

        Assert.Equal(reference.GetProperty("loss").GetDouble(), output.Loss!.item<float>(), Tolerance);
        // the decoder inputs we derive from the labels are HF's _shift_right
        using var shifted = T5Sharp.Modeling.T5ForConditionalGeneration.ShiftRight(labels, 0, 0);
        Assert.Equal(LongRows(reference.GetProperty("decoder_input_ids")), ToRows(shifted));
    }

    [Theory]
    [InlineData("tiny-flan", "safetensors")]
    [InlineData("tiny-t5v1", "safetensors")]
    [InlineData("tiny-flan", "pytorch")]
    [InlineData("tiny-t5v1", "pytorch")]
    public void GradientNormsMatchHfAfterBackward(string modelName, string format)
    {
        using var model = LoadModel(HfModelDir(modelName, format));
        var expected = HfReference(modelName).GetProperty("grad_l2_norms");
        var (inputIds, mask, labels) = HfBatch();
        using var output = model.Forward(inputIds, mask, labels: labels);
        output.Loss!.backward();

        var names = model.named_parameters().Select(p => p.name).ToList();
        Assert.Equal(expected.EnumerateObject().Select(p => p.Name).Order(), names.Order());
        foreach (var (name, parameter) in model.named_parameters())
        {
            double want = expected.GetProperty(name).GetDouble();
            double got = parameter.grad!.norm().item<float>();
            Assert.True(Math.Abs(got - want) <= 1e-4 * Math.Abs(want), $"{name}: grad norm {got}, HF {want}");
        }
    }

    [Theory]
    [InlineData("tiny-flan", 52)]
    [InlineData("tiny-t5v1", 55)]
    public void StateDictKeysAreHfKeys(string modelName, int expectedCount)
    {
        using var model = LoadModel(HfModelDir(modelName));
        var (entries, _, _) = SafeTensors.ReadHeader(Path.Combine(HfModelDir(modelName), "model.safetensors"));
        var ours = model.state_dict().Keys.Order(StringComparer.Ordinal).ToList();
        Assert.Equal(entries.Select(e => e.Name).Order(StringComparer.Ordinal), ours);
        Assert.Equal(expectedCount, ours.Count);
    }

    static long[][] ToRows(Tensor t) =>
        Enumerable.Range(0, (int)t.shape[0]).Select(i => t[i].data<long>().ToArray()).ToArray();
}

using T5Sharp.Peft;
using T5Sharp.Runtime;
using Xunit.Abstractions;
using static T5Sharp.Tests.Modeling.ModelFixtures;
using static T5Sharp.Tests.Peft.LoraFixtures;
using static TorchSharp.torch;

namespace T5Sharp.Tests.Peft;

/// <summary>
/// A peft adapter on a bf16 base: the adapter stays float32 (peft's autocast_adapter_dtype), its input is cast to
/// float32 and the sum rounded back to bf16. Compared with peft's own logits of the float32 model with the adapter.
/// </summary>
public class LoraBFloat16Tests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("lora-qv")]
    [InlineData("lora-all")]
    public void AdapterOnBFloat16BaseStaysFloat32AndMatchesPeftWithinBFloat16Tolerance(string adapter)
    {
        using var model = BaseModel();
        model.UseComputeType(ComputeType.BFloat16);
        var lora = LoraAdapter.Load(model, AdapterDir(adapter));
        var layer = lora.Layers.Values.First();
        Assert.Equal(ScalarType.BFloat16, layer.Weight.dtype);
        Assert.Equal(ScalarType.Float32, layer.LoraA("default").weight!.dtype);
        Assert.Equal(ScalarType.Float32, layer.LoraB("default").weight!.dtype);

        var expected = Refs(adapter)["logits_with_adapter"];
        using var baseLogits = BaseLogits();
        double scale = expected.abs().max().item<float>();
        double adapterEffect = MaxAbsDiff(baseLogits, expected) / scale;
        var (logits, _) = Run(model);
        Assert.Equal(ScalarType.Float32, logits.dtype);
        double error = MaxAbsDiff(logits, expected) / scale;
        lora.Merge();
        double mergedError = MaxAbsDiff(Run(model).Logits, expected) / scale;
        output.WriteLine($"{adapter}: adapter moves logits by {adapterEffect:G3} of scale; bf16 error {error:G3}, merged {mergedError:G3}");
        // the bf16 error must be well below what the adapter changes, so the comparison sees the adapter applied
        Assert.True(error < 0.02 && error < adapterEffect / 4, $"{adapter}: bf16 + adapter differs by {error:P2} (adapter effect {adapterEffect:P2})");
        Assert.True(mergedError < 0.02 && mergedError < adapterEffect / 4, $"{adapter}: merged into bf16 differs by {mergedError:P2}");
    }
}

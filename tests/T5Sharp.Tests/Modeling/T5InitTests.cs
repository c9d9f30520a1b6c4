using T5Sharp.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Tests.Modeling;

public class T5InitTests
{
    [Fact]
    public void StdPerModuleKindFollowsHfInitWeights()
    {
        var config = new T5Config { VocabSize = 512, DModel = 128, DKv = 32, DFf = 256, NumLayers = 1, NumHeads = 4,
            FeedForwardProj = "gated-gelu", TieWordEmbeddings = false, InitializerFactor = 2.0 };
        using var model = new T5ForConditionalGeneration(config);
        T5Init.Initialize(model, seed: 7);
        var p = model.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        void Std(string name, double expected) =>
            Assert.True(Math.Abs(p[name].std().item<float>() / expected - 1) < 0.05, $"{name}: std {p[name].std().item<float>()}, want {expected}");
        Std("shared.weight", 2.0);
        Std("lm_head.weight", 2.0);
        Std("encoder.block.0.layer.0.SelfAttention.q.weight", 2.0 / Math.Sqrt(128 * 32));
        Std("encoder.block.0.layer.0.SelfAttention.k.weight", 2.0 / Math.Sqrt(128));
        Std("decoder.block.0.layer.1.EncDecAttention.o.weight", 2.0 / Math.Sqrt(4 * 32));
        Std("decoder.block.0.layer.2.DenseReluDense.wi_1.weight", 2.0 / Math.Sqrt(128));
        Std("decoder.block.0.layer.2.DenseReluDense.wo.weight", 2.0 / Math.Sqrt(256));
        Assert.True(p["decoder.final_layer_norm.weight"].eq(2.0).all().item<bool>());
        Assert.True(p["encoder.block.0.layer.1.layer_norm.weight"].eq(2.0).all().item<bool>());

        using var again = new T5ForConditionalGeneration(config);
        T5Init.Initialize(again, seed: 7);
        Assert.True(again.Shared.weight!.eq(model.Shared.weight!).all().item<bool>(), "same seed, same weights");
    }
}

using T5Sharp.Modeling;
using T5Sharp.Peft;
using T5Sharp.Runtime;
using TorchSharp;
using static TorchSharp.torch;
using static T5Sharp.Tests.Modeling.ModelFixtures;
using static T5Sharp.Tests.Peft.LoraFixtures;

namespace T5Sharp.Tests.Peft;

/// <summary>Injection: which modules peft's rules wrap, what trains, the trainable report, fresh-adapter init.</summary>
public class LoraInjectionTests
{
    [Fact]
    public void FlanT5BaseShapeWithR32OnQVReportsPeftsCounts()
    {
        TorchRuntime.Initialize();
        // flan-t5-base's shape; on the meta device (shapes only) the adapters added next allocate nothing
        var config = new T5Config { DModel = 768, DFf = 2048, NumLayers = 12, NumDecoderLayers = 12, NumHeads = 12, DKv = 64,
            VocabSize = 32128, FeedForwardProj = "gated-gelu", TieWordEmbeddingsRaw = false };
        using var model = new T5ForConditionalGeneration(config);
        model.to(DeviceType.META);
        var lora = LoraModel.Create(model, new LoraConfig { R = 32, LoraAlpha = 32, LoraDropout = 0.05, TargetModules = ["q", "v"] });
        var counts = lora.CountParameters();
        Assert.Equal(3_538_944, counts.Trainable); // peft's figure for flan-t5-base, r=32, q and v
        Assert.Equal(247_577_856 + 3_538_944, counts.All); // flan-t5-base's 247,577,856 plus the adapters
        Assert.Equal("trainable params: 3,538,944 || all params: 251,116,800 || trainable%: 1.4093", counts.ToString());
        Assert.Equal(1.41, Math.Round(counts.TrainablePercent, 2));
    }

    [Fact]
    public void DefaultTargetsAreQAndVEverywhereAndOnlyAdaptersTrain()
    {
        using var model = BaseModel();
        var lora = LoraModel.Create(model, new LoraConfig { R = 4 }); // target_modules null → T5's q, v
        // the same modules peft wrapped for lora-qv (its config names q, v explicitly)
        var peftModules = Reference("lora-qv").GetProperty("lora_parameter_names").EnumerateArray()
            .Select(e => e.GetString()!["base_model.model.".Length..].Split(".lora_")[0]).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(peftModules, lora.Layers.Keys.Order(StringComparer.Ordinal));
        Assert.All(lora.TrainableParameters(), p => Assert.Contains(".lora_", p.Name));
        Assert.Equal(Reference("lora-qv").GetProperty("trainable_parameters").GetInt64(), lora.CountParameters().Trainable);
    }

    [Fact]
    public void FreshDefaultAdapterLeavesTheModelAsTheBase()
    {
        using var model = BaseModel();
        var lora = LoraModel.Create(model, new LoraConfig { R = 8, TargetModules = ["q", "k", "v", "o", "wi_0", "wi_1", "wo"] });
        Assert.All(lora.Layers.Values, l => Assert.Equal(0.0, l.LoraB("default").weight!.abs().max().item<float>()));
        Assert.All(lora.Layers.Values, l => Assert.True(l.LoraA("default").weight!.abs().max().item<float>() > 0));
        Assert.True(MaxAbsDiff(Run(model).Logits, BaseLogits()) < 1e-4, "B = 0 at init: logits are the base model's");
    }

    [Fact]
    public void ModulesToSaveTrainAndAreSavedUnderPeftsKey()
    {
        using var model = BaseModel();
        var lora = LoraModel.Create(model, new LoraConfig { R = 4, ModulesToSave = ["lm_head"] });
        var names = lora.TrainableParameters().Select(p => p.Name).ToList();
        Assert.Contains("lm_head.weight", names);
        Assert.Equal(6144 + 1152 * 64, lora.CountParameters().Trainable);
        Assert.Contains("base_model.model.lm_head.weight", LoraAdapter.StateDict(lora).Keys);
    }

    [Theory]
    [InlineData(@".*decoder.*EncDecAttention\.(q|k)", null, null, 4)] // regex: full match on the module name
    [InlineData("q,v", "0", "block", 6)]    // layers_to_transform 0 of pattern "block": encoder block 0 (2), decoder block 0 (4)
    [InlineData("q,v", "0", null, 8)]       // no pattern: peft reads T5's sub-layer index (layer.0): every self-attention q, v, no cross-attention
    [InlineData("q,v,k", null, null, 18)]
    public void TargetSelectionFollowsPeftsRules(string targets, string? layers, string? pattern, int wrapped)
    {
        using var model = BaseModel();
        var config = new LoraConfig { R = 2 };
        if (targets.Contains(',') || !targets.Contains('*')) config.TargetModules = targets.Split(',').ToList();
        else config.TargetModulesRegex = targets;
        if (layers is not null) config.LayersToTransform = [int.Parse(layers)];
        if (pattern is not null) config.LayersPattern = [pattern];
        var lora = LoraModel.Create(model, config);
        Assert.Equal(wrapped, lora.Layers.Count);
    }

    [Fact]
    public void RankAndAlphaPatternsAndRsloraSetScaling()
    {
        using var model = BaseModel();
        var config = new LoraConfig { R = 4, LoraAlpha = 8, TargetModules = ["q", "v"], UseRslora = true,
            RankPattern = new() { ["EncDecAttention.q"] = 16 }, AlphaPattern = new() { ["v"] = 2 } };
        var lora = LoraModel.Create(model, config);
        var cross = lora.Layers["decoder.block.1.layer.1.EncDecAttention.q"];
        Assert.Equal(16, cross.LoraA("default").weight!.shape[0]);
        Assert.Equal(8 / Math.Sqrt(16), cross.Scaling("default"), 12);
        var v = lora.Layers["encoder.block.0.layer.0.SelfAttention.v"];
        Assert.Equal(4, v.LoraA("default").weight!.shape[0]);
        Assert.Equal(2 / Math.Sqrt(4), v.Scaling("default"), 12);
        Assert.Equal(8 / 2.0, lora.Layers["encoder.block.0.layer.0.SelfAttention.q"].Scaling("default"), 12);
    }
}

using T5Sharp.Formats;
using T5Sharp.Peft;
using T5Sharp.Pretrained;
using T5Sharp.Tests.Support;
using TorchSharp;
using static T5Sharp.Tests.Modeling.ModelFixtures;
using static T5Sharp.Tests.Peft.LoraFixtures;
using static TorchSharp.torch;

namespace T5Sharp.Tests.Peft;

/// <summary>peft-made adapters loaded into tiny-flan against peft's logits, losses, counts, names and merged weights.</summary>
public class LoraFixtureParityTests
{
    const double Tolerance = 1e-4;

    [Theory]
    [InlineData("lora-qv")]
    [InlineData("lora-all")]
    public void PeftAdapterGivesPeftLogitsLossAndCounts(string adapter)
    {
        using var model = BaseModel();
        var reference = Reference(adapter);
        var lora = LoraAdapter.Load(model, AdapterDir(adapter), trainable: true);

        var (logits, loss) = Run(model);
        Assert.True(MaxAbsDiff(logits, Refs(adapter)["logits_with_adapter"]) < Tolerance, "logits_with_adapter");
        Assert.Equal(reference.GetProperty("loss_with_adapter").GetDouble(), loss, Tolerance);

        var counts = lora.CountParameters();
        Assert.Equal(reference.GetProperty("trainable_parameters").GetInt64(), counts.Trainable);
        Assert.Equal(reference.GetProperty("all_parameters").GetInt64(), counts.All);
        // peft's names of the trainable parameters are ours under PeftModel's prefix
        var expectedNames = reference.GetProperty("lora_parameter_names").EnumerateArray().Select(e => e.GetString()!);
        Assert.Equal(expectedNames.Order(StringComparer.Ordinal),
            lora.TrainableParameters().Select(p => LoraParameterNames.PeftPrefix + p.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("lora-qv")]
    [InlineData("lora-all")]
    public void MergeEqualsPeftMergedWeightsAndUnmergedLogits(string adapter)
    {
        using var model = BaseModel();
        var reference = Reference(adapter);
        var refs = Refs(adapter);
        var baseWeights = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        var lora = LoraAdapter.Load(model, AdapterDir(adapter));

        lora.Merge();
        var state = model.state_dict();
        var mergedKeys = refs.Keys.Where(k => k.StartsWith("merged.")).ToList();
        Assert.Equal(reference.GetProperty("refs_tensors").EnumerateObject().Count(p => p.Name.StartsWith("merged.")), mergedKeys.Count);
        foreach (var key in mergedKeys)
            Assert.True(MaxAbsDiff(state[key["merged.".Length..]], refs[key]) < 1e-5, key);
        var (mergedLogits, mergedLoss) = Run(model);
        Assert.True(MaxAbsDiff(mergedLogits, refs["logits_with_adapter"]) < Tolerance, "merged logits vs peft's adapter logits");
        Assert.Equal(reference.GetProperty("loss_merged").GetDouble(), mergedLoss, Tolerance);

        lora.Unmerge();
        foreach (var key in mergedKeys)
        {
            string name = key["merged.".Length..];
            Assert.True(MaxAbsDiff(model.state_dict()[name], baseWeights[name]) < 1e-6, $"{name} after unmerge");
        }
        var (unmergedLogits, _) = Run(model);
        Assert.True(MaxAbsDiff(unmergedLogits, refs["logits_with_adapter"]) < Tolerance, "unmerged logits");
    }

    [Fact]
    public void MergeAndUnloadSavesAPlainModelFolderWithPeftsMergedWeights()
    {
        using var model = BaseModel();
        var refs = Refs("lora-all");
        var lora = LoraAdapter.Load(model, AdapterDir("lora-all"));
        var plain = lora.MergeAndUnload();

        var (entries, _, _) = SafeTensors.ReadHeader(Path.Combine(HfModelDir("tiny-flan"), "model.safetensors"));
        Assert.Equal(entries.Select(e => e.Name).Order(StringComparer.Ordinal), plain.state_dict().Keys.Order(StringComparer.Ordinal));
        Assert.All(plain.parameters(), p => Assert.True(p.requires_grad));
        using var dir = new TempDir();
        ModelFolder.Save(dir.Path, plain.Config, plain.state_dict());
        using var reloaded = LoadModel(dir.Path);
        var state = reloaded.state_dict();
        foreach (var key in refs.Keys.Where(k => k.StartsWith("merged.")))
            Assert.True(MaxAbsDiff(state[key["merged.".Length..]], refs[key]) < 1e-5, key);
        var (logits, _) = Run(reloaded);
        Assert.True(MaxAbsDiff(logits, refs["logits_with_adapter"]) < Tolerance, "reloaded merged model logits");
    }

    [Fact]
    public void SeveralAdaptersSwitchAndDisableToBase()
    {
        using var model = BaseModel();
        LoraAdapter.Load(model, AdapterDir("lora-qv"), "qv");
        var lora = LoraAdapter.Load(model, AdapterDir("lora-all"), "all");
        Assert.Equal(["qv"], lora.ActiveAdapters); // the first adapter loaded is the active one, as in peft

        Assert.True(MaxAbsDiff(Run(model).Logits, Refs("lora-qv")["logits_with_adapter"]) < Tolerance, "qv active");
        lora.SetAdapter("all");
        Assert.True(MaxAbsDiff(Run(model).Logits, Refs("lora-all")["logits_with_adapter"]) < Tolerance, "all active");
        lora.SetAdapter("qv");
        Assert.True(MaxAbsDiff(Run(model).Logits, Refs("lora-qv")["logits_with_adapter"]) < Tolerance, "qv again");
        lora.DisableAdapters();
        Assert.True(MaxAbsDiff(Run(model).Logits, BaseLogits()) < Tolerance, "adapters disabled = base model");
        lora.EnableAdapters();
        lora.DeleteAdapter("qv");
        lora.SetAdapter("all");
        Assert.True(MaxAbsDiff(Run(model).Logits, Refs("lora-all")["logits_with_adapter"]) < Tolerance, "after deleting qv");
    }
}

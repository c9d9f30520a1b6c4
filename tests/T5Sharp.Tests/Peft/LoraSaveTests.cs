using System.Text.Json.Nodes;
using T5Sharp.Formats;
using T5Sharp.Peft;
using T5Sharp.Tests.Support;
using static T5Sharp.Tests.Modeling.ModelFixtures;
using static T5Sharp.Tests.Peft.LoraFixtures;

namespace T5Sharp.Tests.Peft;

/// <summary>What we write must be what peft writes: file names, tensor keys/shapes/dtypes, config fields and values.</summary>
public class LoraSaveTests
{
    [Theory]
    [InlineData("lora-qv")]
    [InlineData("lora-all")]
    public void SavedAdapterHasPeftsFilesKeysShapesAndConfig(string adapter)
    {
        using var model = BaseModel();
        var lora = LoraAdapter.Load(model, AdapterDir(adapter));
        using var dir = new TempDir();
        LoraAdapter.Save(lora, dir.Path, baseModelNameOrPath: "tiny-flan/safetensors");

        // peft's save_pretrained writes these three (lora_refs.safetensors is the fixture's own addition)
        Assert.Equal(Directory.GetFiles(AdapterDir(adapter)).Select(Path.GetFileName).Where(f => f != "lora_refs.safetensors").Order(),
            Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());

        var (peftEntries, peftMeta, _) = SafeTensors.ReadHeader(Path.Combine(AdapterDir(adapter), LoraAdapter.WeightsFile));
        var (ourEntries, ourMeta, _) = SafeTensors.ReadHeader(dir.File(LoraAdapter.WeightsFile));
        Assert.Equal(peftMeta, ourMeta);
        Assert.Equal(peftEntries.Select(e => (e.Name, e.DType, string.Join(",", e.Shape))),
            ourEntries.Select(e => (e.Name, e.DType, string.Join(",", e.Shape))));
        var peftTensors = SafeTensors.Load(Path.Combine(AdapterDir(adapter), LoraAdapter.WeightsFile));
        foreach (var (name, tensor) in SafeTensors.Load(dir.File(LoraAdapter.WeightsFile)))
            Assert.Equal(0.0, MaxAbsDiff(tensor, peftTensors[name]));

        // same fields with the same values; even the text is peft's (sorted keys, indent 2, Python floats)
        string peftText = File.ReadAllText(Path.Combine(AdapterDir(adapter), LoraConfig.ConfigFile));
        string ourText = File.ReadAllText(dir.File(LoraConfig.ConfigFile));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(peftText), JsonNode.Parse(ourText)), ourText);
        Assert.Equal(peftText.TrimEnd(), ourText.TrimEnd());

        // and it loads back to peft's logits
        using var fresh = BaseModel();
        LoraAdapter.Load(fresh, dir.Path);
        Assert.True(MaxAbsDiff(Run(fresh).Logits, Refs(adapter)["logits_with_adapter"]) < 1e-4);
    }

    [Fact]
    public void ConfigBuiltInCodeHasPeftsFieldSet()
    {
        var config = new LoraConfig { R = 4, LoraAlpha = 8, TargetModules = ["q", "v"], InitLoraWeights = LoraInit.Random,
            BaseModelNameOrPath = "tiny-flan/safetensors", InferenceMode = true };
        var ours = JsonNode.Parse(config.ToJson())!.AsObject();
        var peft = JsonNode.Parse(File.ReadAllText(Path.Combine(AdapterDir("lora-qv"), LoraConfig.ConfigFile)))!.AsObject();
        Assert.Equal(peft.Select(kv => kv.Key).Order(StringComparer.Ordinal), ours.Select(kv => kv.Key).Order(StringComparer.Ordinal));
        Assert.True(JsonNode.DeepEquals(peft, ours), config.ToJson());
    }
}

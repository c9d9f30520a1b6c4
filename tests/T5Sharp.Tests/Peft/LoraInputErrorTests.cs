using T5Sharp.Formats;
using T5Sharp.Peft;
using T5Sharp.Tests.Support;
using TorchSharp;
using static T5Sharp.Tests.Peft.LoraFixtures;

namespace T5Sharp.Tests.Peft;

/// <summary>Bad adapter files and options: one message naming the file and key; the model is left unchanged.</summary>
public class LoraInputErrorTests
{
    static string CopyAdapter(TempDir dir, string adapter)
    {
        foreach (var f in new[] { LoraConfig.ConfigFile, LoraAdapter.WeightsFile })
            File.Copy(Path.Combine(AdapterDir(adapter), f), dir.File(f));
        return dir.Path;
    }

    [Fact]
    public void MissingAndMisshapenKeysAreNamedAndLeaveTheModelUnchanged()
    {
        using var model = BaseModel();
        using var dir = new TempDir();
        CopyAdapter(dir, "lora-qv");
        var tensors = SafeTensors.Load(dir.File(LoraAdapter.WeightsFile));
        const string key = "base_model.model.encoder.block.1.layer.0.SelfAttention.v.lora_B.weight";
        tensors.Remove(key);
        SafeTensors.Save(dir.File(LoraAdapter.WeightsFile), tensors);
        var e = Assert.Throws<CheckpointException>(() => LoraAdapter.Load(model, dir.Path));
        Assert.Equal($"{dir.File(LoraAdapter.WeightsFile)}: missing key '{key}' (expected shape [64, 4])", e.Message);
        Assert.Empty(LoraModel.For(model).Configs);
        Assert.True(T5Sharp.Tests.Modeling.ModelFixtures.MaxAbsDiff(Run(model).Logits, BaseLogits()) < 1e-4);

        tensors[key] = torch.zeros(64, 8);
        SafeTensors.Save(dir.File(LoraAdapter.WeightsFile), tensors);
        e = Assert.Throws<CheckpointException>(() => LoraAdapter.Load(model, dir.Path));
        Assert.Contains($"key '{key}' has shape [64, 8], but r and the base model give [64, 4]", e.Message);
    }

    [Fact]
    public void BadConfigValuesNameTheKey()
    {
        using var dir = new TempDir();
        CopyAdapter(dir, "lora-qv");
        string path = dir.File(LoraConfig.ConfigFile);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"bias\": \"none\"", "\"bias\": \"some\""));
        var e = Assert.Throws<PeftException>(() => LoraConfig.Load(path));
        Assert.Equal($"{path}: 'bias' is 'some'; expected none, all or lora_only", e.Message);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"r\": 4", "\"r\": \"four\""));
        var e2 = Assert.Throws<CheckpointException>(() => LoraConfig.Load(path));
        Assert.StartsWith($"{path}: key 'r' has value \"four\"", e2.Message);
    }

    [Fact]
    public void TargetsThatMatchNothingAreReported()
    {
        using var model = BaseModel();
        var e = Assert.Throws<PeftException>(() => LoraModel.Create(model, new LoraConfig { TargetModules = ["query"] }));
        Assert.Contains("target modules [query] not found in the base model", e.Message);
    }

    [Fact]
    public void CliSpecParsesListsAndRejectsUnknownKeys()
    {
        var c = LoraSpec.Parse("r=32,alpha=32,dropout=0.05,targets=q,v,save=lm_head", "--lora");
        Assert.Equal(32, c.R);
        Assert.Equal(32, c.LoraAlpha);
        Assert.Equal(0.05, c.LoraDropout);
        Assert.Equal(["q", "v"], c.TargetModules);
        Assert.Equal(["lm_head"], c.ModulesToSave);
        Assert.Contains("\"lora_dropout\": 0.05", c.ToJson());
        var e = Assert.Throws<PeftException>(() => LoraSpec.Parse("r=8,rank=4", "--lora"));
        Assert.StartsWith("--lora: unknown key 'rank'", e.Message);
        Assert.Throws<PeftException>(() => LoraSpec.Parse("r=0", "--lora"));
    }
}

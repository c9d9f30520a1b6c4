using T5Sharp.Tests.Support;
using static T5Sharp.Tests.Modeling.ModelFixtures;
using static T5Sharp.Tests.Peft.LoraFixtures;

namespace T5Sharp.Tests.Peft;

/// <summary>The real `t5sharp lora` process: merge gives peft's merged weights and logits; info and errors.</summary>
public class LoraCliTests
{
    [Fact]
    public void LoraMergeWritesAPlainFolderWithPeftsMergedWeights()
    {
        using var dir = new TempDir();
        // a complete model folder: the fixture's weights with the fixture tokenizer beside them
        string baseDir = Directory.CreateDirectory(dir.File("base")).FullName;
        foreach (var f in Directory.GetFiles(HfModelDir("tiny-flan")).Concat(Directory.GetFiles(Path.Combine(SharedPaths.Hf, "tokenizer"))))
            File.Copy(f, Path.Combine(baseDir, Path.GetFileName(f)));
        string outDir = dir.File("merged");

        var result = CliRunner.Run("lora", "merge", "--model", baseDir, "--adapter", AdapterDir("lora-qv"), "--out", outDir);
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("merged 12 LoRA layers", result.Stdout);
        using var merged = LoadModel(outDir);
        var refs = Refs("lora-qv");
        var state = merged.state_dict();
        foreach (var key in refs.Keys.Where(k => k.StartsWith("merged.")))
            Assert.True(MaxAbsDiff(state[key["merged.".Length..]], refs[key]) < 1e-5, key);
        Assert.True(MaxAbsDiff(Run(merged).Logits, refs["logits_with_adapter"]) < 1e-4);
        Assert.True(File.Exists(Path.Combine(outDir, "spiece.model")));
    }

    [Fact]
    public void LoraInfoShowsConfigAndPeftsTrainableReport()
    {
        var reference = Reference("lora-all");
        var result = CliRunner.Run("lora", "info", "--adapter", AdapterDir("lora-all"), "--model", HfModelDir("tiny-flan"));
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("r 8, lora_alpha 16, scaling 2", result.Stdout);
        Assert.Contains("targets         wo, wi_0, q, k, v, o, wi_1", result.Stdout);
        long trainable = reference.GetProperty("trainable_parameters").GetInt64(), all = reference.GetProperty("all_parameters").GetInt64();
        Assert.Contains(FormattableString.Invariant(
            $"trainable params: {trainable:N0} || all params: {all:N0} || trainable%: {100.0 * trainable / all:F4}"), result.Stdout);
        Assert.Contains($"tensors         72, {trainable:N0} parameters", result.Stdout);
    }

    [Fact]
    public void MissingAdapterFolderIsOneLineUserError()
    {
        var result = CliRunner.Run("lora", "info", "--adapter", "/nonexistent/adapter");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("/nonexistent/adapter/adapter_config.json: file not found", result.Stderr);
        Assert.Single(result.Stderr.Trim().Split('\n'));
    }
}

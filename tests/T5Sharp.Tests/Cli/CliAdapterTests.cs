using System.Text.Json;
using T5Sharp.Tests.Support;

namespace T5Sharp.Tests.Cli;

/// <summary>`--adapter` on the verbs: peft's own adapter over the base model gives peft's loss, through the real program.</summary>
public class CliAdapterTests
{
    [Fact]
    public void ScoreWithPeftAdapterGivesPeftsLossAndWithoutItTheBaseLoss()
    {
        using var dir = new TempDir();
        // a complete model folder: the tiny FLAN weights with the fixture tokenizer they were trained with
        string model = dir.File("tiny-flan");
        Directory.CreateDirectory(model);
        foreach (var f in Directory.GetFiles(Path.Combine(SharedPaths.Hf, "tiny-flan", "safetensors")))
            File.Copy(f, Path.Combine(model, Path.GetFileName(f)));
        foreach (var f in Directory.GetFiles(Path.Combine(SharedPaths.Hf, "tokenizer")))
            File.Copy(f, Path.Combine(model, Path.GetFileName(f)));
        var batch = JsonDocument.Parse(File.ReadAllText(Path.Combine(SharedPaths.Hf, "batch.json"))).RootElement;
        var texts = batch.GetProperty("texts").EnumerateArray().Select(e => e.GetString()).ToList();
        var labels = batch.GetProperty("labels_text").EnumerateArray().Select(e => e.GetString()).ToList();
        File.WriteAllLines(dir.File("batch.jsonl"), texts.Select((t, i) => JsonSerializer.Serialize(new { source = t, target = labels[i] })));

        double TokenWeightedLoss(params string[] extra)
        {
            var result = CliRunner.Run(["score", "--model", model, "--data", dir.File("batch.jsonl"), "--source-field", "source",
                "--target-field", "target", "--batch-size", "3", .. extra]);
            Assert.True(result.ExitCode == 0, result.Stderr);
            var last = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
            return JsonDocument.Parse(last).RootElement.GetProperty("token_weighted_loss").GetDouble();
        }

        var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(SharedPaths.Hf, "tiny-flan", "lora_reference.json"))).RootElement;
        double peftLoss = reference.GetProperty("adapters").EnumerateArray()
            .Single(a => a.GetProperty("name").GetString() == "lora-qv").GetProperty("loss_with_adapter").GetDouble();
        double baseLoss = JsonDocument.Parse(File.ReadAllText(Path.Combine(SharedPaths.Hf, "tiny-flan", "reference.json"))).RootElement
            .GetProperty("loss").GetDouble();

        Assert.Equal(baseLoss, TokenWeightedLoss(), 1e-4);
        Assert.Equal(peftLoss, TokenWeightedLoss("--adapter", Path.Combine(SharedPaths.Hf, "tiny-flan", "lora-qv")), 1e-4);

        var info = CliRunner.Run("info", model, "--adapter", Path.Combine(SharedPaths.Hf, "tiny-flan", "lora-qv"));
        Assert.True(info.ExitCode == 0, info.Stderr);
        Assert.Contains("trainable params: 6,144 || all params: 351,232", info.Stdout);
    }
}

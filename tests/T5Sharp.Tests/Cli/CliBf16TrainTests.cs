using System.Text.Json;
using T5Sharp.Formats;
using T5Sharp.Tests.Support;
using T5Sharp.Tests.Training;
using TorchSharp;

namespace T5Sharp.Tests.Cli;

/// <summary>
/// `train --bf16` end to end, with the CPU's features overridden (T5SHARP_CPU_FEATURES): on a CPU without bf16
/// instructions it is one clear error (exit 2), as `--dtype bfloat16` is; with amx_bf16 claimed the run trains (libtorch
/// computes bf16 without the hardware here, only slowly), run.json records bf16, the dry run says so, and the saved
/// model is float32.
/// </summary>
public class CliBf16TrainTests
{
    static string[] Train(TempDir temp, string model, string data, params string[] extra) =>
    [
        "train", "--model", model, "--data", data, "--source-field", "dialogue", "--target-field", "summary",
        "--output-dir", temp.File("run"), "--max-steps", "3", "--batch-size", "4", "--set", "logging_steps=1",
        "--set", "save_strategy=no", .. extra,
    ];

    [Fact]
    public void Bf16OnACpuWithoutBFloat16IsAClearError()
    {
        using var temp = new TempDir();
        string data = TrainingRunEndToEndTests.WriteData(temp);
        string model = TrainingRunEndToEndTests.WriteModel(temp, 0.0);
        foreach (var features in new[] { "avx2", "none" })
        {
            var r = CliRunner.RunWith(new Dictionary<string, string> { ["T5SHARP_CPU_FEATURES"] = features }, Train(temp, model, data, "--bf16"));
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("bf16: bfloat16 needs a CPU with AMX-BF16 or AVX512-BF16", r.Stderr);
            Assert.DoesNotContain("   at ", r.Stderr);
            Assert.False(Directory.Exists(temp.File("run")), "nothing trained");
        }
        // the run option by its HF name is checked the same way
        var option = CliRunner.RunWith(new Dictionary<string, string> { ["T5SHARP_CPU_FEATURES"] = "avx2" }, Train(temp, model, data, "--set", "bf16=true"));
        Assert.Equal(2, option.ExitCode);
        Assert.Contains("bf16: bfloat16 needs a CPU", option.Stderr);
    }

    [Fact]
    public void Bf16TrainsAndSavesAFloat32Model()
    {
        using var temp = new TempDir();
        string data = TrainingRunEndToEndTests.WriteData(temp);
        string model = TrainingRunEndToEndTests.WriteModel(temp, 0.1);
        var env = new Dictionary<string, string> { ["T5SHARP_CPU_FEATURES"] = "amx_bf16" };

        var dry = CliRunner.RunWith(env, Train(temp, model, data, "--bf16", "--dry-run"));
        Assert.True(dry.ExitCode == 0, dry.Stderr);
        Assert.Contains("precision: bf16 mixed", dry.Stdout);
        var plain = CliRunner.RunWith(env, Train(temp, model, data, "--dry-run"));
        Assert.Contains("precision: float32", plain.Stdout);
        var lora = CliRunner.RunWith(env, Train(temp, model, data, "--bf16", "--lora", "r=4,alpha=8,targets=q,v", "--dry-run"));
        Assert.True(lora.ExitCode == 0, lora.Stderr);
        Assert.Contains("precision: bf16 (the frozen base stored in bf16; the adapter", lora.Stdout);

        var train = CliRunner.RunWith(env, Train(temp, model, data, "--bf16"));
        Assert.True(train.ExitCode == 0, train.Stderr);
        var options = JsonDocument.Parse(File.ReadAllText(temp.File("run/run.json"))).RootElement;
        Assert.True(options.GetProperty("bf16").GetBoolean());
        var losses = File.ReadAllLines(temp.File("run/metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.TryGetProperty("loss", out _)).Select(e => e.GetProperty("loss").GetDouble()).ToList();
        Assert.Equal(3, losses.Count);
        Assert.All(losses, l => Assert.True(double.IsFinite(l) && l > 0, $"loss {l}"));
        var saved = SafeTensors.Load(temp.File("run/final/model.safetensors"));
        Assert.NotEmpty(saved);
        Assert.All(saved, kv => Assert.Equal(torch.ScalarType.Float32, kv.Value.dtype));
    }
}

using System.Text.Json;
using T5Sharp.Tests.Pretrained;
using T5Sharp.Tests.Support;

namespace T5Sharp.Tests.Cli;

/// <summary>
/// `--dtype` end to end, with the CPU's features overridden (T5SHARP_CPU_FEATURES): on a CPU without bf16 instructions
/// bfloat16 is a clear error (exit 2); with amx_bf16 claimed, bf16 runs even here (libtorch computes bf16 without the
/// hardware, only slowly) and greedy output agrees with float32 on the fixture input.
/// </summary>
public class CliDTypeTests
{
    static string Model => Path.Combine(SharedPaths.Hf2, "tiny-flan-32k");

    static string Input => JsonDocument.Parse(File.ReadAllText(Path.Combine(SharedPaths.Hf2, "generate_32k.json"))).RootElement
        .GetProperty("source_texts")[0].GetString()!;

    static CliRunner.Result Generate(string features, params string[] extra) =>
        CliRunner.RunWith(new Dictionary<string, string> { ["T5SHARP_CPU_FEATURES"] = features },
            ["generate", "--model", Model, "--input", Input, "--max-new-tokens", "20", .. extra]);

    [Fact]
    public void BFloat16OnACpuWithoutBFloat16IsAClearError()
    {
        var r = Generate("avx2", "--dtype", "bfloat16");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("bfloat16 needs a CPU with AMX-BF16 or AVX512-BF16", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
        using var dir = ComputeTypeLoadTests.CopyWithTorchDtype("bfloat16");
        var fromConfig = CliRunner.RunWith(new Dictionary<string, string> { ["T5SHARP_CPU_FEATURES"] = "none" },
            "generate", "--model", dir.Path, "--input", Input, "--dtype", "config");
        Assert.Equal(2, fromConfig.ExitCode);
        Assert.Contains("config.json", fromConfig.Stderr);
        Assert.Contains("bfloat16 needs a CPU", fromConfig.Stderr);
    }

    [Fact]
    public void BFloat16GreedyOutputAgreesWithFloat32()
    {
        var float32 = Generate("none", "--dtype", "auto"); // auto without AMX: float32
        var bf16 = Generate("amx_bf16", "--dtype", "bfloat16");
        Assert.True(float32.ExitCode == 0, float32.Stderr);
        Assert.True(bf16.ExitCode == 0, bf16.Stderr);
        Assert.False(string.IsNullOrWhiteSpace(float32.Stdout));
        Assert.Equal(float32.Stdout, bf16.Stdout);
    }
}

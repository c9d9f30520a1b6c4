using System.Text.Json;
using T5Sharp.Tests.Support;

namespace T5Sharp.Tests.Cli;

/// <summary>`--quantize int8` end to end: it runs and agrees with float32 on the fixture input; the refusals are exit 2.</summary>
public class CliQuantizeTests
{
    static string Model => Path.Combine(SharedPaths.Hf2, "tiny-flan-32k");

    static string Input => JsonDocument.Parse(File.ReadAllText(Path.Combine(SharedPaths.Hf2, "generate_32k.json"))).RootElement
        .GetProperty("source_texts")[0].GetString()!;

    static CliRunner.Result Generate(params string[] extra) =>
        CliRunner.Run(["generate", "--model", Model, "--input", Input, "--max-new-tokens", "20", .. extra]);

    [Fact]
    public void Int8GreedyOutputAgreesWithFloat32()
    {
        var float32 = Generate();
        var int8 = Generate("--quantize", "int8");
        Assert.True(float32.ExitCode == 0, float32.Stderr);
        Assert.True(int8.ExitCode == 0, int8.Stderr);
        Assert.False(string.IsNullOrWhiteSpace(float32.Stdout));
        Assert.Equal(float32.Stdout, int8.Stdout);
    }

    [Theory]
    [InlineData("--quantize int4", "--quantize must be none or int8")]
    [InlineData("--quantize int8 --dtype bfloat16", "int8 quantization computes in float32")]
    [InlineData("--quantize int8 --adapter ADAPTER", "--quantize int8 can't be combined with --adapter")]
    public void RefusalsAreClearErrors(string options, string message)
    {
        var args = options.Replace("ADAPTER", Path.Combine(SharedPaths.Hf, "tiny-flan", "lora-qv")).Split(' ');
        var r = CliRunner.RunWith(new Dictionary<string, string> { ["T5SHARP_CPU_FEATURES"] = "amx_bf16" },
            ["generate", "--model", Model, "--input", Input, .. args]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Fact]
    public void ServeRefusesInt8WithAdaptersBeforeLoading()
    {
        var r = CliRunner.Run("serve", "--model", Model, "--port", "0", "--quantize", "int8",
            "--adapter", "qv=" + Path.Combine(SharedPaths.Hf, "tiny-flan", "lora-qv"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--quantize int8 can't be combined with --adapter", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
    }
}

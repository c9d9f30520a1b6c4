using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using T5Sharp.Tests.Support;

namespace T5Sharp.Tests.Cli;

/// <summary>`--quantize int8` end to end: it runs and agrees with float32 on the fixture input, `serve` answers with
/// `generate`'s int8 text; the refusals are exit 2.</summary>
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

    [Fact]
    public async Task ServeInt8AnswersWithGenerateInt8sText()
    {
        var generated = Generate("--quantize", "int8");
        Assert.True(generated.ExitCode == 0, generated.Stderr);

        using var server = Process.Start(CliRunner.StartInfo("serve", "--model", Model, "--port", "0", "--quantize", "int8"))!;
        try
        {
            _ = server.StandardOutput.ReadToEndAsync();
            int port = 0;
            while (port == 0 && server.StandardError.ReadLine() is { } line)
                if (Regex.Match(line, @"^t5sharp serve: .* on http://127\.0\.0\.1:(\d+)$") is { Success: true } m) port = int.Parse(m.Groups[1].Value);
            Assert.True(port > 0, "serve ended without printing its address");
            _ = server.StandardError.ReadToEndAsync();
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(1) };
            using var response = await client.PostAsJsonAsync("/v1/completions", new { prompt = Input, max_tokens = 20, temperature = 0 });
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.True(response.IsSuccessStatusCode, body.ToString());
            Assert.Equal(generated.Stdout.TrimEnd('\n'), body.GetProperty("choices")[0].GetProperty("text").GetString());
        }
        finally
        {
            using (var term = Process.Start("kill", ["-TERM", server.Id.ToString()])) term.WaitForExit();
            if (!server.WaitForExit(TimeSpan.FromSeconds(30))) server.Kill(entireProcessTree: true);
        }
    }
}

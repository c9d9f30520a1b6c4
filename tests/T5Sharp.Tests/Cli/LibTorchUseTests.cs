using System.CommandLine;
using System.Text.Json;
using T5Sharp.Cli;
using T5Sharp.Cli.Commands;
using T5Sharp.Tests.Support;

namespace T5Sharp.Tests.Cli;

/// <summary>
/// The CLI loads libtorch only for command lines that use tensors (<see cref="LibTorchUse"/>): the text-only verbs run
/// without it, as the dynamic loader itself reports (LD_DEBUG), and every verb that builds or loads a model gets it.
/// </summary>
public class LibTorchUseTests
{
    static string Model => Path.Combine(SharedPaths.Hf2, "tiny-flan-32k");
    static string Tokenizer => SharedPaths.RealTokenizer;

    static bool Needed(params string[] args)
    {
        var root = CliRoot.Create();
        var parse = root.Parse(args);
        Assert.Empty(parse.Errors);
        return LibTorchUse.Needed(parse);
    }

    [Fact]
    public void VerbsThatBuildOrLoadAModel_NeedLibTorch()
    {
        Assert.True(Needed("generate", "--model", "m", "--input", "x"));
        Assert.True(Needed("score", "--model", "m", "--data", "d", "--source-field", "s", "--target-field", "t"));
        Assert.True(Needed("init", "--config", "c.json", "--out", "o"));
        Assert.True(Needed("train"));
        Assert.True(Needed("serve", "--model", "m"));
        Assert.True(Needed("train", "--dry-run"));
        Assert.True(Needed("lora", "merge", "--model", "m", "--adapter", "a", "--out", "o"));
        Assert.True(Needed("lora", "info", "--adapter", "a", "--model", "m"));
        Assert.True(Needed("info", "m", "--adapter", "a"));
        Assert.True(Needed("evaluate", "--model", "m", "--data", "d"));
        Assert.True(Needed("compare", "--data", "d", "--out", "o", "--system-predictions", "a=p.jsonl", "--system", "b=m"));
    }

    [Fact]
    public void TextOnlyVerbs_DoNotNeedLibTorch()
    {
        Assert.False(Needed("tokenize", "--model", "m", "--input", "x"));
        Assert.False(Needed("prepare", "yahoo", "--input", "i.json", "--out", "o.jsonl"));
        Assert.False(Needed("prepare", "telegram", "--export", "r.json", "--out", "o.jsonl"));
        Assert.False(Needed("info", "m"));
        Assert.False(Needed("lora", "info", "--adapter", "a"));
        Assert.False(Needed("evaluate", "--predictions", "p.jsonl"));
        Assert.False(Needed("compare", "--data", "d", "--out", "o", "--system-predictions", "a=p.jsonl"));
        Assert.False(Needed("generate", "--help"));
        Assert.False(Needed("push", "--model", "m", "--repo", "owner/name"));
        Assert.False(Needed("report", "runs/a", "runs/b", "--out", "o"));
    }

    /// <summary>Runs the real program with the dynamic loader's log on; whether libtorch_cpu.so was loaded.</summary>
    static bool LoadsLibTorch(params string[] args)
    {
        using var dir = new TempDir();
        var result = CliRunner.RunWith(new Dictionary<string, string> { ["LD_DEBUG"] = "files", ["LD_DEBUG_OUTPUT"] = dir.File("ld") }, args);
        Assert.True(result.ExitCode == 0, $"t5sharp {string.Join(' ', args)}: {result.Stderr}");
        string log = string.Concat(Directory.GetFiles(dir.Path, "ld.*").Select(File.ReadAllText));
        Assert.Contains("libcoreclr.so", log); // the log is real: the runtime itself shows up in it
        return log.Contains("libtorch_cpu.so", StringComparison.Ordinal);
    }

    [Fact]
    public void TextOnlyVerbs_RunWithoutLoadingLibTorch_AndModelVerbsLoadIt()
    {
        if (!OperatingSystem.IsLinux()) return; // LD_DEBUG is glibc's
        using var dir = new TempDir();
        File.WriteAllText(dir.File("data.jsonl"), JsonSerializer.Serialize(new { dialogue = "A: hi", summary = "a greeting" }) + "\n");
        File.WriteAllText(dir.File("p.jsonl"), JsonSerializer.Serialize(new { prediction = "greeting", reference = "a greeting" }) + "\n");

        Assert.False(LoadsLibTorch("--help"));
        Assert.False(LoadsLibTorch("tokenize", "--model", Tokenizer, "--input", "hello"));
        Assert.False(LoadsLibTorch("info", Model));
        Assert.False(LoadsLibTorch("lora", "info", "--adapter", Path.Combine(SharedPaths.Hf, "tiny-flan", "lora-qv")));
        Assert.False(LoadsLibTorch("evaluate", "--predictions", dir.File("p.jsonl"), "--metrics", "rouge1"));
        Assert.False(LoadsLibTorch("compare", "--data", dir.File("data.jsonl"), "--system-predictions", "a=" + dir.File("p.jsonl"),
            "--metrics", "rouge1", "--out", dir.File("cmp")));
        Assert.True(LoadsLibTorch("generate", "--model", Model, "--input", "hello", "--max-new-tokens", "2"));
    }

    [Fact]
    public void UsageNamesTheCommandT5Sharp()
    {
        var result = CliRunner.Run("lora", "--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:\n  t5sharp lora [command] [options]", result.Stdout.ReplaceLineEndings("\n"));
    }
}

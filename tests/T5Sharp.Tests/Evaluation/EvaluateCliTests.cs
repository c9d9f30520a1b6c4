using System.CommandLine;
using System.Text.Json;
using T5Sharp.Cli;
using T5Sharp.Cli.Commands;
using T5Sharp.Data;
using T5Sharp.Data.Readers;
using T5Sharp.Evaluation;
using T5Sharp.Tests.Support;

namespace T5Sharp.Tests.Evaluation;

/// <summary>
/// The evaluate and compare verbs end to end on the real tiny model (hf2/tiny-flan-32k) and the 4 prompted DialogSum
/// test records of generate_32k.json: real batched greedy generation must give HF's texts, and the written metrics must
/// be Metrics.Compute of the written predictions.
/// </summary>
public class EvaluateCliTests
{
    internal static string Model => Path.Combine(SharedPaths.Hf2, "tiny-flan-32k");
    static readonly int[] Records = [0, 17, 19, 385];

    internal static int Invoke(Command command, params string[] args) =>
        CliErrors.Run(() => command.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false }));

    /// <summary>A JSONL file of the fixture's prompted sources and the records' three DialogSum summaries.</summary>
    internal static (string path, List<string> hfGreedy) WriteData(TempDir dir)
    {
        using var generate = JsonDocument.Parse(File.ReadAllText(Path.Combine(SharedPaths.Hf2, "generate_32k.json")));
        var sources = generate.RootElement.GetProperty("source_texts").EnumerateArray().Select(e => e.GetString()!).ToList();
        var greedy = generate.RootElement.GetProperty("runs").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "greedy");
        var expected = greedy.GetProperty("decoded_skip_special").EnumerateArray().Select(e => e.GetString()!).ToList();
        var test = RecordReader.ReadFields(Path.Combine(SharedPaths.Data, "dialogsum", "dialogsum.test.jsonl"), "summary1", "summary2", "summary3");
        string path = dir.File("data.jsonl");
        File.WriteAllLines(path, Records.Select((r, i) => JsonSerializer.Serialize(new
        {
            prompt = sources[i], summary1 = test[r][0], summary2 = test[r][1], summary3 = test[r][2],
        })));
        return (path, expected);
    }

    [Fact]
    public void Evaluate_GeneratesHfGreedyTexts_AndWritesMetricsOfThem()
    {
        using var dir = new TempDir();
        var (data, hfGreedy) = WriteData(dir);
        string outDir = dir.File("eval");
        int code = Invoke(EvaluateCommand.Create(), "--model", Model, "--data", data, "--source-field", "prompt",
            "--reference-field", "summary1,summary2,summary3", "--max-new-tokens", "20", "--max-source-length", "128",
            "--batch-size", "4", "--out", outDir);
        Assert.Equal(0, code);

        var predictions = PredictionsFile.Read(Path.Combine(outDir, "predictions.jsonl"));
        Assert.Equal(hfGreedy, predictions.Select(p => p.Prediction));
        Assert.All(predictions, p => Assert.Equal(3, p.References.Count));
        Assert.StartsWith("Summarize the following conversation:", predictions[0].Source);

        var metrics = MetricsFile.Read(Path.Combine(outDir, "metrics.json"));
        var expected = Metrics.Compute(Metrics.Default, predictions.Select(p => p.Prediction).ToList(),
            predictions.Select(p => p.References).ToList(), new MetricOptions { RougeAsPercent = true, BootstrapSeed = 0 });
        Assert.Equal(expected.Keys, metrics.Metrics.Keys);
        foreach (var (name, value) in expected) Assert.Equal(value, metrics.Metrics[name], 1e-9);
        Assert.Equal(4, metrics.ExampleCount);
        Assert.True(metrics.GenerationSeconds > 0);
        Assert.Equal(["rouge1", "rouge2", "rougeL", "rougeLsum"], metrics.Intervals.Keys);

        // Scoring the written file again without a model gives the same metrics.
        string rescored = dir.File("rescored");
        Assert.Equal(0, Invoke(EvaluateCommand.Create(), "--predictions", Path.Combine(outDir, "predictions.jsonl"), "--out", rescored));
        var again = MetricsFile.Read(Path.Combine(rescored, "metrics.json"));
        foreach (var (name, value) in expected) Assert.Equal(value, again.Metrics[name], 1e-9);
        Assert.Equal(0, again.GenerationSeconds);

        // ... and a decoding option there would be ignored: it is refused by name instead
        var refused = CliRunner.Run("evaluate", "--predictions", Path.Combine(outDir, "predictions.jsonl"), "--num-beams", "4", "--dtype", "bfloat16");
        Assert.Equal(CliErrors.UserError, refused.ExitCode);
        Assert.Contains("--num-beams, --dtype set how a model generates", refused.Stderr);
    }

    [Fact]
    public void Evaluate_Template_BuildsHfPromptsFromRawDialogues()
    {
        using var dir = new TempDir();
        var (_, hfGreedy) = WriteData(dir);
        var test = RecordReader.ReadFields(Path.Combine(SharedPaths.Data, "dialogsum", "dialogsum.test.jsonl"), "dialogue", "summary1");
        string data = dir.File("raw.jsonl");
        File.WriteAllLines(data, Records.Select(r => JsonSerializer.Serialize(new { dialogue = test[r][0], summary1 = test[r][1] })));
        // typed on a shell: \n stands for a newline
        int code = Invoke(EvaluateCommand.Create(), "--model", Model, "--data", data, "--reference-field", "summary1",
            "--template", "Summarize the following conversation:\\n\\n{dialogue}\\n\\nSummary:", "--max-new-tokens", "20",
            "--max-source-length", "128", "--out", dir.File("eval"));
        Assert.Equal(0, code);
        var predictions = PredictionsFile.Read(Path.Combine(dir.File("eval"), "predictions.jsonl"));
        Assert.Equal(hfGreedy, predictions.Select(p => p.Prediction));
        Assert.Equal($"Summarize the following conversation:\n\n{test[0][0]}\n\nSummary:", predictions[0].Source);
    }

    [Fact]
    public void Evaluate_PredictionsFile_ReproducesTheFixtureMetrics()
    {
        using var dir = new TempDir();
        string pairs = Path.Combine(SharedPaths.Hf2, "metrics_real", "dialogsum_test_0_250_single_ref", "pairs.jsonl");
        Assert.Equal(0, Invoke(EvaluateCommand.Create(), "--predictions", pairs, "--metrics", "bleu,chrf", "--out", dir.Path));
        var metrics = MetricsFile.Read(dir.File("metrics.json"));
        var fx = MetricFixture.Load("hf2:dialogsum_test_0_250_single_ref");
        Assert.Equal(fx.Reference.GetProperty("sacrebleu").GetProperty("score").GetDouble(), metrics.Metrics["bleu"], 1e-6);
        Assert.Equal(fx.Reference.GetProperty("chrf").GetProperty("score").GetDouble(), metrics.Metrics["chrf"], 1e-6);
        Assert.Equal(250, PredictionsFile.Read(dir.File("predictions.jsonl")).Count);
    }

    [Fact]
    public void Evaluate_UserErrors_ExitWithCode2()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("bad.jsonl"), "{\"prediction\": \"a\"}\n");
        Assert.Equal(CliErrors.UserError, Invoke(EvaluateCommand.Create(), "--predictions", dir.File("bad.jsonl")));
        Assert.Equal(CliErrors.UserError, Invoke(EvaluateCommand.Create(), "--predictions", dir.File("missing.jsonl")));
        Assert.Equal(CliErrors.UserError, Invoke(EvaluateCommand.Create(), "--data", dir.File("bad.jsonl")));
        Assert.Equal(CliErrors.UserError, Invoke(EvaluateCommand.Create(), "--predictions", dir.File("bad.jsonl"), "--model", Model));
        Assert.False(File.Exists(dir.File("metrics.json")));
    }

    [Fact]
    public void Compare_ModelAndPredictionsFile_WritesReportAndEachSystemsFiles()
    {
        using var dir = new TempDir();
        var (data, hfGreedy) = WriteData(dir);
        // A predictions file of the HF greedy texts stands in for a second model; it comes first, so it is the baseline.
        var references = RecordReader.ReadFields(data, "summary1").Select(r => r[0]).ToList();
        File.WriteAllLines(dir.File("hf.jsonl"), hfGreedy.Select((p, i) => JsonSerializer.Serialize(new { prediction = p, reference = references[i] })));
        string outDir = dir.File("cmp");
        int code = Invoke(CompareCommand.Create(), "--data", data, "--source-field", "prompt", "--reference-field", "summary1",
            "--system-predictions", "hf=" + dir.File("hf.jsonl"), "--system", "tiny=" + Model, "--max-new-tokens", "20",
            "--max-source-length", "128", "--batch-size", "4", "--out", outDir, "--examples", "2", "--bootstrap-seed", "3");
        Assert.Equal(0, code);
        foreach (var name in new[] { "hf", "tiny" })
        {
            Assert.True(File.Exists(Path.Combine(outDir, name, "predictions.jsonl")), name);
            Assert.True(File.Exists(Path.Combine(outDir, name, "metrics.json")), name);
        }
        Assert.Equal(hfGreedy, PredictionsFile.Read(Path.Combine(outDir, "tiny", "predictions.jsonl")).Select(p => p.Prediction));
        string md = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.Contains("baseline: **hf**", md);
        // Same texts, so the same scores: every change is zero.
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(md, @"\| tiny \| \+0\.00 \| \+0\.00 \| \+0\.00 \| \+0\.00 \| \+0\.00 \| \+0\.00 \|"), md);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(md, "### Example ").Count);
        Assert.True(File.Exists(Path.Combine(outDir, "report.html")));

        // A predictions file with a different number of examples is refused, naming the file.
        File.WriteAllLines(dir.File("short.jsonl"), [JsonSerializer.Serialize(new { prediction = "x", reference = references[0] })]);
        Assert.Equal(CliErrors.UserError, Invoke(CompareCommand.Create(), "--data", data, "--source-field", "prompt",
            "--reference-field", "summary1", "--system-predictions", "s=" + dir.File("short.jsonl"), "--out", dir.File("cmp2")));
        Assert.Equal(CliErrors.UserError, Invoke(CompareCommand.Create(), "--data", data, "--source-field", "prompt",
            "--reference-field", "summary1", "--system-predictions", "../x=" + dir.File("hf.jsonl"), "--out", dir.File("cmp3")));
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;
using T5Sharp.Cli.Commands;
using T5Sharp.Data;
using T5Sharp.Data.Readers;
using T5Sharp.Evaluation;
using T5Sharp.Tests.Support;
using static T5Sharp.Tests.Evaluation.EvaluateCliTests;

namespace T5Sharp.Tests.Evaluation;

/// <summary>
/// evaluate and compare read their data and predictions files through the one record reader: the same records as
/// Parquet, CSV or TSV give the same predictions and metrics as in JSONL, and list-valued references (JSON arrays,
/// Parquet list columns) give sacreBLEU's multi-reference scores.
/// </summary>
public class RecordFormatsCliTests
{
    public sealed class DataRow
    {
        [JsonPropertyName("prompt")] public string Prompt { get; set; } = "";
        [JsonPropertyName("summary1")] public string Summary1 { get; set; } = "";
        [JsonPropertyName("summary2")] public string Summary2 { get; set; } = "";
        [JsonPropertyName("summary3")] public string Summary3 { get; set; } = "";
    }

    public sealed class PairRow
    {
        [JsonPropertyName("prediction")] public string Prediction { get; set; } = "";
        [JsonPropertyName("reference")] public string Reference { get; set; } = "";
    }

    public sealed class MultiPairRow
    {
        [JsonPropertyName("prediction")] public string Prediction { get; set; } = "";
        [JsonPropertyName("reference")] public List<string> Reference { get; set; } = [];
    }

    public sealed class PredictionRow
    {
        [JsonPropertyName("index")] public int Index { get; set; }
        [JsonPropertyName("source")] public string Source { get; set; } = "";
        [JsonPropertyName("reference")] public List<string> Reference { get; set; } = [];
        [JsonPropertyName("prediction")] public string Prediction { get; set; } = "";
        [JsonPropertyName("scores")] public Dictionary<string, double> Scores { get; set; } = [];
    }

    static List<DataRecord> Records(string path) => RecordReader.Read(path).ToList();

    static string DataParquet(string jsonl, string path) => RecordFiles.WriteParquet(path, Records(jsonl).Select(r => new DataRow
        { Prompt = r.Get("prompt"), Summary1 = r.Get("summary1"), Summary2 = r.Get("summary2"), Summary3 = r.Get("summary3") }));

    static void AssertSameResults(string expectedDir, string actualDir)
    {
        var expected = PredictionsFile.Read(Path.Combine(expectedDir, PredictionsFile.FileName));
        var actual = PredictionsFile.Read(Path.Combine(actualDir, PredictionsFile.FileName));
        Assert.Equal(expected.Select(e => e.Source), actual.Select(e => e.Source));
        Assert.Equal(expected.Select(e => e.Prediction), actual.Select(e => e.Prediction));
        Assert.Equal(expected.Select(e => e.References), actual.Select(e => e.References));
        Assert.Equal(expected.Select(e => e.Scores), actual.Select(e => e.Scores));
        var m0 = MetricsFile.Read(Path.Combine(expectedDir, MetricsFile.FileName));
        var m1 = MetricsFile.Read(Path.Combine(actualDir, MetricsFile.FileName));
        Assert.Equal(m0.ExampleCount, m1.ExampleCount);
        Assert.Equal(m0.Metrics, m1.Metrics);
        Assert.Equal(m0.Intervals, m1.Intervals);
    }

    [Fact]
    public void Evaluate_ParquetAndCsvData_GiveTheJsonlPredictionsAndMetrics()
    {
        using var dir = new TempDir();
        var (jsonl, hfGreedy) = WriteData(dir);
        string[] files = [jsonl, DataParquet(jsonl, dir.File("data.parquet")), RecordFiles.WriteDelimited(dir.File("data.csv"), Records(jsonl))];
        foreach (var file in files)
        {
            int code = Invoke(EvaluateCommand.Create(), "--model", Model, "--data", file, "--source-field", "prompt",
                "--reference-field", "summary1,summary2,summary3", "--max-new-tokens", "20", "--max-source-length", "128",
                "--batch-size", "4", "--out", dir.File("eval-" + Path.GetExtension(file)[1..]));
            Assert.Equal(0, code);
        }
        var predictions = PredictionsFile.Read(dir.File("eval-jsonl/predictions.jsonl"));
        Assert.Equal(hfGreedy, predictions.Select(p => p.Prediction));
        Assert.All(predictions, p => Assert.Equal(3, p.References.Count));
        AssertSameResults(dir.File("eval-jsonl"), dir.File("eval-parquet"));
        AssertSameResults(dir.File("eval-jsonl"), dir.File("eval-csv"));

        // The written predictions (three references as a list, a scores object) as Parquet read back the same,
        // and scoring them gives the same metrics.
        var parquet = RecordFiles.WriteParquet(dir.File("predictions.parquet"), predictions.Select(p => new PredictionRow
            { Index = p.Index, Source = p.Source, Reference = [.. p.References], Prediction = p.Prediction, Scores = new(p.Scores) }));
        var read = PredictionsFile.Read(parquet);
        Assert.Equal(predictions.Select(p => p.References), read.Select(p => p.References));
        Assert.Equal(predictions.Select(p => p.Scores), read.Select(p => p.Scores));
        Assert.Equal(predictions.Select(p => p.Source), read.Select(p => p.Source));
        Assert.Equal(0, Invoke(EvaluateCommand.Create(), "--predictions", parquet, "--out", dir.File("rescored")));
        AssertSameResults(dir.File("eval-jsonl"), dir.File("rescored"));
    }

    [Fact]
    public void Evaluate_PredictionsAsParquetCsvTsv_GiveTheJsonlMetrics_AndSacreBleu()
    {
        using var dir = new TempDir();
        string pairs = Path.Combine(SharedPaths.Hf2, "metrics_real", "dialogsum_test_0_250_single_ref", "pairs.jsonl");
        var records = Records(pairs);
        string[] files =
        [
            pairs,
            RecordFiles.WriteParquet(dir.File("pairs.parquet"), records.Select(r => new PairRow { Prediction = r.Get("prediction"), Reference = r.Get("reference") })),
            RecordFiles.WriteDelimited(dir.File("pairs.csv"), records),
            RecordFiles.WriteDelimited(dir.File("pairs.tsv"), records, '\t'),
        ];
        foreach (var file in files)
            Assert.Equal(0, Invoke(EvaluateCommand.Create(), "--predictions", file, "--metrics", "rouge1,bleu,chrf",
                "--out", dir.File("eval-" + Path.GetExtension(file)[1..])));
        foreach (var format in new[] { "parquet", "csv", "tsv" }) AssertSameResults(dir.File("eval-jsonl"), dir.File("eval-" + format));
        var fx = MetricFixture.Load("hf2:dialogsum_test_0_250_single_ref");
        var metrics = MetricsFile.Read(dir.File("eval-csv/metrics.json"));
        Assert.Equal(fx.Reference.GetProperty("sacrebleu").GetProperty("score").GetDouble(), metrics.Metrics["bleu"], 1e-6);
        Assert.Equal(250, metrics.ExampleCount);
    }

    [Fact]
    public void ListReferences_InJsonArrayAndParquet_GiveSacreBleusMultiReferenceScores()
    {
        using var dir = new TempDir();
        var fx = MetricFixture.Load("hf2:dialogsum_test_0_250_multi_ref");
        var rows = fx.Predictions.Select((p, i) => new MultiPairRow { Prediction = p, Reference = [.. fx.References[i]] }).ToList();
        string json = dir.File("pairs.json");
        File.WriteAllText(json, JsonSerializer.Serialize(rows));
        string parquet = RecordFiles.WriteParquet(dir.File("pairs.parquet"), rows);
        foreach (var file in new[] { json, parquet })
        {
            string outDir = dir.File("eval-" + Path.GetExtension(file)[1..]);
            Assert.Equal(0, Invoke(EvaluateCommand.Create(), "--predictions", file, "--metrics", "bleu,chrf", "--out", outDir));
            var metrics = MetricsFile.Read(Path.Combine(outDir, "metrics.json"));
            Assert.Equal(fx.Reference.GetProperty("sacrebleu").GetProperty("score").GetDouble(), metrics.Metrics["bleu"], 1e-6);
            Assert.Equal(fx.Reference.GetProperty("chrf").GetProperty("score").GetDouble(), metrics.Metrics["chrf"], 1e-6);
            Assert.Equal(fx.References.Select(r => r.Count), PredictionsFile.Read(Path.Combine(outDir, "predictions.jsonl")).Select(p => p.References.Count));
        }
    }

    [Fact]
    public void EvaluationSet_ListField_InJsonlJsonParquet_EqualsSeveralCsvColumns()
    {
        using var dir = new TempDir();
        string data = Path.Combine(SharedPaths.Data, "dialogsum", "dialogsum.test.jsonl");
        var records = RecordReader.Read(data).Take(5).ToList();
        var rows = records.Select(r => new { dialogue = r.Get("dialogue"), summaries = new[] { r.Get("summary1"), r.Get("summary2"), r.Get("summary3") } }).ToList();
        File.WriteAllLines(dir.File("list.jsonl"), rows.Select(r => JsonSerializer.Serialize(r)));
        File.WriteAllText(dir.File("list.json"), JsonSerializer.Serialize(rows));
        RecordFiles.WriteParquet(dir.File("list.parquet"), rows.Select(r => new ListRow { Dialogue = r.dialogue, Summaries = [.. r.summaries] }));
        RecordFiles.WriteDelimited(dir.File("columns.csv"), records);

        var expected = EvaluationSet.Read(dir.File("columns.csv"), "dialogue", ["summary1", "summary2", "summary3"]);
        Assert.Equal(records.Select(r => r.Get("dialogue")), expected.Sources);
        Assert.Equal(records.Select(r => new[] { r.Get("summary1"), r.Get("summary2"), r.Get("summary3") }), expected.References);
        foreach (var file in new[] { "list.jsonl", "list.json", "list.parquet" })
        {
            var set = EvaluationSet.Read(dir.File(file), "dialogue", ["summaries"]);
            Assert.Equal(expected.Sources, set.Sources);
            Assert.Equal(expected.References, set.References);
        }
    }

    public sealed class ListRow
    {
        [JsonPropertyName("dialogue")] public string Dialogue { get; set; } = "";
        [JsonPropertyName("summaries")] public List<string> Summaries { get; set; } = [];
    }

    [Fact]
    public void Compare_ParquetAndCsvDataAndPredictions_GiveTheJsonlResults()
    {
        using var dir = new TempDir();
        var (jsonl, hfGreedy) = WriteData(dir);
        var references = RecordReader.ReadFields(jsonl, "summary1").Select(r => r[0]).ToList();
        // Two systems of known outputs: HF's greedy texts, and the first reference itself.
        var hf = hfGreedy.Select((p, i) => new PairRow { Prediction = p, Reference = references[i] }).ToList();
        var perfect = references.Select(r => new PairRow { Prediction = r, Reference = r }).ToList();
        File.WriteAllLines(dir.File("hf.jsonl"), hf.Select(r => JsonSerializer.Serialize(r)));
        File.WriteAllLines(dir.File("perfect.jsonl"), perfect.Select(r => JsonSerializer.Serialize(r)));
        DataParquet(jsonl, dir.File("data.parquet"));
        RecordFiles.WriteDelimited(dir.File("data.csv"), Records(jsonl));
        foreach (var name in new[] { "hf", "perfect" })
        {
            RecordFiles.WriteParquet(dir.File(name + ".parquet"), name == "hf" ? hf : perfect);
            RecordFiles.WriteDelimited(dir.File(name + ".csv"), Records(dir.File(name + ".jsonl")));
        }
        foreach (var format in new[] { "jsonl", "parquet", "csv" })
            Assert.Equal(0, Invoke(CompareCommand.Create(), "--data", dir.File("data." + format), "--source-field", "prompt",
                "--reference-field", "summary1", "--system-predictions", $"hf={dir.File("hf." + format)}",
                "--system-predictions", $"perfect={dir.File("perfect." + format)}", "--out", dir.File("cmp-" + format)));
        foreach (var format in new[] { "parquet", "csv" })
            foreach (var name in new[] { "hf", "perfect" })
                AssertSameResults(dir.File("cmp-jsonl/" + name), dir.File($"cmp-{format}/{name}"));
        Assert.Equal(hfGreedy, PredictionsFile.Read(dir.File("cmp-csv/hf/predictions.jsonl")).Select(p => p.Prediction));
        Assert.Equal(100, MetricsFile.Read(dir.File("cmp-parquet/perfect/metrics.json")).Metrics["bleu"], 1e-9);
        Assert.Equal(File.ReadAllText(dir.File("cmp-jsonl/report.md")), File.ReadAllText(dir.File("cmp-csv/report.md")));
    }
}

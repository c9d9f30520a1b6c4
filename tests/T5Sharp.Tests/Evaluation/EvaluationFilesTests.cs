using System.Text;
using T5Sharp.Data;
using T5Sharp.Evaluation;
using T5Sharp.Tests.Support;

namespace T5Sharp.Tests.Evaluation;

/// <summary>predictions.jsonl and metrics.json: round trips, reading evaluate-style pairs files, and errors naming file:line.</summary>
public class EvaluationFilesTests
{
    static readonly EvaluationExample[] Examples =
    [
        new(0, "Summarize: #Person1#: Hi.\n#Person2#: Hello!", ["Two people greet.", "They say hello."], "They greet — café ☕.",
            new Dictionary<string, double> { ["rouge1"] = 0.5, ["bleu"] = 12.25 }),
        new(1, "", ["\"Quoted\" <b>text</b>"], "", new Dictionary<string, double>()),
    ];

    [Fact]
    public void PredictionsFile_RoundTripsSourcesReferencesPredictionsAndScores()
    {
        using var dir = new TempDir();
        string path = dir.File("out/predictions.jsonl");
        PredictionsFile.Write(path, Examples);
        var read = PredictionsFile.Read(path);
        Assert.Equal(2, read.Count);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(Examples[i].Index, read[i].Index);
            Assert.Equal(Examples[i].Source, read[i].Source);
            Assert.Equal(Examples[i].References, read[i].References);
            Assert.Equal(Examples[i].Prediction, read[i].Prediction);
            Assert.Equal(Examples[i].Scores, read[i].Scores);
        }
        var lines = File.ReadAllLines(path);
        Assert.Equal(2, lines.Length);
        Assert.Contains("\"reference\":[\"Two people greet.\",", lines[0]); // several references: a list
        Assert.Contains("\"reference\":\"\\\"Quoted", lines[1]);              // one reference: a string
        Assert.Empty(Directory.GetFiles(dir.File("out"), "*.tmp-*"));          // written through a temporary file
    }

    [Fact]
    public void PredictionsFile_ReadsTheFixturePairsFile_WithoutSourcesOrScores()
    {
        var read = PredictionsFile.Read(Path.Combine(SharedPaths.Hf2, "metrics_real", "dialogsum_test_0_250_multi_ref", "pairs.jsonl"));
        var fx = MetricFixture.Load("hf2:dialogsum_test_0_250_multi_ref");
        Assert.Equal(fx.Predictions, read.Select(r => r.Prediction));
        Assert.Equal(fx.References.Select(r => string.Join("\u0001", r)), read.Select(r => string.Join("\u0001", r.References)));
        Assert.All(read, r => Assert.Equal("", r.Source));
    }

    [Theory]
    [InlineData("{\"prediction\": \"a\", \"reference\": \"b\"}\n{\"prediction\": \"a\", \"reference\": \n", ":2: not valid JSON")]
    [InlineData("{\"prediction\": \"a\", \"reference\": \"b\"}\n\n{\"reference\": \"b\"}\n", ":3: no field 'prediction'")]
    [InlineData("{\"prediction\": \"a\"}\n", ":1: no field 'reference'")]
    [InlineData("{\"prediction\": \"a\", \"reference\": 5}\n", ":1: field 'reference' is Number")]
    [InlineData("{\"prediction\": \"a\", \"reference\": []}\n", ":1: field 'reference' is an empty list")]
    [InlineData("{\"prediction\": \"a\", \"reference\": [\"x\", null]}\n", ":1: field 'reference' holds a Null")]
    [InlineData("{\"prediction\": 3, \"reference\": \"b\"}\n", ":1: field 'prediction' is Number")]
    [InlineData("{\"prediction\": \"a\", \"reference\": \"b\", \"scores\": {\"bleu\": \"x\"}}\n", ":1: scores.bleu is String")]
    [InlineData("[1, 2]\n", ":1: expected a JSON object")]
    [InlineData("\n\n", ": no records")]
    public void PredictionsFile_BadInput_NamesFileAndLine(string content, string expected)
    {
        using var dir = new TempDir();
        string path = dir.File("p.jsonl");
        File.WriteAllText(path, content);
        var ex = Assert.Throws<DataException>(() => PredictionsFile.Read(path));
        Assert.Contains(path + expected, ex.Message);
    }

    [Fact]
    public void PredictionsFile_NonUtf8Bytes_NameTheLine()
    {
        using var dir = new TempDir();
        string path = dir.File("latin1.jsonl");
        var bytes = new List<byte>(Encoding.UTF8.GetBytes("{\"prediction\": \"a\", \"reference\": \"b\"}\n{\"prediction\": \"caf"));
        bytes.Add(0xE9); // 'é' in Latin-1: not valid UTF-8
        bytes.AddRange(Encoding.UTF8.GetBytes("\", \"reference\": \"b\"}\n"));
        File.WriteAllBytes(path, bytes.ToArray());
        var ex = Assert.Throws<DataException>(() => PredictionsFile.Read(path));
        Assert.StartsWith($"{path}:2: not valid UTF-8", ex.Message);
        Assert.Contains("not found", Assert.Throws<DataException>(() => PredictionsFile.Read(dir.File("missing.jsonl"))).Message);
    }

    [Fact]
    public void MetricsFile_RoundTrips_AndNamesMissingKeys()
    {
        using var dir = new TempDir();
        string path = dir.File("metrics.json");
        var summary = new MetricsSummary(250, new Dictionary<string, double> { ["rouge1"] = 54.019025541584724, ["bleu"] = 29.34753482367303 },
            new Dictionary<string, MetricInterval> { ["rouge1"] = new(52.1, 54.0, 55.9) }, 12.5, 0.25);
        MetricsFile.Write(path, summary);
        var read = MetricsFile.Read(path);
        Assert.Equal(250, read.ExampleCount);
        Assert.Equal(summary.Metrics, read.Metrics);
        Assert.Equal(summary.Intervals, read.Intervals);
        Assert.Equal(12.5, read.GenerationSeconds);
        Assert.Equal(20.0, read.ExamplesPerSecond);

        File.WriteAllText(path, "{\"examples\": 3, \"metrics\": {\"rouge1\": \"high\"}}");
        Assert.Contains($"{path}: 'metrics.rouge1' is String", Assert.Throws<DataException>(() => MetricsFile.Read(path)).Message);
        File.WriteAllText(path, "{\"examples\": 3}");
        Assert.Contains($"{path}: no key 'metrics'", Assert.Throws<DataException>(() => MetricsFile.Read(path)).Message);
        File.WriteAllText(path, "{\"examples\": 3, \"metrics\": {}, \"intervals\": {\"rouge1\": {\"low\": 1, \"mid\": 2}}}");
        Assert.Contains("no key 'intervals.rouge1.high'", Assert.Throws<DataException>(() => MetricsFile.Read(path)).Message);
    }

    [Fact]
    public void EvaluationSet_ReadsSourceAndSeveralReferenceFields_WithLimit()
    {
        string path = Path.Combine(SharedPaths.Data, "dialogsum", "dialogsum.test.jsonl");
        var set = EvaluationSet.Read(path, "dialogue", ["summary1", "summary2", "summary3"], limit: 3);
        Assert.Equal(3, set.Sources.Count);
        Assert.All(set.References, r => Assert.Equal(3, r.Count));
        var first = T5Sharp.Data.Readers.RecordReader.ReadFields(path, "dialogue", "summary1", "summary2", "summary3")[0];
        Assert.Equal(first[0], set.Sources[0]);
        Assert.Equal(first[1..], set.References[0]);
        var ex = Assert.Throws<DataException>(() => EvaluationSet.Read(path, "dialogue", ["summary"], limit: 1));
        Assert.Contains($"{path}:1: no field 'summary'", ex.Message);
    }
}

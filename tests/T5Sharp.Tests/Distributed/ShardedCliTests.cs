using System.Text.Json;
using T5Sharp.Evaluation;
using T5Sharp.Tests.Support;

namespace T5Sharp.Tests.Distributed;

/// <summary>
/// `mpirun -np 2 t5sharp evaluate|generate --input-file` on the real tiny FLAN-T5 (hf2/tiny-flan-32k) and DialogSum
/// records: the ranks share the batches and rank 0 writes exactly what one process writes. 5 records in batches of 2
/// make 3 batches, so the last round is uneven (rank 1 has nothing) and its batch is short.
/// </summary>
[Trait("Category", "Mpi")]
public class ShardedCliTests
{
    static string Model => Path.Combine(SharedPaths.Hf2, "tiny-flan-32k");

    static string WriteRecords(TempDir dir, int count)
    {
        string path = dir.File("records.jsonl");
        File.WriteAllLines(path, File.ReadLines(Path.Combine(SharedPaths.Data, "dialogsum", "dialogsum.test.jsonl")).Take(count));
        return path;
    }

    [Fact]
    public void ShardedEvaluateWritesTheSamePredictionsAndMetricsAsOneProcess()
    {
        using var dir = new TempDir();
        string data = WriteRecords(dir, 5);
        string[] Args(string outDir) => ["evaluate", "--model", Model, "--data", data, "--reference-field", "summary1,summary2,summary3",
            "--max-new-tokens", "12", "--max-source-length", "96", "--batch-size", "2", "--out", outDir];
        var one = MpiRun.RunOne(Args(dir.File("one")));
        Assert.True(one.ExitCode == 0, one.Stderr);
        var two = MpiRun.Run(2, 4, Args(dir.File("two")));
        Assert.True(two.ExitCode == 0, two.Stderr);

        Assert.Equal(File.ReadAllBytes(dir.File("one/predictions.jsonl")), File.ReadAllBytes(dir.File("two/predictions.jsonl")));
        Assert.Equal(5, PredictionsFile.Read(dir.File("two/predictions.jsonl")).Count);
        var metricsOne = MetricsFile.Read(dir.File("one/metrics.json"));
        var metricsTwo = MetricsFile.Read(dir.File("two/metrics.json"));
        Assert.Equal(metricsOne.Metrics, metricsTwo.Metrics);
        Assert.Equal(metricsOne.Intervals, metricsTwo.Intervals);
        Assert.Equal(5, metricsTwo.ExampleCount);
        // rank 0 alone prints: one metric table, one progress end, and the truncation notice counts every rank's inputs
        Assert.Equal(one.Stdout, two.Stdout);
        Assert.Single(two.Stderr.Split('\n'), l => l.StartsWith("evaluate: 5/5 examples"));
        Assert.Single(two.Stderr.Split('\n'), l => l.StartsWith("evaluate: truncated"));
        Assert.Contains(one.Stderr.Split('\n').Single(l => l.StartsWith("evaluate: truncated")), two.Stderr);
    }

    [Theory]
    [InlineData(5, 2)]  // uneven last round, short last batch
    [InlineData(3, 1)]  // one record a batch: rank 1 idle in the last round
    public void ShardedGenerateWritesTheSameLinesAsOneProcess(int records, int batchSize)
    {
        using var dir = new TempDir();
        string input = WriteRecords(dir, records);
        // beams with two returned sequences and their scores: every output of every input, in input order
        string[] args = ["generate", "--model", Model, "--input-file", input, "--field", "dialogue", "--max-new-tokens", "10",
            "--max-source-length", "96", "--batch-size", batchSize.ToString(), "--num-beams", "2", "--num-return-sequences", "2", "--output-scores"];
        var one = MpiRun.RunOne(args);
        Assert.True(one.ExitCode == 0, one.Stderr);
        var two = MpiRun.Run(2, 4, args);
        Assert.True(two.ExitCode == 0, two.Stderr);

        Assert.Equal(one.Stdout, two.Stdout); // the same bytes: no terminal escapes, no rank-1 lines, same order
        var lines = two.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2 * records, lines.Count);
        var inputs = File.ReadLines(input).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("dialogue").GetString()).ToList();
        Assert.Equal(inputs.SelectMany(i => new[] { i, i }), lines.Select(l => l.GetProperty("input").GetString()));
        Assert.Single(two.Stderr.Split('\n'), l => l.StartsWith($"generate: {records}/{records} inputs"));
    }
}

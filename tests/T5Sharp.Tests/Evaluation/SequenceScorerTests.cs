using System.Text.Json;
using T5Sharp.Evaluation;
using T5Sharp.Pretrained;
using T5Sharp.Tests.Support;

namespace T5Sharp.Tests.Evaluation;

/// <summary>Per-example losses against transformers' batch-size-1 losses (hf2/generate_32k.json → t5_score).</summary>
public class SequenceScorerTests
{
    [Fact]
    public void BatchedPaddedScoresEqualHfPerExampleLosses()
    {
        var fixture = JsonDocument.Parse(File.ReadAllText(Path.Combine(SharedPaths.Hf2, "generate_32k.json"))).RootElement;
        string prompt = fixture.GetProperty("prompt").GetString()!;
        var expected = fixture.GetProperty("t5_score").GetProperty("records").EnumerateArray().Take(20).ToList();
        var tests = File.ReadLines(Path.Combine(SharedPaths.Data, "dialogsum", "dialogsum.test.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement).Take(20).ToList();
        var sources = tests.Select(r => prompt.Replace("{dialogue}", r.GetProperty("dialogue").GetString())).ToList();
        var targets = tests.Select(r => r.GetProperty("summary1").GetString()!).ToList();

        using var pretrained = PretrainedT5.Load(Path.Combine(SharedPaths.Hf2, "tiny-flan-32k"));
        // batches of 8 mix lengths, so padding of sources (masked) and labels (-100) is exercised
        var scores = SequenceScorer.Score(pretrained, sources, targets, batchSize: 8, maxSourceLength: 128, maxTargetLength: 48);

        Assert.Equal(expected.Count, scores.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].GetProperty("fname").GetString(), tests[i].GetProperty("fname").GetString());
            Assert.Equal(expected[i].GetProperty("n_label_tokens").GetInt32(), scores[i].TokenCount);
            Assert.Equal(expected[i].GetProperty("mean_ce").GetDouble(), scores[i].MeanLoss, 1e-4);
            Assert.Equal(expected[i].GetProperty("sum_ce").GetDouble(), scores[i].SumLoss, 2e-3); // a sum of ~40 float32 terms
        }
    }

    [Fact]
    public void MismatchedCountsAreRejected()
    {
        using var pretrained = PretrainedT5.Load(Path.Combine(SharedPaths.Hf2, "tiny-flan-32k"));
        var e = Assert.Throws<ArgumentException>(() => SequenceScorer.Score(pretrained, ["a", "b"], ["x"]));
        Assert.Contains("2 sources but 1 targets", e.Message);
    }
}

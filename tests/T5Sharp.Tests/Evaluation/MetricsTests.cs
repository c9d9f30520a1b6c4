using T5Sharp.Evaluation;

namespace T5Sharp.Tests.Evaluation;

/// <summary>The flat metric dictionary the trainer uses, against the hf2/metrics_real fixtures.</summary>
public class MetricsTests
{
    [Theory]
    [InlineData("hf2:dialogsum_test_0_250_single_ref")]
    [InlineData("hf2:dialogsum_test_0_250_multi_ref")]
    [InlineData("hf2:dialogsum_test_0_250_sentence_newlines")]
    public void Compute_MatchesEvaluateMeanRouge_SacreBleu_Chrf(string set)
    {
        var fx = MetricFixture.Load(set);
        // Fixtures split rougeLsum sentences on "\n" only, so turn our own sentence splitter off here.
        var result = Metrics.Compute(Metrics.Default, fx.Predictions, fx.References, new MetricOptions { SplitSentencesForLsum = false });
        var rouge = fx.Reference.GetProperty("rouge_use_stemmer_true").GetProperty("mean_fmeasure");
        foreach (var key in new[] { "rouge1", "rouge2", "rougeL", "rougeLsum" })
            Assert.Equal(rouge.GetProperty(key).GetDouble(), result[key], 1e-6);
        Assert.Equal(fx.Reference.GetProperty("sacrebleu").GetProperty("score").GetDouble(), result["bleu"], 1e-6);
        Assert.Equal(fx.Reference.GetProperty("chrf").GetProperty("score").GetDouble(), result["chrf"], 1e-6);
    }

    [Fact]
    public void Compute_SeededBootstrapAsPercent_IsEvaluateMidTimes100()
    {
        var fx = MetricFixture.Load("hf:pairs.jsonl");
        var result = Metrics.Compute(["rouge"], fx.Predictions, fx.References,
            new MetricOptions { SplitSentencesForLsum = false, UseBootstrap = true, BootstrapSeed = 0, RougeAsPercent = true });
        var mid = fx.Reference.GetProperty("rouge_use_stemmer_true").GetProperty("evaluate_bootstrap_mid");
        Assert.Equal(mid.GetProperty("rouge1").GetDouble() * 100, result["rouge1"], 1e-6);
        Assert.Equal(mid.GetProperty("rougeLsum").GetDouble() * 100, result["rougeLsum"], 1e-6);
        Assert.False(result.ContainsKey("bleu"));
    }

    [Fact]
    public void UnseededBootstrap_BracketsTheMean()
    {
        var fx = MetricFixture.Load("hf2:samsum_test_0_400_lead");
        var scorer = new RougeScorer(["rouge1", "rougeL"], useStemmer: true);
        var perPair = fx.Predictions.Select((p, i) => scorer.Score(p, fx.References[i][0])).ToArray();
        var mean = RougeAggregate.Mean(perPair);
        foreach (var (type, interval) in RougeAggregate.Bootstrap(perPair))
        {
            Assert.True(interval.Low.FMeasure < mean[type].FMeasure && mean[type].FMeasure < interval.High.FMeasure);
            Assert.True(Math.Abs(interval.Mid.FMeasure - mean[type].FMeasure) < 0.01, $"{type} mid far from mean");
        }
    }
}

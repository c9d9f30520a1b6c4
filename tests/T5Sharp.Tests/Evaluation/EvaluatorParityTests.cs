using T5Sharp.Evaluation;

namespace T5Sharp.Tests.Evaluation;

/// <summary>
/// The evaluator, fed the hf2/metrics_real pairs through a fake generator, reproduces rouge_score / sacrebleu's numbers:
/// corpus metrics, seeded bootstrap low/mid/high and per-example ROUGE F, all within 1e-6.
/// </summary>
public class EvaluatorParityTests
{
    const double Tol = 1e-6;
    static readonly string[] Types = ["rouge1", "rouge2", "rougeL", "rougeLsum"];

    // The fixtures split rougeLsum sentences on "\n" only (no sentence splitter), with the stemmer on.
    static readonly EvaluatorOptions FixtureOptions = new() { Metric = new MetricOptions { SplitSentencesForLsum = false } };

    public static IEnumerable<object[]> Sets() =>
        MetricFixture.Names().Where(n => ((string)n[0]).StartsWith("hf2:", StringComparison.Ordinal));

    /// <summary>Sources are "source i"; the generator looks each up, so a reordering or a dropped input would show.</summary>
    static EvaluationResult Run(MetricFixture fx, EvaluatorOptions options)
    {
        var sources = fx.Predictions.Select((_, i) => $"source {i}").ToList();
        return Evaluator.Evaluate(sources, fx.References,
            inputs => inputs.Select(s => fx.Predictions[int.Parse(s["source ".Length..])]).ToList(), options);
    }

    [Theory]
    [MemberData(nameof(Sets))]
    public void CorpusMetricsIntervalsAndPerExampleRouge_MatchTheFixture(string set)
    {
        var fx = MetricFixture.Load(set);
        var result = Run(fx, FixtureOptions);
        var rouge = fx.Reference.GetProperty("rouge_use_stemmer_true");
        var summary = result.Summary;

        Assert.Equal(fx.Predictions.Count, summary.ExampleCount);
        Assert.Equal(["rouge1", "rouge2", "rougeL", "rougeLsum", "bleu", "chrf"], summary.Metrics.Keys);
        foreach (var type in Types)
        {
            Assert.Equal(rouge.GetProperty("mean_fmeasure").GetProperty(type).GetDouble(), summary.Metrics[type], Tol);
            var lowHigh = rouge.GetProperty("bootstrap_low_high_fmeasure").GetProperty(type);
            Assert.Equal(lowHigh[0].GetDouble(), summary.Intervals[type].Low, Tol);
            Assert.Equal(rouge.GetProperty("evaluate_bootstrap_mid").GetProperty(type).GetDouble(), summary.Intervals[type].Mid, Tol);
            Assert.Equal(lowHigh[1].GetDouble(), summary.Intervals[type].High, Tol);
        }
        Assert.Equal(fx.Reference.GetProperty("sacrebleu").GetProperty("score").GetDouble(), summary.Metrics["bleu"], Tol);
        Assert.Equal(fx.Reference.GetProperty("chrf").GetProperty("score").GetDouble(), summary.Metrics["chrf"], Tol);

        int i = 0;
        foreach (var pair in rouge.GetProperty("per_pair").EnumerateArray())
        {
            var example = result.Examples[i];
            Assert.Equal(i, example.Index);
            Assert.Equal($"source {i}", example.Source);
            Assert.Equal(fx.Predictions[i], example.Prediction);
            foreach (var type in Types)
                Assert.True(Math.Abs(pair.GetProperty(type).GetProperty("fmeasure").GetDouble() - example.Scores[type]) <= Tol,
                    $"{set} example {i} {type}: {example.Scores[type]} vs {pair.GetProperty(type)}");
            Assert.InRange(example.Scores["bleu"], 0, 100 + 1e-9);
            i++;
        }
        Assert.Equal(fx.Predictions.Count, i);
    }

    [Fact]
    public void BootstrapAsPercent_ReportsEvaluateMidTimes100_AndScalesIntervalsAndExamples()
    {
        var fx = MetricFixture.Load("hf2:dialogsum_test_0_250_multi_ref");
        var options = FixtureOptions with
        {
            MetricNames = ["rouge"],
            Metric = FixtureOptions.Metric with { UseBootstrap = true, RougeAsPercent = true },
        };
        var result = Run(fx, options);
        var rouge = fx.Reference.GetProperty("rouge_use_stemmer_true");
        foreach (var type in Types)
        {
            double mid = rouge.GetProperty("evaluate_bootstrap_mid").GetProperty(type).GetDouble() * 100;
            Assert.Equal(mid, result.Summary.Metrics[type], Tol);
            Assert.Equal(mid, result.Summary.Intervals[type].Mid, Tol);
            Assert.Equal(rouge.GetProperty("bootstrap_low_high_fmeasure").GetProperty(type)[1].GetDouble() * 100,
                result.Summary.Intervals[type].High, Tol);
            Assert.Equal(rouge.GetProperty("per_pair")[7].GetProperty(type).GetProperty("fmeasure").GetDouble() * 100,
                result.Examples[7].Scores[type], Tol);
        }
        Assert.False(result.Summary.Metrics.ContainsKey("bleu"));
        Assert.False(result.Examples[0].Scores.ContainsKey("bleu"));
    }

    [Fact]
    public void NoStemmer_MatchesTheNoStemmerFixture()
    {
        var fx = MetricFixture.Load("hf2:samsum_test_0_400_lead");
        var options = FixtureOptions with { MetricNames = ["rouge1", "rougeL"], Metric = FixtureOptions.Metric with { UseStemmer = false } };
        var result = Run(fx, options);
        var rouge = fx.Reference.GetProperty("rouge_use_stemmer_false");
        Assert.Equal(["rouge1", "rougeL"], result.Summary.Metrics.Keys);
        Assert.Equal(rouge.GetProperty("mean_fmeasure").GetProperty("rougeL").GetDouble(), result.Summary.Metrics["rougeL"], Tol);
        // rouge1 comes first, so its bootstrap draws are the fixture's first 1000×n: same interval. rougeL's stream differs
        // from the fixture's (there it came third), so only its mean is comparable.
        var lowHigh = rouge.GetProperty("bootstrap_low_high_fmeasure").GetProperty("rouge1");
        Assert.Equal(lowHigh[0].GetDouble(), result.Summary.Intervals["rouge1"].Low, Tol);
        Assert.Equal(lowHigh[1].GetDouble(), result.Summary.Intervals["rouge1"].High, Tol);
    }
}

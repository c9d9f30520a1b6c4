using System.Text.Json;
using T5Sharp.Evaluation;

namespace T5Sharp.Tests.Evaluation;

/// <summary>ROUGE per pair, mean and seeded bootstrap against rouge_score 0.1.2 (fixtures), every value within 1e-6.</summary>
public class RougeParityTests
{
    static readonly string[] Types = ["rouge1", "rouge2", "rougeL", "rougeLsum"];
    const double Tol = 1e-6;

    public static IEnumerable<object[]> Cases() =>
        MetricFixture.Names().SelectMany(n => new[] { new[] { n[0], (object)true }, [n[0], false] });

    static (MetricFixture fx, JsonElement expected, IReadOnlyDictionary<string, RougeScore>[] perPair) Run(string set, bool stem)
    {
        var fx = MetricFixture.Load(set);
        var expected = fx.Reference.GetProperty(stem ? "rouge_use_stemmer_true" : "rouge_use_stemmer_false");
        var scorer = new RougeScorer(Types, useStemmer: stem);
        var perPair = fx.Predictions.Select((p, i) => fx.MultiRef ? scorer.ScoreMulti(p, fx.References[i]) : scorer.Score(p, fx.References[i][0])).ToArray();
        return (fx, expected, perPair);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PerPairPrecisionRecallF_MatchRougeScore(string set, bool stem)
    {
        var (fx, expected, perPair) = Run(set, stem);
        var pairs = expected.GetProperty("per_pair");
        Assert.Equal(pairs.GetArrayLength(), fx.Predictions.Count);
        int i = 0;
        foreach (var pair in pairs.EnumerateArray())
        {
            foreach (var type in Types)
            {
                var e = pair.GetProperty(type);
                var a = perPair[i][type];
                var where = $"{set} pair {i} {type} stem={stem}";
                Assert.True(Math.Abs(e.GetProperty("precision").GetDouble() - a.Precision) <= Tol, $"{where} P {a.Precision} vs {e}");
                Assert.True(Math.Abs(e.GetProperty("recall").GetDouble() - a.Recall) <= Tol, $"{where} R {a.Recall} vs {e}");
                Assert.True(Math.Abs(e.GetProperty("fmeasure").GetDouble() - a.FMeasure) <= Tol, $"{where} F {a.FMeasure} vs {e}");
            }
            i++;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MeanAndSeededBootstrap_MatchRougeScore(string set, bool stem)
    {
        var (_, expected, perPair) = Run(set, stem);
        var mean = RougeAggregate.Mean(perPair);
        var boot = RougeAggregate.Bootstrap(perPair, seed: (uint)expected.GetProperty("bootstrap_seed").GetInt32());
        foreach (var type in Types)
        {
            Assert.Equal(expected.GetProperty("mean_fmeasure").GetProperty(type).GetDouble(), mean[type].FMeasure, Tol);
            Assert.Equal(expected.GetProperty("evaluate_bootstrap_mid").GetProperty(type).GetDouble(), boot[type].Mid.FMeasure, Tol);
            var lowHigh = expected.GetProperty("bootstrap_low_high_fmeasure").GetProperty(type);
            Assert.Equal(lowHigh[0].GetDouble(), boot[type].Low.FMeasure, Tol);
            Assert.Equal(lowHigh[1].GetDouble(), boot[type].High.FMeasure, Tol);
        }
    }
}

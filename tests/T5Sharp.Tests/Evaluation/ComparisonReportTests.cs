using System.Globalization;
using System.Text.RegularExpressions;
using T5Sharp.Evaluation;
using T5Sharp.Tests.Support;

namespace T5Sharp.Tests.Evaluation;

/// <summary>
/// The comparison report on the DialogSum fixture pairs: "human" (summary1 against summary2, numbers from rouge_score /
/// sacrebleu) as the baseline and a perfect system (predictions = references: ROUGE 100, BLEU 100, chrF 100), so every
/// number and delta in the report is known from the fixture.
/// </summary>
public class ComparisonReportTests
{
    static readonly EvaluatorOptions Options = new()
    {
        Metric = new MetricOptions { SplitSentencesForLsum = false, RougeAsPercent = true },
    };

    static string F2(double v) => v.ToString("F2", CultureInfo.InvariantCulture);

    static (ComparisonReport report, MetricFixture fx) Build(int samples = 3, uint seed = 0)
    {
        var fx = MetricFixture.Load("hf2:dialogsum_test_0_250_single_ref");
        var sources = fx.Predictions.Select(_ => "").ToList();
        var human = Evaluator.Score(sources, fx.References, fx.Predictions, Options);
        var perfect = Evaluator.Score(sources, fx.References, fx.References.Select(r => r[0]).ToList(), Options);
        return (new ComparisonReport([new("human", human), new("perfect", perfect)], samples, seed), fx);
    }

    [Fact]
    public void Markdown_HasFixtureScoresWithIntervals_AndDeltasVsTheFirstSystem()
    {
        var (report, fx) = Build();
        string md = report.ToMarkdown();
        var rouge = fx.Reference.GetProperty("rouge_use_stemmer_true");
        foreach (var type in new[] { "rouge1", "rouge2", "rougeL", "rougeLsum" })
        {
            double mean = rouge.GetProperty("mean_fmeasure").GetProperty(type).GetDouble() * 100;
            var lowHigh = rouge.GetProperty("bootstrap_low_high_fmeasure").GetProperty(type);
            Assert.Contains($"{F2(mean)} [{F2(lowHigh[0].GetDouble() * 100)}, {F2(lowHigh[1].GetDouble() * 100)}]", md);
            Assert.Equal(100 - mean, report.Delta(report.Systems[1], type)!.Value, 1e-9);
        }
        double bleu = fx.Reference.GetProperty("sacrebleu").GetProperty("score").GetDouble();
        double chrf = fx.Reference.GetProperty("chrf").GetProperty("score").GetDouble();
        double r1 = rouge.GetProperty("mean_fmeasure").GetProperty("rouge1").GetDouble() * 100;
        // Change table row of "perfect": +(100 − human) for each metric, in the metric order rouge1, rouge2, rougeL, rougeLsum, bleu, chrf.
        var row = md.Split('\n').Single(l => l.StartsWith("| perfect |") && l.Contains('+'));
        Assert.StartsWith($"| perfect | +{F2(100 - r1)} |", row);
        Assert.EndsWith($"| +{F2(100 - bleu)} | +{F2(100 - chrf)} |", row.TrimEnd());
        Assert.Contains($"| human | {F2(r1)} [", md);
        Assert.Contains($"| {F2(bleu)} | {F2(chrf)} |", md);
        Assert.Contains("100.00 [100.00, 100.00]", md);
    }

    [Fact]
    public void Html_SameNumbers_SelfContained()
    {
        var (report, fx) = Build();
        string html = report.ToHtml();
        double bleu = fx.Reference.GetProperty("sacrebleu").GetProperty("score").GetDouble();
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("<style>", html);
        Assert.Contains($">{F2(bleu)}<", html);
        Assert.Contains($">+{F2(100 - bleu)}<", html);
        Assert.DoesNotMatch(new Regex(@"(src|href)\s*=", RegexOptions.IgnoreCase), html);
        Assert.DoesNotMatch(new Regex(@"<(script|link|img|iframe)\b|@import|url\(", RegexOptions.IgnoreCase), html);
        Assert.DoesNotContain("http", html);
    }

    [Fact]
    public void SampledExamples_AreSeededDistinctSorted_AndShownWithReferenceAndEachPrediction()
    {
        var (a, fx) = Build(samples: 4, seed: 7);
        var (b, _) = Build(samples: 4, seed: 7);
        var (c, _) = Build(samples: 4, seed: 8);
        Assert.Equal(a.SampledExamples, b.SampledExamples);
        Assert.NotEqual(a.SampledExamples, c.SampledExamples);
        Assert.Equal(4, a.SampledExamples.Distinct().Count());
        Assert.Equal(a.SampledExamples.Order(), a.SampledExamples);
        Assert.All(a.SampledExamples, i => Assert.InRange(i, 0, fx.Predictions.Count - 1));
        string md = a.ToMarkdown();
        foreach (int i in a.SampledExamples)
        {
            Assert.Contains($"### Example {i}", md);
            Assert.Contains($"| human | {fx.Predictions[i].Replace("<", "&lt;").Replace(">", "&gt;").Replace("|", "\\|")} |", md.Replace("&amp;", "&"));
        }
        Assert.Equal(Enumerable.Range(0, 250), Build(samples: 1000).report.SampledExamples);
    }

    [Fact]
    public void UntrustedText_IsEscaped_InHtmlAndMarkdown()
    {
        const string evil = "<script>alert('x')</script> & \"q\" | pipe\nsecond line";
        IReadOnlyList<IReadOnlyList<string>> refs = [["a <b>bold</b> reference"], ["plain"]];
        var one = Evaluator.Score(["src <i>", "s"], refs, [evil, "plain"], new EvaluatorOptions { MetricNames = ["rouge1"] });
        var two = Evaluator.Score(["src <i>", "s"], refs, ["x", "plain"], new EvaluatorOptions { MetricNames = ["rouge1"] });
        var report = new ComparisonReport([new("a<b>", one), new("b", two)], sampleCount: 2);
        string html = report.ToHtml();
        Assert.DoesNotContain("<script>", html);
        Assert.DoesNotContain("<b>bold", html);
        Assert.DoesNotContain("a<b>", html);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot; | pipe\nsecond line", html);
        Assert.Contains("src &lt;i&gt;", html);
        string md = report.ToMarkdown();
        Assert.Contains("&lt;script&gt;alert('x')&lt;/script&gt; &amp; \"q\" \\| pipe<br>second line", md);
        Assert.DoesNotContain("<script>", md);
    }

    [Fact]
    public void DifferentExamples_AreRejected_NamingTheSystem()
    {
        var one = Evaluator.Score(["s0", "s1"], [["a b"], ["c d"]], ["a", "c"]);
        var other = Evaluator.Score(["s0", "s1"], [["a b"], ["c e"]], ["a", "c"]);
        var fewer = Evaluator.Score(["s0"], [["a b"]], ["a"]);
        Assert.Contains("Example 1: the references of 'y' differ", Assert.Throws<ArgumentException>(() => new ComparisonReport([new("x", one), new("y", other)])).Message);
        Assert.Contains("'y' has 1 examples but 'x' has 2", Assert.Throws<ArgumentException>(() => new ComparisonReport([new("x", one), new("y", fewer)])).Message);
        Assert.Contains("Two systems are named 'x'", Assert.Throws<ArgumentException>(() => new ComparisonReport([new("x", one), new("x", one)])).Message);
        Assert.Throws<ArgumentException>(() => new ComparisonReport([]));
    }

    [Fact]
    public void Write_PutsBothFilesInTheFolder()
    {
        using var dir = new TempDir();
        var (report, _) = Build();
        report.Write(dir.File("report"));
        Assert.Equal(report.ToMarkdown(), File.ReadAllText(dir.File("report/report.md")));
        Assert.Equal(report.ToHtml(), File.ReadAllText(dir.File("report/report.html")));
    }

    [Fact]
    public void MetricsTable_AlignsSystemsAndShowsIntervals()
    {
        var (report, fx) = Build();
        var table = MetricsTable.Format(report.Systems.Select(s => (s.Name, s.Result.Summary)).ToList()).Split('\n');
        double r2 = fx.Reference.GetProperty("rouge_use_stemmer_true").GetProperty("mean_fmeasure").GetProperty("rouge2").GetDouble() * 100;
        Assert.Matches(@"^system\s+rouge1\s+rouge2\s+rougeL\s+rougeLsum\s+bleu\s+chrf\s+examples$", table[0]);
        Assert.StartsWith("human ", table[1]);
        Assert.Contains($" {F2(r2)} [", table[1]);
        Assert.EndsWith(" 250", table[1]);
        Assert.Equal(table[1].Length, table[2].Length);
    }
}

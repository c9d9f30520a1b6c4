using T5Sharp.Evaluation;

namespace T5Sharp.Tests.Reports;

/// <summary>`compare`'s page draws its figures: an interval plot per metric with one point per system (and error bars
/// where the metric has a bootstrap interval), the output-length distribution of each system and of the references,
/// and the per-example scatter of the baseline against each other system with one point per example.</summary>
public class ComparisonPlotsTests
{
    [Fact]
    public void ComparePage_HasIntervalLengthAndScatterPlots_WithOnePointPerSystemOrExample()
    {
        string[] sources = ["a", "b", "c", "d", "e", "f", "g"];
        IReadOnlyList<IReadOnlyList<string>> refs = [.. new[]
        {
            "the cat sat on the mat", "two people plan lunch at noon", "he lost his keys again", "she will call tomorrow",
            "they agree to meet at the station", "the report is due friday", "a short one",
        }.Select(r => (IReadOnlyList<string>)[r])];
        var options = new EvaluatorOptions { MetricNames = ["rouge1", "rougeL", "bleu"] };
        var zeroShot = Evaluator.Score(sources, refs, ["cat", "lunch", "keys", "call", "meet", "report", "one"], options);
        var tuned = Evaluator.Score(sources, refs, ["the cat sat on a mat", "two people plan lunch", "he lost keys", "she calls tomorrow",
            "they meet at the station", "the report is due on friday", "a short one"], options);
        var report = new ComparisonReport([new("zero-shot", zeroShot), new("fine-tuned", tuned)]);
        var figures = SvgCount.Figures(report.ToHtml());

        Assert.Equal(new[] { "interval-rouge1", "interval-rougeL", "interval-bleu", "lengths", "scatter-rougeL" }.Order(), figures.Keys.Order());
        foreach (string metric in new[] { "rouge1", "rougeL", "bleu" })
        {
            Assert.Equal([1, 1], SvgCount.Markers(figures["interval-" + metric])); // one point per system
            // error bars (vertical line + two caps per system) only where the metric has a bootstrap interval
            bool hasInterval = zeroShot.Summary.Intervals.ContainsKey(metric);
            Assert.Equal(hasInterval, metric.StartsWith("rouge", StringComparison.Ordinal));
            Assert.Equal(hasInterval ? 2 : 0, SvgCount.LineVertices(figures["interval-" + metric]).Count);
        }
        // lengths: references + each system, one point per length bin (the longest text has 7 words → 8 bins of 1: 0..7)
        Assert.Equal([8, 8, 8], SvgCount.Markers(figures["lengths"]));
        // the scatter: one point per example for the one system compared with the baseline; the diagonal is a 2-vertex line
        Assert.Equal([7], SvgCount.Markers(figures["scatter-rougeL"]));
        Assert.Equal([2], SvgCount.LineVertices(figures["scatter-rougeL"]));
        Assert.Contains("(plots/lengths.svg)", report.ToMarkdown());
    }
}

using System.Text.Json;
using T5Sharp.Data;
using T5Sharp.Tests.Support;
using T5Sharp.Tokenization;

namespace T5Sharp.Tests.Data;

public class TruncationReportTests
{
    [Fact]
    public void CountsAndPercentilesFollowHfTokenLengths()
    {
        // HF T5Tokenizer ids of DialogSum test dialogues 0..199 (tokenizer_real.json): their lengths are the reference.
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(SharedPaths.Hf2, "tokenizer_real.json")));
        var entries = doc.RootElement.GetProperty("entries").EnumerateArray()
            .Where(e => e.GetProperty("source").GetString() == "dialogsum_test" && e.GetProperty("field").GetString() == "dialogue")
            .Select(e => (Text: e.GetProperty("text").GetString()!, Length: e.GetProperty("input_ids").GetArrayLength())).ToArray();
        Assert.Equal(200, entries.Length);
        var examples = entries.Select((e, i) => new Seq2SeqExample(e.Text, "short", new RecordLocation("t", i + 1))).ToList();

        var report = Seq2SeqTokenizedDataset.Create(examples, T5Tokenizer.FromFolder(SharedPaths.RealTokenizer), 128, 48).Report;

        int[] lengths = entries.Select(e => e.Length).Order().ToArray();
        Assert.Equal(lengths.Count(l => l > 128), report.SourcesTruncated);
        Assert.Equal(0, report.TargetsTruncated);
        Assert.Equal(report.SourcesTruncated, report.ExamplesTruncated);
        Assert.Equal(lengths[^1], report.SourceLengths.Max);
        // numpy.percentile(linear) at rank q/100*(n-1) = 99.5 for q = 50 with n = 200: halfway between sorted[99] and sorted[100].
        Assert.Equal((lengths[99] + lengths[100]) / 2.0, report.SourceLengths.P50, 9);
        Assert.Equal(lengths[179] + 0.1 * (lengths[180] - lengths[179]), report.SourceLengths.P90, 9);
        Assert.Equal(2, report.TargetLengths.Max); // "short" + </s>
    }

    [Theory]
    // numpy.percentile([1, 2, 3, 4, 10], q): linear interpolation between closest ranks.
    [InlineData(50, 3.0)]
    [InlineData(90, 7.6)]
    [InlineData(99, 9.76)]
    [InlineData(100, 10.0)]
    [InlineData(0, 1.0)]
    public void PercentileIsNumpyLinear(double q, double expected) =>
        Assert.Equal(expected, LengthStats.Percentile([1, 2, 3, 4, 10], q), 12);
}

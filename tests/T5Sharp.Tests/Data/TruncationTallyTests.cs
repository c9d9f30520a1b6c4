using T5Sharp.Data;
using T5Sharp.Tests.Support;
using T5Sharp.Tokenization;

namespace T5Sharp.Tests.Data;

/// <summary>The one truncation count every tokenizing verb reports (issue 16, item 7).</summary>
public class TruncationTallyTests
{
    static readonly T5Tokenizer Tokenizer = T5Tokenizer.FromFolder(SharedPaths.RealTokenizer);

    [Fact]
    public void Counts_cut_sources_and_targets_over_batches_with_the_lengths_before_cutting()
    {
        string[] texts = ["short", "a much longer text that will surely need more than eight tokens to encode", "one two three four five six seven eight nine"];
        int[] lengths = texts.Select(t => Tokenizer.Encode(t).Length).ToArray();
        var tally = new TruncationTally();
        tally.Add(Tokenizer.EncodeBatch(texts[..2], maxLength: 8), Tokenizer.EncodeBatch(["ok", "ok"], maxLength: 8));
        tally.Add(Tokenizer.EncodeBatch(texts[2..], maxLength: 8), Tokenizer.EncodeBatch(["this target is far too long for four", ], maxLength: 4));
        var report = tally.Report();
        Assert.Equal(3, report.Examples);
        Assert.Equal(lengths.Count(l => l > 8), report.SourcesTruncated);
        Assert.Equal(1, report.TargetsTruncated);
        Assert.Equal(2, report.ExamplesTruncated);
        Assert.Equal(8, report.MaxSourceLength);
        Assert.Equal(4, report.MaxTargetLength);
        Assert.Equal(lengths.Max(), report.SourceLengths.Max);
        Assert.Equal($"truncated 2 of 3 sources to 8 tokens (the longest had {lengths.Max()}); 1 of 3 targets to 4 tokens " +
                     $"(the longest had {report.TargetLengths.Max})", report.Notice("sources"));
    }

    [Fact]
    public void Nothing_cut_means_no_notice()
    {
        var tally = new TruncationTally();
        tally.Add(Tokenizer.EncodeBatch(["short", "also short"], maxLength: 64));
        Assert.Null(tally.Report().Notice());
        Assert.Equal(0, tally.Report().TargetLengths.Count);
    }
}

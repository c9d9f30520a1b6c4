using T5Sharp.Evaluation;

namespace T5Sharp.Tests.Evaluation;

/// <summary>The rule-based stand-in for nltk.sent_tokenize: what it must split and what it must keep together.</summary>
public class SentenceSplitterTests
{
    [Fact]
    public void SplitsOnTerminalPunctuationBeforeCapitals() =>
        Assert.Equal(["Amanda baked cookies.", "Jerry will come!", "Is it 3 pm?", "\"Yes.\""],
            SentenceSplitter.Split("Amanda baked cookies. Jerry will come! Is it 3 pm? \"Yes.\""));

    [Fact]
    public void KeepsAbbreviationsInitialsAndDecimalsTogether() =>
        Assert.Equal(["Mr. Smith met Dr. J. Doe at 3.30 p.m. today.", "They left."],
            SentenceSplitter.Split("Mr. Smith met Dr. J. Doe at 3.30 p.m. today. They left."));

    [Fact]
    public void NewlinesAlwaysSplit_AndNothingEmptyIsReturned() =>
        Assert.Equal(["one", "two three"], SentenceSplitter.Split("one\n\n  two three \n"));

    [Fact]
    public void SplitSummaries_ChangesRougeLsumOnly()
    {
        var plain = new RougeScorer(["rouge1", "rougeLsum"]);
        var split = new RougeScorer(["rouge1", "rougeLsum"], splitSummaries: true);
        const string pred = "the cat sat. the dog ran.", reference = "The dog ran. The cat sat.";
        Assert.Equal(plain.Score(pred, reference)["rouge1"], split.Score(pred, reference)["rouge1"]);
        // one sentence each: LCS of the whole text is 3 of 6 tokens; split: union-LCS recovers all 6.
        Assert.Equal(0.5, plain.Score(pred, reference)["rougeLsum"].FMeasure, 1e-12);
        Assert.Equal(1.0, split.Score(pred, reference)["rougeLsum"].FMeasure, 1e-12);
    }
}

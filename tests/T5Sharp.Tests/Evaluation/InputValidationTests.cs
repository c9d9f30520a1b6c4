using T5Sharp.Evaluation;

namespace T5Sharp.Tests.Evaluation;

/// <summary>Bad input behaves like rouge_score / sacrebleu or fails with one clear ArgumentException.</summary>
public class InputValidationTests
{
    [Fact]
    public void Rouge_EmptyPredictionOrReference_GivesZero_LikeRougeScore()
    {
        var scorer = new RougeScorer(["rouge1", "rouge2", "rougeL", "rougeLsum"], useStemmer: true);
        foreach (var (p, r) in new[] { ("", "some words"), ("some words", ""), ("!!! ...", "some words"), ("", "") })
            foreach (var score in scorer.Score(p, r).Values)
                Assert.Equal(new RougeScore(0, 0, 0), score);
    }

    [Fact]
    public void Rouge_NullAndUnknownTypes_Throw()
    {
        var scorer = new RougeScorer(["rouge1"]);
        Assert.Throws<ArgumentNullException>(() => scorer.Score(null!, "x"));
        Assert.Throws<ArgumentNullException>(() => scorer.Score("x", null!));
        Assert.Contains("rouge0", Assert.Throws<ArgumentException>(() => new RougeScorer(["rouge0"])).Message);
        Assert.Contains("rougeX", Assert.Throws<ArgumentException>(() => new RougeScorer(["rougeX"])).Message);
        Assert.Throws<ArgumentException>(() => scorer.ScoreMulti("x", []));
    }

    [Fact]
    public void Bleu_MismatchedCounts_NamesBothCounts()
    {
        var ex = Assert.Throws<ArgumentException>(() => Bleu.Corpus(["a", "b", "c"], [["a", "b"]]));
        Assert.Contains("2 lines", ex.Message);
        Assert.Contains("3 predictions", ex.Message);
        Assert.Throws<ArgumentException>(() => Chrf.Corpus(["a"], [["a", "b"]]));
    }

    [Fact]
    public void Bleu_NullPrediction_AndAllEmptyReferences_Throw()
    {
        Assert.Contains("Prediction 1", Assert.Throws<ArgumentException>(() => Bleu.Corpus(["a", null!], [["a", "b"]])).Message);
        Assert.Contains("Segment 0", Assert.Throws<ArgumentException>(() => Bleu.Corpus(["a"], [[""]])).Message);
    }

    [Fact]
    public void Bleu_VariableReferenceCounts_SignatureSaysVar()
    {
        var bleu = Bleu.Corpus(["the cat sat", "a dog ran"], [["the cat sat", "a dog ran"], ["the cat", ""]]);
        Assert.StartsWith("nrefs:var|", bleu.Signature);
        Assert.Equal(100.0, Bleu.Corpus(["the cat sat on the mat"], [["the cat sat on the mat"]]).Score, 1e-9);
    }

    [Fact]
    public void Metrics_MismatchedCounts_NamesBothCounts()
    {
        var ex = Assert.Throws<ArgumentException>(() => Metrics.Compute(Metrics.Default, ["a", "b"], ["a"]));
        Assert.Contains("2 predictions", ex.Message);
        Assert.Contains("1 references", ex.Message);
        Assert.Throws<ArgumentException>(() => Metrics.Compute(["meteor"], ["a"], ["a"]));
        Assert.Throws<ArgumentException>(() => Metrics.Compute(Metrics.Default, [], Array.Empty<string>()));
    }

    [Fact]
    public void Aggregate_RejectsEmptyAndMixedTypes()
    {
        Assert.Throws<ArgumentException>(() => RougeAggregate.Mean([]));
        var a = new RougeScorer(["rouge1"]).Score("a b", "a c");
        var b = new RougeScorer(["rouge2"]).Score("a b", "a c");
        Assert.Throws<ArgumentException>(() => RougeAggregate.Mean([a, b]));
    }
}

using T5Sharp.Evaluation;

namespace T5Sharp.Tests.Evaluation;

/// <summary>Bad input to the evaluator: rouge_score/sacrebleu behaviour where they define it, else one clear error.</summary>
public class EvaluatorInputTests
{
    static readonly IReadOnlyList<string> Sources = ["s0", "s1"];
    static readonly IReadOnlyList<IReadOnlyList<string>> Refs = [["the cat sat on the mat"], ["a dog ran"]];

    [Fact]
    public void EmptyPrediction_ScoresZero_LikeRougeScoreAndSacreBleu()
    {
        var result = Evaluator.Score(Sources, Refs, ["", "a dog ran"]);
        Assert.All(result.Examples[0].Scores.Values, v => Assert.Equal(0.0, v));
        Assert.Equal(1.0, result.Examples[1].Scores["rouge1"], 1e-12);
        Assert.Equal(100.0, result.Examples[1].Scores["bleu"], 1e-9);
        Assert.Equal(0.5, result.Summary.Metrics["rouge1"], 1e-12); // mean of 0 and 1
    }

    [Fact]
    public void EmptyReference_IsZeroForRouge_ButAnErrorForBleu()
    {
        IReadOnlyList<IReadOnlyList<string>> refs = [[""], ["a dog ran"]];
        var rougeOnly = Evaluator.Score(Sources, refs, ["x", "a dog ran"], new EvaluatorOptions { MetricNames = ["rouge"] });
        Assert.Equal(0.0, rougeOnly.Examples[0].Scores["rougeL"]);
        var ex = Assert.Throws<ArgumentException>(() => Evaluator.Score(Sources, refs, ["x", "a dog ran"]));
        Assert.Contains("Example 0 has only empty references", ex.Message);
        // sacreBLEU skips an empty reference when another one is left.
        var multi = Evaluator.Score(Sources, [["", "the cat sat on the mat"], ["a dog ran", "a dog ran"]], ["the cat sat on the mat", "a dog ran"]);
        Assert.Equal(100.0, multi.Examples[0].Scores["bleu"], 1e-9);
    }

    [Fact]
    public void MismatchedCounts_NameBothCounts()
    {
        var ex = Assert.Throws<ArgumentException>(() => Evaluator.Score(Sources, Refs, ["a", "b", "c"]));
        Assert.Contains("3 predictions but 2 examples", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Evaluator.Score(["s0"], Refs, ["a"]));
        Assert.Contains("1 sources but 2 references", ex.Message);
        var bad = Assert.Throws<InvalidOperationException>(() => Evaluator.Evaluate(Sources, Refs, s => ["only one"]));
        Assert.Contains("returned 1 predictions for 2 sources", bad.Message);
        Assert.Throws<ArgumentException>(() => Evaluator.Score([], [], []));
        Assert.Contains("Prediction 1 is null", Assert.Throws<ArgumentException>(() => Evaluator.Score(Sources, Refs, ["a", null!])).Message);
    }

    [Fact]
    public void BleuWithVaryingReferenceCounts_IsAnError_RougeIsNot()
    {
        IReadOnlyList<IReadOnlyList<string>> refs = [["the cat sat", "a cat sat"], ["a dog ran"]];
        var ex = Assert.Throws<ArgumentException>(() => Evaluator.Score(Sources, refs, ["the cat sat", "a dog ran"]));
        Assert.Contains("same number of references", ex.Message);
        var rouge = Evaluator.Score(Sources, refs, ["the cat sat", "a dog ran"], new EvaluatorOptions { MetricNames = ["rouge1"] });
        Assert.Equal(1.0, rouge.Summary.Metrics["rouge1"], 1e-12);
    }

    [Fact]
    public void Generator_SeesTheSources_AndTimingIsMeasured()
    {
        IReadOnlyList<string>? seen = null;
        var result = Evaluator.Evaluate(Sources, Refs, s => { seen = s; Thread.Sleep(20); return ["the cat sat on the mat", "a dog ran"]; });
        Assert.Equal(Sources, seen);
        Assert.True(result.Summary.GenerationSeconds >= 0.015, $"{result.Summary.GenerationSeconds}");
        Assert.Equal(100.0, result.Summary.Metrics["bleu"], 1e-9);
    }
}

using T5Sharp.Evaluation;

namespace T5Sharp.Tests.Evaluation;

/// <summary>Expected values published in sacrebleu's own test suite (test/test_bleu.py, test/test_sentence_bleu.py).</summary>
public class BleuReferenceCaseTests
{
    static readonly IReadOnlyList<string>[] ReadmeRefs =
    [
        ["The dog bit the man.", "It was not unexpected.", "The man bit him first."],
        ["The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."],
    ];

    [Fact]
    public void ReadmeExample_TwoReferenceStreams_Gives48_530827()
    {
        var bleu = Bleu.Corpus(["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."], ReadmeRefs);
        Assert.Equal(48.530827, bleu.Score, 1e-6);
        Assert.Equal("nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0", bleu.Signature);
    }

    [Fact]
    public void EmptyHypotheses_AreKept_AndScoreZero()
    {
        var bleu = Bleu.Corpus(["", "", ""], ReadmeRefs);
        Assert.Equal(0.0, bleu.Score);
        Assert.Equal(0, bleu.SysLen);
    }

    [Fact]
    public void SentenceBleu_ExpSmoothingEffectiveOrder_Gives8_493()
    {
        var bleu = Bleu.Sentence("Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;",
            ["producţia de zahăr brut se exprimă în zahăr alb;"]);
        Assert.Equal(8.493, bleu.Score, 1e-3);
        Assert.Equal("nrefs:1|case:mixed|eff:yes|tok:13a|smooth:exp|version:2.6.0", bleu.Signature);
    }

    [Fact]
    public void SentenceBleu_NoMatches_IsZero() =>
        Assert.Equal(0.0, Bleu.Sentence("this is a cat", ["okay thanks"]).Score);
}

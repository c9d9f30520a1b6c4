using T5Sharp.Evaluation;

namespace T5Sharp.Tests.Evaluation;

/// <summary>sacreBLEU 2.6 corpus BLEU and chrF against the fixtures: every number within 1e-6, counts and signature exact.</summary>
public class BleuChrfParityTests
{
    const double Tol = 1e-6;

    [Theory]
    [MemberData(nameof(MetricFixture.Names), MemberType = typeof(MetricFixture))]
    public void CorpusBleu_MatchesSacrebleu(string set)
    {
        var fx = MetricFixture.Load(set);
        var e = fx.Reference.GetProperty("sacrebleu");
        var bleu = Bleu.Corpus(fx.Predictions, fx.ReferenceStreams());
        Assert.Equal(e.GetProperty("score").GetDouble(), bleu.Score, Tol);
        Assert.Equal(e.GetProperty("counts").EnumerateArray().Select(x => x.GetInt64()), bleu.Counts);
        Assert.Equal(e.GetProperty("totals").EnumerateArray().Select(x => x.GetInt64()), bleu.Totals);
        var precisions = e.GetProperty("precisions").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        for (int n = 0; n < 4; n++) Assert.Equal(precisions[n], bleu.Precisions[n], Tol);
        Assert.Equal(e.GetProperty("bp").GetDouble(), bleu.BrevityPenalty, Tol);
        Assert.Equal(e.GetProperty("sys_len").GetInt64(), bleu.SysLen);
        Assert.Equal(e.GetProperty("ref_len").GetInt64(), bleu.RefLen);
        Assert.Equal(e.GetProperty("signature").GetString(), bleu.Signature);
    }

    [Theory]
    [MemberData(nameof(MetricFixture.Names), MemberType = typeof(MetricFixture))]
    public void CorpusChrf_MatchesSacrebleu(string set)
    {
        var fx = MetricFixture.Load(set);
        var e = fx.Reference.GetProperty("chrf");
        var chrf = Chrf.Corpus(fx.Predictions, fx.ReferenceStreams());
        Assert.Equal(e.GetProperty("score").GetDouble(), chrf.Score, Tol);
        Assert.Equal(e.GetProperty("signature").GetString(), chrf.Signature);
    }
}

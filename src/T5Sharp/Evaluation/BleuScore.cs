using System.Globalization;

namespace T5Sharp.Evaluation;

/// <summary>
/// sacrebleu's <c>BLEUScore</c>: <see cref="Score"/> and <see cref="Precisions"/> are 0–100, <see cref="Counts"/> and
/// <see cref="Totals"/> are the matched / hypothesis n-gram counts per order, <see cref="Signature"/> is sacrebleu's.
/// </summary>
public sealed record BleuScore(
    double Score, IReadOnlyList<long> Counts, IReadOnlyList<long> Totals, IReadOnlyList<double> Precisions,
    double BrevityPenalty, long SysLen, long RefLen, string Signature)
{
    /// <summary>sys_len / ref_len, or 0 when there is no reference text (as sacrebleu).</summary>
    public double Ratio => RefLen > 0 ? (double)SysLen / RefLen : 0.0;

    /// <summary>sacrebleu's <c>str(score)</c>, e.g. "BLEU = 23.71 53.1/28.0/18.9/12.2 (BP = 0.838 ratio = 0.850 hyp_len = 96 ref_len = 113)".</summary>
    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        var precisions = string.Join('/', Precisions.Select(p => p.ToString("F1", c)));
        return $"BLEU = {Score.ToString("F2", c)} {precisions} (BP = {BrevityPenalty.ToString("F3", c)} " +
               $"ratio = {Ratio.ToString("F3", c)} hyp_len = {SysLen} ref_len = {RefLen})";
    }
}

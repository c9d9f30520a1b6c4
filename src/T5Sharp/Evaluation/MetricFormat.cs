using System.Globalization;

namespace T5Sharp.Evaluation;

/// <summary>
/// How metric values are shown: ROUGE on evaluate's 0–1 scale needs 4 decimals to be useful, 0–100 values (BLEU,
/// chrF, ROUGE ×100) need 2. The scale is decided once for all ROUGE columns of a table, from every value in it, so that
/// a ROUGE of 0 (e.g. rouge2 of a weak model) is not mistaken for the 0–1 scale while its neighbours are ×100.
/// </summary>
internal sealed class MetricFormat(bool rougeOnUnitScale)
{
    public static MetricFormat For(IEnumerable<MetricsSummary> summaries) =>
        new(summaries.SelectMany(s => s.Metrics).Where(m => IsRouge(m.Key)).All(m => m.Value <= 1.0));

    public string Value(string metric, double value) =>
        value.ToString(UnitScale(metric) ? "F4" : "F2", CultureInfo.InvariantCulture);

    public string Delta(string metric, double delta) =>
        delta.ToString(UnitScale(metric) ? "+0.0000;-0.0000;+0.0000" : "+0.00;-0.00;+0.00", CultureInfo.InvariantCulture);

    bool UnitScale(string metric) => rougeOnUnitScale && IsRouge(metric);

    static bool IsRouge(string metric) => metric.StartsWith("rouge", StringComparison.Ordinal);
}

using System.Globalization;

namespace T5Sharp.Reports;

/// <summary>How report tables show numbers (invariant culture; ROUGE and other 0–1 eval metrics as HF logs them).</summary>
internal static class ReportFormat
{
    public static string Number(double? value) => value is not { } v ? "–"
        : Math.Abs(v) >= 1000 || v == Math.Floor(v) ? v.ToString("0.##", CultureInfo.InvariantCulture)
        : Math.Abs(v) >= 0.01 ? v.ToString("0.####", CultureInfo.InvariantCulture)
        : v.ToString("0.####e+0", CultureInfo.InvariantCulture);

    public static string Duration(double? seconds) => seconds is not { } s ? "not logged"
        : s < 60 ? s.ToString("0.0", CultureInfo.InvariantCulture) + " s"
        : TimeSpan.FromSeconds(s).ToString(s >= 3600 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture);

    /// <summary>The summary rows shared by the HTML and Markdown renderings: a label and one cell per run.</summary>
    public static IReadOnlyList<(string Label, IReadOnlyList<string> Cells)> SummaryRows(TrainingReport report)
    {
        var s = report.Summaries;
        var rows = new List<(string, IReadOnlyList<string>)>
        {
            ("model", s.Select(x => x.Model ?? "–").ToList()),
            ("steps", s.Select(x => x.Steps.ToString(CultureInfo.InvariantCulture)).ToList()),
            ("epochs", s.Select(x => Number(x.Epochs)).ToList()),
            ("wall time", s.Select(x => Duration(x.WallSeconds)).ToList()),
            ("train_loss", s.Select(x => Number(x.TrainLoss)).ToList()),
            ("best checkpoint", s.Select(x => x.BestCheckpoint is null ? "–" : $"{x.BestCheckpoint} ({x.BestMetricName} {Number(x.BestMetric)})").ToList()),
            ("checkpoints kept", s.Select(x => x.CheckpointCount.ToString(CultureInfo.InvariantCulture)).ToList()),
            ("final/", s.Select(x => x.HasFinal ? "yes" : "no").ToList()),
            ("last evaluation", s.Select(x => x.LastEvaluationStep is { } step ? $"step {step}" : "–").ToList()),
        };
        foreach (string key in s.SelectMany(x => x.FinalMetrics.Keys).Distinct())
            rows.Add((key, s.Select(x => x.FinalMetrics.TryGetValue(key, out var v) ? Number(v) : "–").ToList()));
        return rows;
    }
}

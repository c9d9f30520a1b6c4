using System.Globalization;
using System.Text;

namespace T5Sharp.Evaluation;

/// <summary>A plain-text table of corpus metrics (one row per system, intervals as [low, high]) for a terminal or a log.</summary>
public static class MetricsTable
{
    public static string Format(IReadOnlyList<(string Name, MetricsSummary Summary)> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) throw new ArgumentException("There are no rows to show.", nameof(rows));
        var metrics = rows[0].Summary.Metrics.Keys.ToList();
        var format = MetricFormat.For(rows.Select(r => r.Summary));
        string[] header = ["system", .. metrics, "examples"];
        var table = new List<string[]> { header };
        foreach (var (name, summary) in rows)
        {
            var cells = new List<string> { name };
            foreach (var m in metrics)
            {
                if (!summary.Metrics.TryGetValue(m, out var v)) { cells.Add("-"); continue; }
                string text = format.Value(m, v);
                if (summary.Intervals.TryGetValue(m, out var ci)) text += $" [{format.Value(m, ci.Low)}, {format.Value(m, ci.High)}]";
                cells.Add(text);
            }
            cells.Add(summary.ExampleCount.ToString(CultureInfo.InvariantCulture));
            table.Add(cells.ToArray());
        }
        var widths = Enumerable.Range(0, table[0].Length).Select(c => table.Max(r => r[c].Length)).ToArray();
        var sb = new StringBuilder();
        foreach (var row in table)
            sb.AppendLine(string.Join("  ", row.Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd());
        // rougeLsum depends on how sentences were found; say which, so numbers from different tools are compared fairly
        foreach (var split in rows.Select(r => r.Summary.RougeLsumSplit).OfType<string>().Distinct())
            sb.AppendLine(split == SentenceSplit.Sentences
                ? "rougeLsum: sentences split by a rule-based splitter (as HF's summarization scripts with nltk)"
                : "rougeLsum: sentences split only at newlines (as evaluate.load(\"rouge\") on the texts as given)");
        return sb.ToString();
    }
}

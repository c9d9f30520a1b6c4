namespace T5Sharp.Reports;

/// <summary>One logged key of one run: its values and the steps they were logged at (same length, log order).</summary>
public sealed record MetricSeries(string Run, string Key, IReadOnlyList<double> Steps, IReadOnlyList<double> Values)
{
    public int Count => Values.Count;
}

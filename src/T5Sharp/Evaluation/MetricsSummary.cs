namespace T5Sharp.Evaluation;

/// <summary>
/// The corpus-level outcome of an evaluation (what metrics.json holds): the flat metric dictionary exactly as
/// <see cref="Metrics.Compute(IEnumerable{string}, IReadOnlyList{string}, IReadOnlyList{IReadOnlyList{string}}, MetricOptions?)"/>
/// returns it, bootstrap intervals per ROUGE type, and how long generation and scoring took.
/// </summary>
public sealed record MetricsSummary(int ExampleCount, IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, MetricInterval> Intervals, double GenerationSeconds, double ScoringSeconds)
{
    /// <summary>Examples generated per second (0 when nothing was generated, e.g. scoring a predictions file).</summary>
    public double ExamplesPerSecond => GenerationSeconds > 0 ? ExampleCount / GenerationSeconds : 0;

    /// <summary>How rougeLsum found sentences: <see cref="SentenceSplit"/>'s "sentences" or "newline"; null without rougeLsum.</summary>
    public string? RougeLsumSplit { get; init; }
}

namespace T5Sharp.Evaluation;

/// <summary>What <see cref="Evaluator"/> computes and how.</summary>
public sealed record EvaluatorOptions
{
    /// <summary>Metric names as <see cref="Metrics.Compute(IEnumerable{string}, IReadOnlyList{string}, IReadOnlyList{string}, MetricOptions?)"/> takes them.</summary>
    public IReadOnlyList<string> MetricNames { get; init; } = Metrics.Default;

    /// <summary>How ROUGE/BLEU/chrF score. A null <see cref="MetricOptions.BootstrapSeed"/> becomes <see cref="DefaultSeed"/>,
    /// so that an evaluation is reproducible (evaluate itself never seeds).</summary>
    public MetricOptions Metric { get; init; } = new();

    /// <summary>Bootstrap resamples for the ROUGE intervals (rouge_score's default 1000).</summary>
    public int BootstrapSamples { get; init; } = 1000;

    /// <summary>Confidence of the intervals (rouge_score's default 0.95).</summary>
    public double Confidence { get; init; } = 0.95;

    /// <summary>Sources handed to the generator at a time (null: all at once); each chunk's predictions are reported
    /// as soon as they exist, so a smaller chunk loses less when a run is interrupted.</summary>
    public int? ChunkSize { get; init; }

    /// <summary>The bootstrap seed used when <see cref="Metric"/> names none (numpy's <c>np.random.seed(0)</c>).</summary>
    public const uint DefaultSeed = 0;
}

namespace T5Sharp.Evaluation;

/// <summary>How <see cref="Metrics.Compute(IEnumerable{string}, IReadOnlyList{string}, IReadOnlyList{string}, MetricOptions?)"/> scores.
/// The defaults follow HF's summarization examples (stemmer on, one sentence per line for rougeLsum).</summary>
public sealed record MetricOptions
{
    /// <summary>Porter-stem ROUGE tokens (evaluate's <c>use_stemmer</c>; HF scripts pass True).</summary>
    public bool UseStemmer { get; init; } = true;

    /// <summary>Split sentences with <see cref="SentenceSplitter"/> before rougeLsum, as HF scripts do with nltk; when
    /// false, only existing "\n" separate sentences (plain evaluate behaviour).</summary>
    public bool SplitSentencesForLsum { get; init; } = true;

    /// <summary>Report ROUGE as evaluate's bootstrap mid F instead of the plain mean F (the default, deterministic).</summary>
    public bool UseBootstrap { get; init; }

    /// <summary>Seed for the bootstrap (numpy's <c>np.random.seed</c>); null = random, like evaluate.</summary>
    public uint? BootstrapSeed { get; init; }

    /// <summary>Scale ROUGE to 0–100 like BLEU and chrF (HF scripts multiply by 100); default 0–1 like evaluate.</summary>
    public bool RougeAsPercent { get; init; }
}

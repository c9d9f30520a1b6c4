namespace T5Sharp.Generation;

/// <summary>
/// One input of a <see cref="DecodingCohort"/>: its unpadded source ids, its own settings (greedy or sampling, any
/// processors, its own seed), an optional streamer of its rows' tokens and a cancellation check read at each step.
/// </summary>
public sealed class CohortRequest(long[] inputIds, GenerationConfig config, IGenerationStreamer? streamer = null, Func<bool>? cancelled = null)
{
    public long[] InputIds { get; } = inputIds;
    public GenerationConfig Config { get; } = config;
    public IGenerationStreamer? Streamer { get; } = streamer;
    public Func<bool>? Cancelled { get; } = cancelled;

    /// <summary>Decoder ids per returned sequence (start token first, as <see cref="GenerationOutput.Sequences"/>); null until done.</summary>
    public long[][]? Sequences { get; internal set; }

    /// <summary>Whether it left because <see cref="Cancelled"/> said so (Sequences then hold what was generated so far).</summary>
    public bool WasCancelled { get; internal set; }

    public bool Done => Sequences is not null;
}

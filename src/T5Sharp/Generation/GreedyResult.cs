namespace T5Sharp.Generation;

/// <summary>
/// Greedy output as HF's generate returns it: each row starts with the decoder start token; rows that finished early
/// are padded with pad up to the longest row. <see cref="Scores"/>[step][row] is the processed score (logit after the
/// logits processors) of the token appended at that step.
/// </summary>
public sealed record GreedyResult(long[][] Sequences, float[][] Scores);

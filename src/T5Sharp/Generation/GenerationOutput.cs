namespace T5Sharp.Generation;

/// <summary>
/// What generate() returns. <see cref="Sequences"/>: num_return_sequences rows per input, grouped per input, each
/// starting with the decoder start token; shorter rows are padded as HF pads them (pad after EOS for greedy/sampling;
/// EOS then pad for beams).
/// </summary>
public sealed record GenerationOutput
{
    public required long[][] Sequences { get; init; }
    /// <summary>
    /// Beam search: HF's sequences_scores (sum of processed log-probabilities / generated_length ** length_penalty).
    /// Greedy/sampling with output_scores: the sum of <see cref="TokenLogProbs"/> of the row. Otherwise null.
    /// </summary>
    public float[]? SequenceScores { get; init; }
    /// <summary>
    /// With output_scores: per row, the log-probability of each generated token up to its EOS (HF's
    /// compute_transition_scores: log-softmax of the processed scores for greedy/sampling, the processed beam
    /// log-probabilities for beam search).
    /// </summary>
    public float[][]? TokenLogProbs { get; init; }
    /// <summary>Greedy/sampling only: [step][row], the processed score of the token chosen at that step (HF's scores, gathered).</summary>
    public float[][]? ChosenTokenScores { get; init; }
}

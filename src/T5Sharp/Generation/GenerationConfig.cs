namespace T5Sharp.Generation;

/// <summary>
/// transformers' GenerationConfig for encoder-decoder models: every setting under its HF meaning and default. Override
/// per call with a <c>with</c> expression. Lengths follow HF: <see cref="MaxLength"/>/<see cref="MinLength"/> count the
/// decoder start token, <see cref="MaxNewTokens"/>/<see cref="MinNewTokens"/> count generated tokens only and win over
/// max_length when set.
/// </summary>
public sealed record GenerationConfig
{
    public int MaxLength { get; init; } = 20;
    public int? MaxNewTokens { get; init; }
    public int MinLength { get; init; }
    public int? MinNewTokens { get; init; }
    public int NumBeams { get; init; } = 1;
    public int NumReturnSequences { get; init; } = 1;
    /// <summary>Beam scores are sum(log p) / generated_length ** length_penalty.</summary>
    public double LengthPenalty { get; init; } = 1.0;
    public EarlyStopping EarlyStopping { get; init; } = EarlyStopping.Heuristic;
    public int NoRepeatNgramSize { get; init; }
    public int EncoderNoRepeatNgramSize { get; init; }
    public double RepetitionPenalty { get; init; } = 1.0;
    /// <summary>Token sequences that may not be generated (the last token of each is banned after its prefix).</summary>
    public IReadOnlyList<long[]>? BadWordsIds { get; init; }
    /// <summary>Forces this token when the next one is the last max_length allows.</summary>
    public long? ForcedEosTokenId { get; init; }
    public bool DoSample { get; init; }
    public double Temperature { get; init; } = 1.0;
    public int TopK { get; init; } = 50;
    public double TopP { get; init; } = 1.0;
    public double TypicalP { get; init; } = 1.0;
    /// <summary>Seed of the sampling generator; null draws a fresh seed per call (not reproducible).</summary>
    public long? Seed { get; init; }
    /// <summary>Also return per-token log-probabilities and, for greedy/sampling, a sequence score (their sum).</summary>
    public bool OutputScores { get; init; }
    public long? DecoderStartTokenId { get; init; }
    public long? EosTokenId { get; init; }
    public long? PadTokenId { get; init; }

    /// <summary>Decoder length (start token included) at which generation stops.</summary>
    public int ResolvedMaxLength => MaxNewTokens is { } n ? n + 1 : MaxLength;

    /// <summary>Decoder length (start token included) before which EOS is forbidden (min_length and min_new_tokens both apply).</summary>
    public int ResolvedMinLength => Math.Max(MinLength, MinNewTokens is { } n ? n + 1 : 0);

    /// <summary>Checks every setting; throws <see cref="GenerationConfigException"/> naming the first bad one.</summary>
    public void Validate()
    {
        static void Require(bool ok, string message)
        {
            if (!ok) throw new GenerationConfigException(message);
        }
        Require(MaxNewTokens is null or >= 0, $"max_new_tokens must not be negative, got {MaxNewTokens}");
        Require(MaxNewTokens is not null || MaxLength >= 1, $"max_length counts the decoder start token and must be at least 1, got {MaxLength}");
        Require(MinLength >= 0, $"min_length must not be negative, got {MinLength}");
        Require(MinNewTokens is null or >= 0, $"min_new_tokens must not be negative, got {MinNewTokens}");
        Require(NumBeams >= 1, $"num_beams must be at least 1, got {NumBeams}");
        Require(NumReturnSequences >= 1, $"num_return_sequences must be at least 1, got {NumReturnSequences}");
        if (!DoSample)
        {
            Require(NumReturnSequences <= NumBeams,
                $"num_return_sequences ({NumReturnSequences}) must not exceed num_beams ({NumBeams}) without sampling (do_sample)");
        }
        else if (NumBeams > 1)
        {
            Require(NumReturnSequences <= NumBeams,
                $"num_return_sequences ({NumReturnSequences}) must not exceed num_beams ({NumBeams}) in beam sampling");
        }
        Require(double.IsFinite(LengthPenalty), $"length_penalty must be a finite number, got {LengthPenalty}");
        Require(NoRepeatNgramSize >= 0, $"no_repeat_ngram_size must not be negative, got {NoRepeatNgramSize}");
        Require(EncoderNoRepeatNgramSize >= 0, $"encoder_no_repeat_ngram_size must not be negative, got {EncoderNoRepeatNgramSize}");
        Require(RepetitionPenalty > 0 && double.IsFinite(RepetitionPenalty), $"repetition_penalty must be a positive number, got {RepetitionPenalty}");
        Require(Temperature > 0 && double.IsFinite(Temperature), $"temperature must be positive, got {Temperature}");
        Require(TopK >= 0, $"top_k must not be negative (0 disables it), got {TopK}");
        Require(TopP > 0 && TopP <= 1, $"top_p must be in (0, 1], got {TopP}");
        Require(TypicalP > 0 && TypicalP <= 1, $"typical_p must be in (0, 1], got {TypicalP}");
        if (BadWordsIds is not null)
            foreach (var words in BadWordsIds)
                Require(words.Length > 0 && words.All(id => id >= 0), "bad_words_ids must be non-empty lists of non-negative token ids");
    }
}

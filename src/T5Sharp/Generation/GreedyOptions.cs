namespace T5Sharp.Generation;

/// <summary>Settings of greedy decoding, named as in HF's GenerationConfig.</summary>
public sealed record GreedyOptions
{
    /// <summary>Tokens generated after the decoder start token at most (HF max_new_tokens).</summary>
    public int MaxNewTokens { get; init; } = 20;
    /// <summary>EOS is forbidden until this many tokens were generated (HF MinNewTokensLengthLogitsProcessor).</summary>
    public int MinNewTokens { get; init; }
    /// <summary>Null: the model config's decoder_start_token_id (or pad).</summary>
    public long? DecoderStartTokenId { get; init; }
    /// <summary>Null: the model config's eos_token_id.</summary>
    public long? EosTokenId { get; init; }
    /// <summary>Null: the model config's pad_token_id (written after a row's EOS).</summary>
    public long? PadTokenId { get; init; }
}

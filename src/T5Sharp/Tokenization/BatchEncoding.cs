namespace T5Sharp.Tokenization;

/// <summary>
/// Token ids and attention masks of a batch, right-padded with the pad id, plus each text's length before truncation
/// (eos included) so that callers can report how much truncation cut.
/// </summary>
public sealed class BatchEncoding(long[][] inputIds, long[][] attentionMask, int[] untruncatedLengths)
{
    public long[][] InputIds { get; } = inputIds;
    public long[][] AttentionMask { get; } = attentionMask;
    public int[] UntruncatedLengths { get; } = untruncatedLengths;

    public int Count => InputIds.Length;

    /// <summary>How many rows lost tokens to truncation.</summary>
    public int TruncatedCount => InputIds.Where((row, i) => UntruncatedLengths[i] > AttentionMask[i].Count(m => m != 0)).Count();
}

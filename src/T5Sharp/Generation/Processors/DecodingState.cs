namespace T5Sharp.Generation.Processors;

/// <summary>
/// What logits processors may look at: every row's decoder ids so far (start token included, as HF's input_ids) and
/// the encoder ids of the input each row belongs to (row / RowsPerInput).
/// </summary>
public sealed class DecodingState(IReadOnlyList<List<long>> sequences, long[][] encoderIds, int rowsPerInput)
{
    public IReadOnlyList<List<long>> Sequences { get; } = sequences;
    /// <summary>Raw source ids per input, padding included (HF builds encoder n-grams from the padded input_ids).</summary>
    public long[][] EncoderIds { get; } = encoderIds;
    public int RowsPerInput { get; } = rowsPerInput;
    /// <summary>HF's cur_len: decoder ids so far, start token included (all rows have the same length).</summary>
    public int Length => Sequences[0].Count;
}

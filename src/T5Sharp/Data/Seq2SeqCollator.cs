namespace T5Sharp.Data;

/// <summary>
/// HF's DataCollatorForSeq2Seq with dynamic padding: inputs right-padded with the pad id (mask 0) and labels with
/// -100 (which the loss ignores), each to the longest in the micro-batch, rounded up to a multiple of
/// <see cref="PadToMultipleOf"/> (tensor cores like multiples of 8). decoder_input_ids (labels shifted right) are the model's job.
/// </summary>
public sealed class Seq2SeqCollator(long padTokenId = 0, long labelPadTokenId = -100, int? padToMultipleOf = null)
{
    public long PadTokenId { get; } = padTokenId;
    public long LabelPadTokenId { get; } = labelPadTokenId;
    public int? PadToMultipleOf { get; } = padToMultipleOf is < 1
        ? throw new ArgumentOutOfRangeException(nameof(padToMultipleOf), padToMultipleOf, "pad_to_multiple_of must be at least 1")
        : padToMultipleOf;

    public Seq2SeqBatch Collate(IReadOnlyList<TokenizedExample> examples)
    {
        if (examples.Count == 0) throw new ArgumentException("cannot collate an empty micro-batch", nameof(examples));
        int inputWidth = RoundUp(examples.Max(e => e.InputIds.Length));
        int labelWidth = RoundUp(examples.Max(e => e.Labels.Length));
        var inputIds = new long[examples.Count][];
        var mask = new long[examples.Count][];
        var labels = new long[examples.Count][];
        for (int i = 0; i < examples.Count; i++)
        {
            inputIds[i] = Pad(examples[i].InputIds, inputWidth, PadTokenId);
            mask[i] = new long[inputWidth];
            Array.Fill(mask[i], 1L, 0, examples[i].InputIds.Length);
            labels[i] = Pad(examples[i].Labels, labelWidth, LabelPadTokenId);
        }
        return new Seq2SeqBatch(inputIds, mask, labels);
    }

    int RoundUp(int length) => PadToMultipleOf is int m && length % m != 0 ? (length / m + 1) * m : length;

    static long[] Pad(long[] ids, int width, long pad)
    {
        var row = new long[width];
        ids.CopyTo(row, 0);
        Array.Fill(row, pad, ids.Length, width - ids.Length);
        return row;
    }
}

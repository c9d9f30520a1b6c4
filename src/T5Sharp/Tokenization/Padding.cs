namespace T5Sharp.Tokenization;

/// <summary>How <see cref="T5Tokenizer.EncodeBatch"/> pads rows (HF's padding="longest" / "max_length" / False).</summary>
public enum Padding
{
    /// <summary>Rows keep their own lengths.</summary>
    DoNotPad,
    /// <summary>Pad to the longest row of the batch.</summary>
    Longest,
    /// <summary>Pad every row to maxLength (or the tokenizer's model_max_length).</summary>
    MaxLength,
}

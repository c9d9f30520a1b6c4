using T5Sharp.Tokenization;

namespace T5Sharp.Data;

/// <summary>
/// Examples tokenized like HF's seq2seq scripts: <c>tokenizer(source, max_length, truncation=True)</c> for inputs and
/// <c>tokenizer(text_target=target, max_length, truncation=True)</c> for labels (for T5 the same encoding), no padding.
/// </summary>
public sealed class Seq2SeqTokenizedDataset
{
    public IReadOnlyList<TokenizedExample> Examples { get; }
    public TruncationReport Report { get; }

    Seq2SeqTokenizedDataset(IReadOnlyList<TokenizedExample> examples, TruncationReport report) =>
        (Examples, Report) = (examples, report);

    public int Count => Examples.Count;
    public TokenizedExample this[int index] => Examples[index];

    /// <summary>The input lengths, which length-grouped batching sorts by (as HF's group_by_length does).</summary>
    public int[] InputLengths() => Examples.Select(e => e.InputIds.Length).ToArray();

    public static Seq2SeqTokenizedDataset Create(IReadOnlyList<Seq2SeqExample> examples, T5Tokenizer tokenizer, int maxSourceLength, int maxTargetLength)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (examples.Count == 0) throw new DataException("the dataset is empty: nothing to tokenize");
        if (maxSourceLength < 1) throw new ArgumentOutOfRangeException(nameof(maxSourceLength), maxSourceLength, "max source length must be at least 1");
        if (maxTargetLength < 1) throw new ArgumentOutOfRangeException(nameof(maxTargetLength), maxTargetLength, "max target length must be at least 1");

        var sources = tokenizer.EncodeBatch(examples.Select(e => e.Source).ToArray(), maxSourceLength, truncation: true, padding: Padding.DoNotPad);
        var targets = tokenizer.EncodeBatch(examples.Select(e => e.Target).ToArray(), maxTargetLength, truncation: true, padding: Padding.DoNotPad);
        var tokenized = new TokenizedExample[examples.Count];
        for (int i = 0; i < examples.Count; i++)
            tokenized[i] = new TokenizedExample(sources.InputIds[i], targets.InputIds[i], examples[i].Location);
        var tally = new TruncationTally();
        tally.Add(sources, targets);
        var report = tally.Report(maxSourceLength, maxTargetLength);
        return new Seq2SeqTokenizedDataset(tokenized, report);
    }
}

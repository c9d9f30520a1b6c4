namespace T5Sharp.Evaluation;

/// <summary>
/// Checks sacrebleu-style inputs (predictions plus reference streams) and regroups them per segment. Like sacrebleu,
/// a null or empty reference is skipped for its segment (allowing a variable number of references, signature
/// "nrefs:var"), and a segment with no reference left is an error.
/// </summary>
internal sealed class ReferenceSet
{
    public required string[][] PerSegment { get; init; }
    public required string NRefs { get; init; }

    public static ReferenceSet Build(IReadOnlyList<string> predictions, IReadOnlyList<IReadOnlyList<string>> referenceStreams)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(referenceStreams);
        for (int i = 0; i < predictions.Count; i++)
            if (predictions[i] is null) throw new ArgumentException($"Prediction {i} is null.", nameof(predictions));
        if (referenceStreams.Count == 0)
            throw new ArgumentException("At least one reference stream is required.", nameof(referenceStreams));
        for (int s = 0; s < referenceStreams.Count; s++)
        {
            if (referenceStreams[s] is null) throw new ArgumentException($"Reference stream {s} is null.", nameof(referenceStreams));
            if (referenceStreams[s].Count != predictions.Count)
                throw new ArgumentException(
                    $"Reference stream {s} has {referenceStreams[s].Count} lines but there are {predictions.Count} predictions.",
                    nameof(referenceStreams));
        }
        var perSegment = new string[predictions.Count][];
        var counts = new HashSet<int>();
        for (int i = 0; i < predictions.Count; i++)
        {
            var refs = new List<string>(referenceStreams.Count);
            foreach (var stream in referenceStreams) if (!string.IsNullOrEmpty(stream[i])) refs.Add(stream[i]);
            if (refs.Count == 0)
                throw new ArgumentException($"Segment {i} has only empty or null references.", nameof(referenceStreams));
            counts.Add(refs.Count);
            perSegment[i] = refs.ToArray();
        }
        return new ReferenceSet
        {
            PerSegment = perSegment,
            NRefs = counts.Count == 1 ? counts.First().ToString() : counts.Count == 0 ? referenceStreams.Count.ToString() : "var",
        };
    }
}

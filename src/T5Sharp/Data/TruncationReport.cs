namespace T5Sharp.Data;

/// <summary>
/// What tokenizing with max lengths cut: how many sources / targets / examples were truncated, and the length
/// percentiles before truncation (including &lt;/s&gt;), so a user can see whether the limits suit the data.
/// Built by <see cref="TruncationTally"/>; a report of inputs alone (generate) has no targets (TargetLengths.Count 0).
/// </summary>
public sealed record TruncationReport(
    int Examples, int MaxSourceLength, int MaxTargetLength,
    int SourcesTruncated, int TargetsTruncated, int ExamplesTruncated,
    LengthStats SourceLengths, LengthStats TargetLengths)
{
    public override string ToString() =>
        $"{Examples} examples; sources truncated {SourcesTruncated} (max {MaxSourceLength}; lengths {SourceLengths}); " +
        $"targets truncated {TargetsTruncated} (max {MaxTargetLength}; lengths {TargetLengths}); examples truncated {ExamplesTruncated}";

    /// <summary>
    /// One sentence for the user when anything was cut, e.g. "truncated 3 of 10 inputs to 512 tokens (the longest had
    /// 2897)"; null when nothing was.
    /// </summary>
    public string? Notice(string sources = "inputs", string targets = "targets")
    {
        var parts = new List<string>();
        if (SourcesTruncated > 0)
            parts.Add($"{SourcesTruncated} of {Examples} {sources} to {MaxSourceLength} tokens (the longest had {SourceLengths.Max})");
        if (TargetsTruncated > 0)
            parts.Add($"{TargetsTruncated} of {Examples} {targets} to {MaxTargetLength} tokens (the longest had {TargetLengths.Max})");
        return parts.Count == 0 ? null : "truncated " + string.Join("; ", parts);
    }
}

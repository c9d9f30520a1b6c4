namespace T5Sharp.Data;

/// <summary>
/// What tokenizing with max lengths cut: how many sources / targets / examples were truncated, and the length
/// percentiles before truncation (including &lt;/s&gt;), so a user can see whether the limits suit the data.
/// </summary>
public sealed record TruncationReport(
    int Examples, int MaxSourceLength, int MaxTargetLength,
    int SourcesTruncated, int TargetsTruncated, int ExamplesTruncated,
    LengthStats SourceLengths, LengthStats TargetLengths)
{
    public override string ToString() =>
        $"{Examples} examples; sources truncated {SourcesTruncated} (max {MaxSourceLength}; lengths {SourceLengths}); " +
        $"targets truncated {TargetsTruncated} (max {MaxTargetLength}; lengths {TargetLengths}); examples truncated {ExamplesTruncated}";
}

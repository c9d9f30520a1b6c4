namespace T5Sharp.Evaluation;

/// <summary>rouge_score's <c>AggregateScore</c>: the low, mid (median) and high percentiles of bootstrap means.</summary>
public readonly record struct RougeInterval(RougeScore Low, RougeScore Mid, RougeScore High);

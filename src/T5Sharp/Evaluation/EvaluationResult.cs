namespace T5Sharp.Evaluation;

/// <summary>What <see cref="Evaluator"/> returns: every scored example, in data order, and the corpus summary.</summary>
public sealed record EvaluationResult(IReadOnlyList<EvaluationExample> Examples, MetricsSummary Summary);

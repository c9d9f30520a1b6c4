namespace T5Sharp.Evaluation;

/// <summary>One system of a <see cref="ComparisonReport"/>: a display name and its evaluation on the shared examples.</summary>
public sealed record ComparedSystem(string Name, EvaluationResult Result);

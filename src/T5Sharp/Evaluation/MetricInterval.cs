namespace T5Sharp.Evaluation;

/// <summary>A bootstrap confidence interval of one corpus metric (same scale as the metric): low, mid (median), high.</summary>
public readonly record struct MetricInterval(double Low, double Mid, double High);

namespace T5Sharp.Generation;

/// <summary>One generated text, with its sequence score and per-token log-probabilities when output_scores asked for them.</summary>
public sealed record GeneratedText(string Text, float? SequenceScore, float[]? TokenLogProbs);

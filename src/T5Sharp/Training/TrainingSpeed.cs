namespace T5Sharp.Training;

/// <summary>
/// Throughput of the current <see cref="Seq2SeqTrainer.Train"/> call, updated at every step: unpadded source + target
/// tokens per second over the steps trained in this process, the time since training began, and the ETA from the mean
/// step time so far.
/// </summary>
public sealed record TrainingSpeed(double TokensPerSecond, TimeSpan Elapsed, TimeSpan Eta);

namespace T5Sharp.Training;

/// <summary>
/// Progress of a <see cref="TrainingRun"/>, for a progress bar or a log: the step and epoch, the step's loss and the lr
/// it used, training throughput (unpadded source + target tokens per second), elapsed time and the ETA from the mean
/// step time so far; evaluation metrics or a checkpoint path for those kinds.
/// </summary>
public sealed record RunEvent(
    RunEventKind Kind,
    long Step,
    long MaxSteps,
    double Epoch,
    double? Loss,
    double? LearningRate,
    double TokensPerSecond,
    TimeSpan Elapsed,
    TimeSpan? Eta,
    IReadOnlyDictionary<string, double>? Metrics = null,
    string? Path = null);

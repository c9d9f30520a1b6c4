namespace T5Sharp.Training;

/// <summary>
/// What one optimizer step did, unrounded (log_history rounds the loss to 4 decimals as HF does).
/// <see cref="Loss"/> is the mean of the micro-batch mean losses; <see cref="GradNorm"/> the total L2 norm before
/// clipping (null when clipping is off); <see cref="LearningRateUsed"/> the lr of this update and
/// <see cref="LearningRateLogged"/> the lr after the scheduler stepped (the next step's), which HF logs. In a distributed
/// run <see cref="Loss"/> and <see cref="GradNorm"/> are the run's (averaged over ranks), the micro-batch losses this rank's.
/// </summary>
public sealed record StepReport(
    long GlobalStep,
    double Epoch,
    double Loss,
    IReadOnlyList<float> MicroBatchLosses,
    float? GradNorm,
    double LearningRateUsed,
    double LearningRateLogged)
{
    /// <summary>
    /// Of this step's time, the seconds spent averaging the gradients over the ranks (0 in a single process): the
    /// communication part of a distributed step, for benchmarks and reports.
    /// </summary>
    public double GradientAllReduceSeconds { get; init; }
}

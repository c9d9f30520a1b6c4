namespace T5Sharp.Training;

/// <summary>
/// torch's LambdaLR over an optimizer's groups: on creation every group's lr is base × λ(0); each <see cref="Step"/>
/// advances the step count and sets base × λ(count). <see cref="LastLearningRate"/> is get_last_lr()[0], what HF logs.
/// </summary>
public sealed class LearningRateScheduler
{
    readonly ITrainingOptimizer _optimizer;

    public LearningRateScheduler(ITrainingOptimizer optimizer, LearningRateSchedule schedule)
    {
        _optimizer = optimizer;
        Schedule = schedule;
        Apply();
    }

    public LearningRateSchedule Schedule { get; }

    /// <summary>torch's last_epoch: how many times <see cref="Step"/> has run.</summary>
    public long StepCount { get; private set; }

    public double LastLearningRate => _optimizer.Groups[0].LearningRate;

    public void Step()
    {
        StepCount++;
        Apply();
    }

    /// <summary>Jumps to a saved step count (resume).</summary>
    public void Restore(long stepCount)
    {
        if (stepCount < 0) throw new TrainingException($"scheduler step count must be ≥ 0, found {stepCount}");
        StepCount = stepCount;
        Apply();
    }

    void Apply()
    {
        double multiplier = Schedule.Multiplier(StepCount);
        foreach (var group in _optimizer.Groups) group.LearningRate = group.InitialLearningRate * multiplier;
    }
}

namespace T5Sharp.Training;

/// <summary>
/// transformers.optimization.Adafactor's arguments, with its defaults. HF Trainer's <c>optim="adafactor"</c> uses
/// <c>scale_parameter=False, relative_step=False</c> with lr = learning_rate (<see cref="ForTrainer"/>).
/// </summary>
public sealed record AdafactorOptions
{
    /// <summary>External lr; must be null when <see cref="RelativeStep"/> is on (the lr is then derived from the step).</summary>
    public double? LearningRate { get; init; }
    /// <summary>Regularization constants for the squared gradient (eps[0]) and the parameter scale (eps[1]).</summary>
    public double Eps1 { get; init; } = 1e-30;
    public double Eps2 { get; init; } = 1e-3;
    /// <summary>The update is divided by max(1, RMS(update) / clip_threshold).</summary>
    public double ClipThreshold { get; init; } = 1.0;
    /// <summary>Second-moment decay: β2ₜ = 1 − t^decay_rate.</summary>
    public double DecayRate { get; init; } = -0.8;
    /// <summary>First-moment coefficient; null keeps no first moment.</summary>
    public double? Beta1 { get; init; }
    /// <summary>Multiply the lr by max(eps2, RMS(parameter)).</summary>
    public bool ScaleParameter { get; init; } = true;
    /// <summary>lr = min(1e-2, 1/√t) (or min(1e-6·t, 1/√t) with warm-up init) instead of the external lr.</summary>
    public bool RelativeStep { get; init; } = true;
    public bool WarmupInit { get; init; }

    /// <summary>What HF Trainer passes for <c>optim="adafactor"</c>.</summary>
    public static AdafactorOptions ForTrainer(double learningRate) =>
        new() { LearningRate = learningRate, ScaleParameter = false, RelativeStep = false };

    /// <summary>HF's constructor checks.</summary>
    public void Validate()
    {
        if (LearningRate is not null && RelativeStep)
            throw new TrainingException("Adafactor: cannot combine a manual learning rate with relative_step=True");
        if (WarmupInit && !RelativeStep)
            throw new TrainingException("Adafactor: warmup_init=True requires relative_step=True");
        if (LearningRate is null && !RelativeStep)
            throw new TrainingException("Adafactor: relative_step=False needs a learning rate");
    }
}

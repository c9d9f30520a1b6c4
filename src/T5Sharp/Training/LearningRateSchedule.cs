namespace T5Sharp.Training;

/// <summary>
/// transformers' get_scheduler lr multipliers (the lr_lambda of a LambdaLR), as functions of the optimizer step count
/// (0 for the first step). The lr a step uses is base lr × <see cref="Multiplier"/>(steps taken so far).
/// </summary>
public sealed class LearningRateSchedule
{
    /// <summary>The names <c>lr_scheduler_type</c> accepts.</summary>
    public static readonly IReadOnlyList<string> Types = ["linear", "cosine", "constant", "constant_with_warmup", "inverse_sqrt"];

    readonly Func<long, double> _lambda;

    public LearningRateSchedule(string type, long warmupSteps, long trainingSteps)
    {
        if (warmupSteps < 0) throw new TrainingException($"warmup_steps must be ≥ 0, found {warmupSteps}");
        Type = type;
        WarmupSteps = warmupSteps;
        TrainingSteps = trainingSteps;
        _lambda = type switch
        {
            "linear" => Linear,
            "cosine" => Cosine,
            "constant" => _ => 1.0,
            "constant_with_warmup" => ConstantWithWarmup,
            "inverse_sqrt" => InverseSqrt,
            _ => throw new TrainingException(
                $"lr_scheduler_type '{type}' is not supported; expected one of {string.Join(", ", Types)}"),
        };
    }

    public string Type { get; }
    public long WarmupSteps { get; }
    public long TrainingSteps { get; }

    public double Multiplier(long step) => _lambda(step);

    /// <summary>TrainingArguments.get_warmup_steps: warmup_steps when > 0, else ceil(warmup_ratio × training steps).</summary>
    public static long ResolveWarmupSteps(long warmupSteps, double warmupRatio, long trainingSteps) =>
        warmupSteps > 0 ? warmupSteps : (long)Math.Ceiling(trainingSteps * warmupRatio);

    double Warmup(long step) => (double)step / Math.Max(1, WarmupSteps);

    double Linear(long step) => step < WarmupSteps ? Warmup(step)
        : Math.Max(0.0, (double)(TrainingSteps - step) / Math.Max(1, TrainingSteps - WarmupSteps));

    // HF's default num_cycles = 0.5: half a cosine wave from 1 down to 0 after warm-up.
    double Cosine(long step)
    {
        if (step < WarmupSteps) return Warmup(step);
        double progress = (double)(step - WarmupSteps) / Math.Max(1, TrainingSteps - WarmupSteps);
        return Math.Max(0.0, 0.5 * (1.0 + Math.Cos(Math.PI * 0.5 * 2.0 * progress)));
    }

    // HF divides by max(1.0, warmup) here — the same value as the other warm-ups.
    double ConstantWithWarmup(long step) => step < WarmupSteps ? Warmup(step) : 1.0;

    // timescale = warmup steps, or 10,000 without warm-up (HF's default); 1/√((step + shift)/timescale) after warm-up.
    double InverseSqrt(long step)
    {
        if (step < WarmupSteps) return Warmup(step);
        long timescale = WarmupSteps > 0 ? WarmupSteps : 10_000;
        long shift = timescale - WarmupSteps;
        return 1.0 / Math.Sqrt((double)(step + shift) / timescale);
    }
}

namespace T5Sharp.Training;

/// <summary>
/// How a run is counted, worked out once from the arguments and the micro-batches per epoch, as transformers' Trainer
/// counts it: optimizer steps per epoch (at least one), max_steps (max_steps, else num_train_epochs × steps per epoch,
/// rounded up) and the number of epochs the loop goes through (enough to reach max_steps).
/// </summary>
public sealed record TrainingPlan(int MicroBatchesPerEpoch, int GradientAccumulationSteps, long StepsPerEpoch, long MaxSteps, long NumTrainEpochs)
{
    public static TrainingPlan For(TrainingArguments args, int microBatchesPerEpoch)
    {
        if (microBatchesPerEpoch <= 0) throw new TrainingException("no training micro-batches");
        int accumulation = args.GradientAccumulationSteps;
        long perEpoch = Math.Max(microBatchesPerEpoch / accumulation, 1);
        long maxSteps = args.MaxSteps > 0 ? args.MaxSteps : (long)Math.Ceiling(args.NumTrainEpochs * perEpoch);
        long epochs = args.MaxSteps > 0
            ? args.MaxSteps / perEpoch + (args.MaxSteps % perEpoch > 0 ? 1 : 0)
            : (long)Math.Ceiling(args.NumTrainEpochs);
        return new TrainingPlan(microBatchesPerEpoch, accumulation, perEpoch, maxSteps, epochs);
    }

    /// <summary>Micro-batches of <paramref name="batchSize"/> that <paramref name="examples"/> make (the last may be smaller).</summary>
    public static int MicroBatchesFor(int examples, int batchSize) => (examples + batchSize - 1) / batchSize;

    /// <summary>
    /// Whether micro-batch <paramref name="microIndex"/> of an epoch ends an optimizer step. HF 4.44 steps early at an
    /// epoch's end only when the whole epoch is shorter than one accumulation; otherwise left-over micro-batches'
    /// gradients carry into the next epoch's first step, as there.
    /// </summary>
    public bool EndsStep(int microIndex) =>
        (microIndex + 1) % GradientAccumulationSteps == 0
        || (MicroBatchesPerEpoch <= GradientAccumulationSteps && microIndex + 1 == MicroBatchesPerEpoch);

    /// <summary>The fractional epoch after micro-batch <paramref name="microIndex"/> of <paramref name="epoch"/> (HF's state.epoch).</summary>
    public double EpochAfter(long epoch, int microIndex) => epoch + (double)(microIndex + 1) / MicroBatchesPerEpoch;
}

using T5Sharp.Data;

namespace T5Sharp.Training;

/// <summary>What a run would do, without training: data statistics, the step plan and a memory estimate of the largest step.</summary>
public sealed record DryRunReport(
    TruncationReport Train,
    TruncationReport? Eval,
    int MicroBatchesPerEpoch,
    long StepsPerEpoch,
    long TotalSteps,
    long TrainableParameters,
    long TotalParameters,
    TrainingMemoryEstimate Memory)
{
    public static DryRunReport Create(Seq2SeqTrainer trainer, RunOptions options, T5Sharp.Modeling.T5ForConditionalGeneration model)
    {
        var data = trainer.Data ?? throw new TrainingException("a dry run needs a trainer built from run options");
        var plan = trainer.Plan;
        if (options.Freeze.Count > 0) ParameterFreezing.Apply(model, options.Freeze);
        long all = model.parameters().Sum(p => p.numel());
        long trainable = model.parameters().Where(p => p.requires_grad).Sum(p => p.numel());
        int longestSource = data.Train.Examples.Max(e => e.InputIds.Length);
        int longestTarget = data.Train.Examples.Max(e => e.Labels.Length);
        long stored = model.parameters().Sum(p => p.numel() * p.element_size());
        var memory = TrainingMemoryEstimate.For(model.Config, trainable, all, options.Training.Optim,
            options.Training.PerDeviceTrainBatchSize, RoundUp(longestSource, options.PadToMultipleOf), RoundUp(longestTarget, options.PadToMultipleOf),
            options.Training.Bf16, stored);
        return new DryRunReport(data.Train.Report, data.Eval?.Report, plan.MicroBatchesPerEpoch, plan.StepsPerEpoch, plan.MaxSteps,
            trainable, all, memory) { Bf16 = options.Training.Bf16, Lora = options.Lora is not null };
    }

    /// <summary>bf16 mixed precision (<see cref="TrainingArguments.Bf16"/>).</summary>
    public bool Bf16 { get; init; }

    /// <summary>A LoRA run (in bf16 its frozen base is stored in bf16, the adapter float32).</summary>
    public bool Lora { get; init; }

    string Precision => (Bf16, Lora) switch
    {
        (false, _) => "float32",
        (true, false) => "bf16 mixed (matmuls in bf16; float32 weights, optimizer state, norms and loss)",
        (true, true) => "bf16 (the frozen base stored in bf16; the adapter, its optimizer state, norms and loss float32)",
    };

    static int RoundUp(int length, int? multiple) => multiple is int m && length % m != 0 ? (length / m + 1) * m : length;

    public override string ToString() =>
        $"train: {Train}\n" +
        (Eval is null ? "eval: none\n" : $"eval: {Eval}\n") +
        $"plan: {MicroBatchesPerEpoch} micro-batches per epoch, {StepsPerEpoch} optimizer steps per epoch, {TotalSteps} steps in total\n" +
        $"parameters: {TrainableParameters:N0} trainable of {TotalParameters:N0}\n" +
        $"precision: {Precision}\n" +
        $"memory (largest batch, estimate): {Memory}\n";
}

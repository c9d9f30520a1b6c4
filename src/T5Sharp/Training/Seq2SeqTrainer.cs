using T5Sharp.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Training;

/// <summary>
/// The training loop of transformers' Seq2SeqTrainer (4.44) over already-collated micro-batches in a fixed order:
/// per micro-batch forward + backward of loss / gradient_accumulation_steps; every accumulation_steps micro-batches
/// clip the total gradient norm, optimizer step, scheduler step, zero the gradients and log like HF
/// ({loss, grad_norm, learning_rate, epoch, step}, the lr read after the scheduler stepped). Optimizer and param
/// groups as HF builds them (<c>adamw_torch</c> or <c>adafactor</c>, no weight decay on biases and layer norms).
/// </summary>
public sealed class Seq2SeqTrainer
{
    readonly T5ForConditionalGeneration _model;
    TrainingProgress _progress = new();

    public Seq2SeqTrainer(T5ForConditionalGeneration model, TrainingArguments args)
    {
        args.Validate();
        _model = model;
        Arguments = args;
        // HF seeds at construction: dropout masks then follow from the seed
        torch.random.manual_seed(args.Seed);
        var groups = ParameterGrouping.HfTrainer(model, args.WeightDecay, args.LearningRate);
        Optimizer = args.Optim == "adafactor"
            ? new Adafactor(groups, AdafactorOptions.ForTrainer(args.LearningRate))
            : new AdamW(groups, args.AdamBeta1, args.AdamBeta2, args.AdamEpsilon);
    }

    public TrainingArguments Arguments { get; }
    public ITrainingOptimizer Optimizer { get; }
    /// <summary>Created by <see cref="Train"/> once the number of steps is known.</summary>
    public LearningRateScheduler? Scheduler { get; private set; }
    public TrainerState State { get; private set; } = new();
    /// <summary>What checkpoints store of the model (null: the whole model folder); LoRA runs store the adapter.</summary>
    public ICheckpointWeights? CheckpointWeights { get; set; }

    /// <summary>
    /// Trains over <paramref name="microBatches"/> (one epoch, replayed each epoch). With
    /// <paramref name="resumeFromCheckpoint"/>, restores everything saved by <see cref="SaveCheckpoint"/> and skips the
    /// micro-batches already trained on, as HF does. <paramref name="onStep"/> sees each step and returns true to stop.
    /// A NaN or infinite loss throws a <see cref="TrainingException"/> naming the step.
    /// </summary>
    public TrainerState Train(IReadOnlyList<TrainingBatch> microBatches, string? resumeFromCheckpoint = null,
        Func<StepReport, bool>? onStep = null) =>
        Train(microBatches.Count, (_, i) => microBatches[i], resumeFromCheckpoint, onStep);

    /// <summary>
    /// As <see cref="Train(IReadOnlyList{TrainingBatch}, string?, Func{StepReport, bool}?)"/>, with micro-batches made
    /// on demand: <paramref name="microBatch"/>(epoch, index) is called inside the step's dispose scope, so tensors it
    /// creates are freed after the step (memory stays flat however large the data) and each epoch may order the data
    /// differently (a seeded shuffle per epoch, as HF's sampler).
    /// </summary>
    public TrainerState Train(int microBatchesPerEpoch, Func<long, int, TrainingBatch> microBatch, string? resumeFromCheckpoint = null,
        Func<StepReport, bool>? onStep = null)
    {
        if (microBatchesPerEpoch <= 0) throw new TrainingException("no training micro-batches");
        var args = Arguments;
        int accumulation = args.GradientAccumulationSteps;
        int microPerEpoch = microBatchesPerEpoch;
        long updatesPerEpoch = Math.Max(microPerEpoch / accumulation, 1);
        long maxSteps = args.MaxSteps > 0 ? args.MaxSteps : (long)Math.Ceiling(args.NumTrainEpochs * updatesPerEpoch);
        long epochs = args.MaxSteps > 0
            ? args.MaxSteps / updatesPerEpoch + (args.MaxSteps % updatesPerEpoch > 0 ? 1 : 0)
            : (long)Math.Ceiling(args.NumTrainEpochs);
        long warmup = LearningRateSchedule.ResolveWarmupSteps(args.WarmupSteps, args.WarmupRatio, maxSteps);
        Scheduler = new LearningRateScheduler(Optimizer, new LearningRateSchedule(args.LrSchedulerType, warmup, maxSteps));
        State = new TrainerState
        {
            MaxSteps = maxSteps, NumTrainEpochs = epochs, LoggingSteps = args.LoggingInterval(maxSteps),
            TrainBatchSize = args.PerDeviceTrainBatchSize,
        };
        _progress = new TrainingProgress();
        if (resumeFromCheckpoint is not null)
        {
            var (saved, progress) = TrainerCheckpoint.Load(resumeFromCheckpoint, _model, Optimizer, CheckpointWeights);
            State.GlobalStep = saved.GlobalStep;
            State.Epoch = saved.Epoch;
            State.LogHistory = saved.LogHistory;
            State.BestMetric = saved.BestMetric;
            State.BestModelCheckpoint = saved.BestModelCheckpoint;
            _progress = progress;
            Scheduler.Restore(progress.SchedulerStepCount);
        }
        // checkpoints written by this version record the position; the arithmetic holds when epochs divide evenly
        long epochsDone = _progress.NextEpoch ?? State.GlobalStep / updatesPerEpoch;
        long microToSkip = _progress.NextMicroBatch ?? State.GlobalStep % updatesPerEpoch * accumulation;

        bool wasTraining = _model.training;
        _model.train();
        _model.zero_grad();
        var parameters = Optimizer.Groups.SelectMany(g => g.Parameters).Select(p => p.Parameter).ToList();
        var microLosses = new List<float>();
        bool stop = State.GlobalStep >= maxSteps;
        try
        {
            for (long epoch = epochsDone; epoch < epochs && !stop; epoch++)
                for (int i = epoch == epochsDone ? (int)microToSkip : 0; i < microPerEpoch && !stop; i++)
                {
                    microLosses.Add(MicroBatchStep(microBatch, epoch, i, State.GlobalStep + 1));
                    // HF 4.44 steps early at an epoch's end only when the whole epoch is shorter than one accumulation;
                    // otherwise left-over micro-batches' gradients carry into the next epoch's first step, as there
                    bool lastOfShortEpoch = microPerEpoch <= accumulation && i + 1 == microPerEpoch;
                    if ((i + 1) % accumulation != 0 && !lastOfShortEpoch) continue;
                    var report = OptimizerStep(parameters, microLosses, epoch + (double)(i + 1) / microPerEpoch);
                    microLosses.Clear();
                    (_progress.NextEpoch, _progress.NextMicroBatch) = (epoch, i + 1); // before onStep, which may checkpoint
                    bool stopAsked = onStep?.Invoke(report) ?? false;
                    stop = stopAsked || State.GlobalStep >= maxSteps;
                }
            if (State.GlobalStep >= maxSteps) LogTrainingSummary();
        }
        finally
        {
            _model.train(wasTraining);
        }
        return State;
    }

    /// <summary>Writes a resumable checkpoint of the current step (see <see cref="TrainerCheckpoint"/>).</summary>
    public void SaveCheckpoint(string dir, string? generationConfigJson = null, string? tokenizerSourceDir = null)
    {
        if (Scheduler is null) throw new TrainingException("SaveCheckpoint: training has not started");
        _progress.SchedulerStepCount = Scheduler.StepCount;
        TrainerCheckpoint.Save(dir, _model, Arguments, Optimizer, State, _progress, generationConfigJson, tokenizerSourceDir,
            CheckpointWeights);
    }

    /// <summary>Forward + backward of one micro-batch; returns its loss (before dividing by the accumulation steps).</summary>
    float MicroBatchStep(Func<long, int, TrainingBatch> microBatch, long epoch, int microIndex, long step)
    {
        using var scope = NewDisposeScope();
        var batch = microBatch(epoch, microIndex);
        double smoothing = Arguments.LabelSmoothingFactor;
        // with label smoothing HF computes the loss from the logits (LabelSmoother), not the model's own loss
        var decoderInputIds = batch.DecoderInputIds
            ?? T5ForConditionalGeneration.ShiftRight(batch.Labels, _model.Config.DecoderStartId, _model.Config.PadTokenId);
        using var output = _model.Forward(batch.InputIds, batch.AttentionMask, decoderInputIds, smoothing > 0 ? null : batch.Labels);
        var loss = smoothing > 0 ? LabelSmoother.Loss(output.Logits, batch.Labels, smoothing) : output.Loss!;
        float value = loss.item<float>();
        if (!float.IsFinite(value))
            throw new TrainingException($"step {step} (micro-batch {microIndex} of the epoch): the loss is {value}; training stopped");
        var scaled = loss / Arguments.GradientAccumulationSteps;
        scaled.backward();
        // HF accumulates training_step's return value, loss / accumulation steps, in float32
        _progress.UnloggedLoss += scaled.item<float>();
        return value;
    }

    StepReport OptimizerStep(List<TorchSharp.Modules.Parameter> parameters, List<float> microLosses, double epoch)
    {
        float? gradNorm = Arguments.MaxGradNorm > 0 ? GradientClipping.ClipByTotalNorm(parameters, Arguments.MaxGradNorm) : null;
        double lrUsed = Scheduler!.LastLearningRate;
        Optimizer.Step();
        Scheduler.Step();
        _model.zero_grad();
        State.GlobalStep++;
        State.Epoch = epoch;
        long sinceLog = State.GlobalStep - _progress.LastLoggedStep;
        double stepLoss = _progress.UnloggedLoss / (double)sinceLog;
        bool log = State.GlobalStep % State.LoggingSteps == 0 || (Arguments.LoggingFirstStep && State.GlobalStep == 1);
        if (log)
        {
            State.LogHistory.Add(new LogHistoryEntry
            {
                Loss = Math.Round(stepLoss, 4), GradNorm = gradNorm, LearningRate = Scheduler.LastLearningRate,
                Epoch = epoch, Step = State.GlobalStep,
            });
            _progress.TotalLoggedLoss += _progress.UnloggedLoss;
            _progress.UnloggedLoss = 0;
            _progress.LastLoggedStep = State.GlobalStep;
        }
        return new StepReport(State.GlobalStep, epoch, stepLoss, [.. microLosses], gradNorm, lrUsed, Scheduler.LastLearningRate);
    }

    /// <summary>
    /// Appends HF's closing {train_loss, epoch, step} entry. <see cref="Train(int, Func{long, int, TrainingBatch}, string?, Func{StepReport, bool}?)"/>
    /// does so when it reaches max_steps; a caller that stops early on purpose (early stopping) calls it, as HF's
    /// train() ends that way too.
    /// </summary>
    public void LogTrainingSummary()
    {
        double total = _progress.TotalLoggedLoss + _progress.UnloggedLoss;
        State.LogHistory.Add(new LogHistoryEntry
        {
            TrainLoss = total / Math.Max(State.GlobalStep, 0.001), Epoch = State.Epoch, Step = State.GlobalStep,
        });
    }
}

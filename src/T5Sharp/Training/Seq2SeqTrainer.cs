using System.Diagnostics;
using T5Sharp.Distributed;
using T5Sharp.Formats;
using T5Sharp.Modeling;
using T5Sharp.Peft;
using T5Sharp.Pretrained;
using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Training;

/// <summary>
/// transformers' Seq2SeqTrainer (4.44) and its train(): the one owner of the training loop. Per micro-batch a training
/// step (forward + backward of loss / gradient_accumulation_steps); at each accumulation boundary clip the total
/// gradient norm, optimizer step, scheduler step, zero the gradients, then the callbacks' on_step_end and whatever the
/// <see cref="TrainerControl"/> asks for: log ({loss, grad_norm, learning_rate, epoch, step}, the lr read after the
/// scheduler stepped), evaluate, save a checkpoint (best-model tracking, save_total_limit), stop. Optimizer and param
/// groups as HF builds them (<c>adamw_torch</c> or <c>adafactor</c>, no weight decay on biases and layer norms).
/// Built from bare pieces (a model, arguments, micro-batches) it trains just that; built from <see cref="RunOptions"/>
/// and a loaded model it runs a whole fine-tuning run: data, layer freezing, a seeded order per epoch, evaluation,
/// early stopping, metrics.jsonl, load_best_model_at_end and the run folder (<c>run.json</c>, <c>metrics.jsonl</c>,
/// <c>checkpoint-N/</c>, <c>final/</c>; with a <c>lora</c> option only the adapter trains and is stored, in peft's layout).
/// The library prints nothing: progress goes to <see cref="ITrainerCallback"/>s. Under an MPI launch
/// (<see cref="DistributedWorld"/>) it is one data-parallel run, as HF's Trainer under accelerate: see
/// <see cref="DataParallelStep"/>.
/// </summary>
public sealed class Seq2SeqTrainer
{
    public const string FinalDirName = "final";

    readonly T5ForConditionalGeneration _model;
    readonly Func<long, int, TrainingBatch> _microBatch;
    readonly ICheckpointWeights _weights;
    readonly RunSetup? _run;
    readonly TrainerCallbackHandler _callbacks;
    TrainingEvaluator? _evaluator;
    TrainingProgress _progress = new();
    readonly List<float> _microLosses = [];
    readonly List<(long, TrainingEvaluation)> _evaluations = [];
    float? _gradNorm;
    string? _lastCheckpoint;
    long _lastSavedStep = -1, _tokensTrained, _samplesTrained, _firstStep;
    readonly Stopwatch _trainClock = new(), _stepClock = new();
    readonly DataParallelStep _dataParallel = new(DistributedWorld.Current);

    /// <summary>Trains over <paramref name="microBatches"/> (one epoch, replayed each epoch).</summary>
    public Seq2SeqTrainer(T5ForConditionalGeneration model, TrainingArguments args, IReadOnlyList<TrainingBatch> microBatches,
        IEnumerable<ITrainerCallback>? callbacks = null, TrainingEvaluator? evaluator = null)
        : this(model, args, microBatches.Count, (_, i) => microBatches[i], callbacks, evaluator) { }

    /// <summary>
    /// Trains over micro-batches made on demand: <paramref name="microBatch"/>(epoch, index) is called inside the step's
    /// dispose scope, so tensors it creates are freed after the step (memory stays flat however large the data) and each
    /// epoch may order the data differently (a seeded shuffle per epoch, as HF's sampler).
    /// </summary>
    public Seq2SeqTrainer(T5ForConditionalGeneration model, TrainingArguments args, int microBatchesPerEpoch,
        Func<long, int, TrainingBatch> microBatch, IEnumerable<ITrainerCallback>? callbacks = null, TrainingEvaluator? evaluator = null)
        : this(model, args, microBatchesPerEpoch, microBatch, new FullModelWeights(model, null, null), null, callbacks)
    {
        _evaluator = evaluator;
    }

    /// <summary>A whole run: reads and tokenizes the data at once, so that data errors surface before any training.</summary>
    public Seq2SeqTrainer(RunOptions options, PretrainedT5 pretrained, IEnumerable<ITrainerCallback>? callbacks = null)
        : this(RunSetup.Create(options, pretrained), callbacks) { }

    Seq2SeqTrainer(RunSetup run, IEnumerable<ITrainerCallback>? callbacks)
        : this(run.Pretrained.Model, run.Options.Training, run.Batches.MicroBatchesPerEpoch, run.Batches.Get, run.Weights, run,
            run.Callbacks([.. callbacks ?? []])) { }

    Seq2SeqTrainer(T5ForConditionalGeneration model, TrainingArguments args, int microBatchesPerEpoch,
        Func<long, int, TrainingBatch> microBatch, ICheckpointWeights weights, RunSetup? run, IEnumerable<ITrainerCallback>? callbacks)
    {
        args.Validate();
        _model = model;
        MixedPrecision.Apply(model, args);
        Arguments = args;
        Plan = TrainingPlan.For(args, microBatchesPerEpoch);
        _microBatch = microBatch;
        _weights = weights;
        _run = run;
        _callbacks = new TrainerCallbackHandler(args);
        _callbacks.Add(new DefaultFlowCallback());
        foreach (var callback in callbacks ?? []) _callbacks.Add(callback);
        // HF seeds at construction: dropout masks then follow from the seed
        torch.random.manual_seed(args.Seed);
    }

    public TrainingArguments Arguments { get; }
    /// <summary>Micro-batches and optimizer steps per epoch, max_steps and epochs, as the loop counts them.</summary>
    public TrainingPlan Plan { get; }
    /// <summary>The run's data (null for a trainer built from bare micro-batches).</summary>
    public RunData? Data => _run?.Data;
    /// <summary>The adapter being trained (the `lora` option), or null for full fine-tuning.</summary>
    public LoraModel? Lora => _run?.Lora;
    public IReadOnlyList<ITrainerCallback> Callbacks => _callbacks.Callbacks;
    /// <summary>Created by <see cref="Train"/> (HF's create_optimizer_and_scheduler).</summary>
    public ITrainingOptimizer? Optimizer { get; private set; }
    public LearningRateScheduler? Scheduler { get; private set; }
    public TrainerState State { get; private set; } = new();

    /// <summary>The checkpoint <see cref="Train"/> continued from (a run folder resolved to its newest complete checkpoint).</summary>
    public string? ResumedFrom { get; private set; }
    /// <summary>Temporary folders and files of interrupted saves that <see cref="Train"/> removed from the output folder.</summary>
    public IReadOnlyList<string> RemovedLeftovers { get; private set; } = [];
    /// <summary>What overwrite_output_dir removed of a previous run in the output folder.</summary>
    public IReadOnlyList<string> RemovedPreviousRun => _run?.RemovedPreviousRun ?? [];

    public void AddCallback(ITrainerCallback callback) => _callbacks.Add(callback);

    /// <summary>
    /// Trains to max_steps or until a callback stops it. With <paramref name="resumeFromCheckpoint"/>, restores everything
    /// a checkpoint holds and skips the micro-batches already trained on, as HF does; a run folder stands for its newest
    /// complete checkpoint. A cancelled <paramref name="cancellation"/> stops a running evaluation at its next decoding
    /// step, saves a checkpoint at the next step boundary and stops (no final model). A NaN or infinite loss, or a
    /// checkpoint that cannot be written (a full disk), throws a <see cref="TrainingException"/> naming the step and the
    /// last complete checkpoint.
    /// </summary>
    public TrainOutput Train(string? resumeFromCheckpoint = null, CancellationToken cancellation = default)
    {
        _trainClock.Restart();
        string? resume = resumeFromCheckpoint is null ? null : CheckpointFolders.ResolveResume(resumeFromCheckpoint);
        // the run folder has one writer: rank 0
        if (_dataParallel.World.IsMain) RemovedLeftovers = CheckpointFolders.CleanLeftovers(Arguments.OutputDir);
        _run?.Begin(resuming: resume is not null, writesFiles: _dataParallel.World.IsMain);
        _evaluator ??= _run?.CreateEvaluator();
        _dataParallel.BroadcastParameters(_model);
        CreateOptimizerAndScheduler();
        if (resume is not null) LoadCheckpoint(resume);
        _lastCheckpoint = resume;
        ResumedFrom = resume;
        _callbacks.TrainBegin(State);
        // skipped on resume: the evaluation before training is already in the restored log_history
        if (Arguments.EvalOnStart && _evaluator is not null && resume is null)
        {
            try { Evaluate(_dataParallel.ForEvaluation(cancellation)); }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                return new TrainOutput(State, _evaluations, null, true, false, null);
            }
        }

        bool wasTraining = _model.training;
        _model.train();
        _model.zero_grad();
        bool cancelled;
        try
        {
            cancelled = InnerTrainingLoop(cancellation);
        }
        catch (TrainingException e)
        {
            throw new TrainingException($"{e.Message}; {Kept()}", e);
        }
        finally
        {
            _model.train(wasTraining);
        }
        if (cancelled) return new TrainOutput(State, _evaluations, null, true, false, _lastCheckpoint);

        if (Arguments.LoadBestModelAtEnd && State.BestModelCheckpoint is { } best) _weights.Load(best);
        LogTrainingSummary();
        string? finalDir = null;
        try
        {
            if (_dataParallel.World.IsMain) finalDir = _run?.SaveFinal(State);
        }
        catch (IOException e) when (StorageErrors.IsStorageFailure(e))
        {
            throw new TrainingException($"saving the final model failed: {e.Message}; {Kept()}", e);
        }
        _callbacks.TrainEnd(State);
        bool earlyStopped = Callbacks.OfType<EarlyStoppingCallback>().Any(c => c.StoppedTraining);
        return new TrainOutput(State, _evaluations, finalDir, false, earlyStopped, _lastCheckpoint);
    }

    /// <summary>The loop, as HF's _inner_training_loop reads; returns true when cancelled.</summary>
    bool InnerTrainingLoop(CancellationToken cancellation)
    {
        var control = _callbacks.Control;
        var (startEpoch, startMicroBatch) = ResumePosition();
        (_firstStep, _tokensTrained, _samplesTrained) = (State.GlobalStep, 0, 0);
        _stepClock.Restart();
        for (long epoch = startEpoch; epoch < Plan.NumTrainEpochs && State.GlobalStep < Plan.MaxSteps; epoch++)
        {
            _callbacks.EpochBegin(State);
            for (int i = epoch == startEpoch ? startMicroBatch : 0; i < Plan.MicroBatchesPerEpoch; i++)
            {
                if (_microLosses.Count == 0)
                {
                    if (_dataParallel.ShouldCancel(cancellation)) return SaveOnCancel();
                    _callbacks.StepBegin();
                }
                TrainingStep(epoch, i);
                if (!Plan.EndsStep(i)) continue;
                var step = OptimizerStep(Plan.EpochAfter(epoch, i));
                (_progress.NextEpoch, _progress.NextMicroBatch) = (epoch, i + 1); // before saving: where a resume continues
                _callbacks.StepEnd(State, step);
                try { MaybeLogSaveEvaluate(cancellation); }
                catch (OperationCanceledException) when (cancellation.IsCancellationRequested) { return SaveOnCancel(); }
                _dataParallel.AgreeOnStop(control, cancellation);
                if (control.ShouldEpochStop || control.ShouldTrainingStop) break;
            }
            _callbacks.EpochEnd(State);
            try { MaybeLogSaveEvaluate(cancellation); }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested) { return SaveOnCancel(); }
            _dataParallel.AgreeOnStop(control, cancellation);
            if (control.ShouldTrainingStop) break;
        }
        return false;
    }

    /// <summary>Forward + backward of one micro-batch (HF's training_step); keeps its loss for the step's report.</summary>
    void TrainingStep(long epoch, int microIndex)
    {
        using var scope = NewDisposeScope();
        var batch = _microBatch(epoch, microIndex);
        double smoothing = Arguments.LabelSmoothingFactor;
        // with label smoothing HF computes the loss from the logits (LabelSmoother), not the model's own loss
        var decoderInputIds = batch.DecoderInputIds
            ?? T5ForConditionalGeneration.ShiftRight(batch.Labels, _model.Config.DecoderStartId, _model.Config.PadTokenId);
        using var output = _model.Forward(batch.InputIds, batch.AttentionMask, decoderInputIds, smoothing > 0 ? null : batch.Labels);
        var loss = smoothing > 0 ? LabelSmoother.Loss(output.Logits, batch.Labels, smoothing) : output.Loss!;
        float value = loss.item<float>();
        if (!float.IsFinite(value))
            _dataParallel.NonFiniteLoss($"step {State.GlobalStep + 1} (micro-batch {microIndex} of the epoch): the loss is {value}");
        var scaled = loss / Arguments.GradientAccumulationSteps;
        scaled.backward();
        // HF accumulates training_step's return value, loss / accumulation steps, in float32 (per rank)
        float scaledValue = scaled.item<float>();
        if (!_dataParallel.IsDistributed) _progress.UnloggedLoss += scaledValue;
        _microLosses.Add(value);
        // real (unpadded) source + target tokens, for tokens/s
        _dataParallel.Add(scaledValue, batch.AttentionMask.sum().item<long>() + batch.Labels.ne(-100).sum().item<long>(), batch.Labels.shape[0]);
    }

    StepReport OptimizerStep(double epoch)
    {
        var parameters = Optimizer!.Groups.SelectMany(g => g.Parameters).Select(p => p.Parameter).ToList();
        var combined = _dataParallel.Finish(parameters, State.GlobalStep + 1);
        if (combined.Loss is { } meanLoss) _progress.UnloggedLoss += meanLoss;
        (_tokensTrained, _samplesTrained) = (_tokensTrained + combined.Tokens, _samplesTrained + combined.Samples);
        _gradNorm = Arguments.MaxGradNorm > 0 ? GradientClipping.ClipByTotalNorm(parameters, Arguments.MaxGradNorm) : null;
        double lrUsed = Scheduler!.LastLearningRate;
        Optimizer.Step();
        Scheduler.Step();
        _model.zero_grad();
        State.GlobalStep++;
        State.Epoch = epoch;
        double seconds = Math.Max(_stepClock.Elapsed.TotalSeconds, 1e-9);
        State.Speed = new TrainingSpeed(_tokensTrained / seconds, _trainClock.Elapsed,
            TimeSpan.FromSeconds(seconds / (State.GlobalStep - _firstStep) * Math.Max(Plan.MaxSteps - State.GlobalStep, 0)));
        double stepLoss = _progress.UnloggedLoss / (double)(State.GlobalStep - _progress.LastLoggedStep);
        var report = new StepReport(State.GlobalStep, epoch, stepLoss, [.. _microLosses], _gradNorm, lrUsed, Scheduler.LastLearningRate)
        {
            GradientAllReduceSeconds = combined.AllReduceSeconds,
        };
        _microLosses.Clear();
        return report;
    }

    /// <summary>HF's _maybe_log_save_evaluate: log, then evaluate, then save, each when the control asks for it.</summary>
    void MaybeLogSaveEvaluate(CancellationToken cancellation)
    {
        var control = _callbacks.Control;
        if (control.ShouldLog && State.GlobalStep > _progress.LastLoggedStep)
        {
            double loss = _progress.UnloggedLoss / (double)(State.GlobalStep - _progress.LastLoggedStep);
            _progress.TotalLoggedLoss += _progress.UnloggedLoss;
            _progress.UnloggedLoss = 0;
            _progress.LastLoggedStep = State.GlobalStep;
            var entry = new LogHistoryEntry
            {
                Loss = Math.Round(loss, 4), GradNorm = _gradNorm, LearningRate = Scheduler!.LastLearningRate,
                Epoch = State.Epoch, Step = State.GlobalStep,
            };
            // not in HF's entry: throughput and memory, for reports (extra keys, which HF's readers ignore)
            MetricsLog.AddExtras(entry, new Dictionary<string, double>
            {
                [MetricsLog.TokensPerSecondKey] = Math.Round(State.Speed?.TokensPerSecond ?? 0, 1),
                [MetricsLog.MemoryKey] = Math.Round(Environment.WorkingSet / (1024.0 * 1024.0), 1),
            });
            Log(entry);
        }
        var metrics = control.ShouldEvaluate && _evaluator is not null ? Evaluate(_dataParallel.ForEvaluation(cancellation)) : null;
        if (control.ShouldSave) SaveCheckpoint(metrics);
    }

    void Log(LogHistoryEntry entry)
    {
        State.LogHistory.Add(entry);
        _callbacks.Log(State, entry);
    }

    IReadOnlyDictionary<string, double> Evaluate(CancellationToken cancellation)
    {
        var evaluation = _evaluator!.Evaluate(_model, (done, total) => _callbacks.PredictionStep(State, done, total), cancellation);
        _evaluations.Add((State.GlobalStep, evaluation));
        Log(MetricsLog.EvaluationEntry(evaluation.Metrics, State.Epoch, State.GlobalStep));
        _callbacks.Evaluate(State, evaluation.Metrics);
        return evaluation.Metrics;
    }

    /// <summary>HF's _save_checkpoint: best-model bookkeeping, checkpoint-N, rotation, then on_save.</summary>
    void SaveCheckpoint(IReadOnlyDictionary<string, double>? metrics)
    {
        string dir = Path.Combine(Arguments.OutputDir, CheckpointRotation.Prefix + State.GlobalStep);
        if (metrics is not null) BestModel.Update(Arguments, State, metrics, dir);
        _progress.SchedulerStepCount = Scheduler!.StepCount;
        try
        {
            TrainerCheckpoint.Save(dir, _model, Arguments, Optimizer!, State, _progress, weights: _weights, world: _dataParallel.World);
        }
        catch (IOException e) when (StorageErrors.IsStorageFailure(e))
        {
            // nothing of checkpoint-N is left (it is written under a temporary name); the earlier ones are untouched
            throw new TrainingException($"step {State.GlobalStep}: saving {dir} failed: {e.Message}; training stopped", e);
        }
        (_lastCheckpoint, _lastSavedStep) = (dir, State.GlobalStep);
        if (_dataParallel.World.IsMain) CheckpointRotation.Rotate(Arguments.OutputDir, Arguments.SaveTotalLimit, State.BestModelCheckpoint, Arguments.LoadBestModelAtEnd);
        _callbacks.Save(State, dir);
    }

    /// <summary>Where the run can continue from, for an error message: only a checkpoint that exists and is complete.</summary>
    string Kept() => _lastCheckpoint is not null && CheckpointFolders.IsComplete(_lastCheckpoint)
        ? $"the last complete checkpoint is {_lastCheckpoint}"
        : CheckpointFolders.LatestComplete(Arguments.OutputDir) is { } latest ? $"the last complete checkpoint is {latest}" : "no checkpoint was saved";

    /// <summary>A cancellation takes effect between steps: the last step (and its epoch's end) is checkpointed, then stop.</summary>
    bool SaveOnCancel()
    {
        if (_lastSavedStep != State.GlobalStep) SaveCheckpoint(null);
        return true;
    }

    /// <summary>
    /// Appends HF's closing entry: {train_runtime, train_samples_per_second, train_steps_per_second, train_loss, epoch,
    /// step}, rounded as HF's speed_metrics. The rates count what this call trained (a resumed run: since the resume).
    /// </summary>
    void LogTrainingSummary()
    {
        double total = _progress.TotalLoggedLoss + _progress.UnloggedLoss;
        double runtime = Math.Max(_trainClock.Elapsed.TotalSeconds, 1e-9);
        var entry = new LogHistoryEntry { TrainLoss = total / Math.Max(State.GlobalStep, 0.001), Epoch = State.Epoch, Step = State.GlobalStep };
        MetricsLog.AddExtras(entry, new Dictionary<string, double>
        {
            ["train_runtime"] = Math.Round(runtime, 4),
            ["train_samples_per_second"] = Math.Round(_samplesTrained / runtime, 3),
            ["train_steps_per_second"] = Math.Round((State.GlobalStep - _firstStep) / runtime, 3),
        });
        Log(entry);
    }

    void CreateOptimizerAndScheduler()
    {
        var args = Arguments;
        var groups = ParameterGrouping.HfTrainer(_model, args.WeightDecay, args.LearningRate);
        Optimizer = args.Optim == "adafactor"
            ? new Adafactor(groups, AdafactorOptions.ForTrainer(args.LearningRate))
            : new AdamW(groups, args.AdamBeta1, args.AdamBeta2, args.AdamEpsilon);
        long warmup = LearningRateSchedule.ResolveWarmupSteps(args.WarmupSteps, args.WarmupRatio, Plan.MaxSteps);
        Scheduler = new LearningRateScheduler(Optimizer, new LearningRateSchedule(args.LrSchedulerType, warmup, Plan.MaxSteps));
        State = new TrainerState
        {
            MaxSteps = Plan.MaxSteps, NumTrainEpochs = Plan.NumTrainEpochs, LoggingSteps = args.LoggingInterval(Plan.MaxSteps),
            EvalSteps = args.EvalInterval(Plan.MaxSteps), SaveSteps = args.SaveInterval(Plan.MaxSteps),
            TrainBatchSize = args.PerDeviceTrainBatchSize,
        };
        _progress = new TrainingProgress();
    }

    void LoadCheckpoint(string dir)
    {
        var (saved, progress) = TrainerCheckpoint.Load(dir, _model, Optimizer!, _weights, _dataParallel.World);
        State.GlobalStep = saved.GlobalStep;
        State.Epoch = saved.Epoch;
        State.LogHistory = saved.LogHistory;
        State.BestMetric = saved.BestMetric;
        State.BestModelCheckpoint = saved.BestModelCheckpoint;
        _progress = progress;
        Scheduler!.Restore(progress.SchedulerStepCount);
        _lastSavedStep = saved.GlobalStep;
    }

    /// <summary>
    /// Where training continues: checkpoints written by this version record the position (the arithmetic holds only when
    /// epochs divide evenly into steps); a position at an epoch's end continues with the next epoch, as HF counts
    /// that epoch as trained.
    /// </summary>
    (long Epoch, int MicroBatch) ResumePosition()
    {
        long epoch = _progress.NextEpoch ?? State.GlobalStep / Plan.StepsPerEpoch;
        int micro = _progress.NextMicroBatch ?? (int)(State.GlobalStep % Plan.StepsPerEpoch * Plan.GradientAccumulationSteps);
        return micro >= Plan.MicroBatchesPerEpoch ? (epoch + 1, 0) : (epoch, micro);
    }
}

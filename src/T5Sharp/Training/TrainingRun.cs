using System.Diagnostics;
using T5Sharp.Generation;
using T5Sharp.Peft;
using T5Sharp.Pretrained;

namespace T5Sharp.Training;

/// <summary>
/// A whole fine-tuning run as HF's Seq2SeqTrainer.train() does it, on top of <see cref="Seq2SeqTrainer"/>: data from
/// <see cref="RunOptions"/>, layer freezing, a seeded shuffle per epoch (or file order), evaluation and checkpoints by
/// strategy (no / steps / epoch), best-model tracking (metric_for_best_model, greater_is_better), save_total_limit
/// that never deletes the best, early stopping, load_best_model_at_end, and the run folder:
/// <c>run.json</c> (resolved options), <c>metrics.jsonl</c>, <c>checkpoint-N/</c> (complete HF model folders plus
/// optimizer, scheduler and RNG state) and <c>final/</c> (the trained model, loadable by transformers).
/// Cancelling saves a checkpoint at the next step boundary; a NaN/inf loss stops naming the step and the last good
/// checkpoint. Progress goes to a callback; the library prints nothing. With a <c>lora</c> option only the injected
/// adapter trains, and checkpoints and <c>final/</c> hold the adapter in peft's layout instead of the whole model.
/// </summary>
public sealed class TrainingRun
{
    public const string FinalDirName = "final";

    readonly RunOptions _options;
    readonly PretrainedT5 _pretrained;

    /// <summary>Reads and tokenizes the data at once, so that data errors surface before any training.</summary>
    public TrainingRun(RunOptions options, PretrainedT5 pretrained)
    {
        _options = options;
        _pretrained = pretrained;
        Data = RunData.Load(options, pretrained.Tokenizer);
        if (options.Lora is { } spec) Lora = LoraModel.Create(pretrained.Model, LoraSpec.Parse(spec, "lora"));
        Weights = Lora is null
            ? new FullModelWeights(pretrained.Model, pretrained.GenerationConfigJson, pretrained.Directory)
            : new LoraAdapterWeights(Lora, options.Model);
    }

    public RunData Data { get; }
    /// <summary>The adapter being trained (the `lora` option), or null for full fine-tuning.</summary>
    public LoraModel? Lora { get; }
    ICheckpointWeights Weights { get; }
    TrainingArguments Args => _options.Training;
    string OutputDir => Args.OutputDir;

    /// <summary>Micro-batches per epoch, optimizer steps per epoch and in total, as the trainer will count them.</summary>
    public (int MicroBatchesPerEpoch, long StepsPerEpoch, long TotalSteps) Plan()
    {
        int micro = (Data.Train.Count + Args.PerDeviceTrainBatchSize - 1) / Args.PerDeviceTrainBatchSize;
        long perEpoch = Math.Max(micro / Args.GradientAccumulationSteps, 1);
        long total = Args.MaxSteps > 0 ? Args.MaxSteps : (long)Math.Ceiling(Args.NumTrainEpochs * perEpoch);
        return (micro, perEpoch, total);
    }

    public RunResult Run(CancellationToken cancellation = default, Action<RunEvent>? onEvent = null, string? resumeFromCheckpoint = null)
    {
        Directory.CreateDirectory(OutputDir);
        _options.Save(Path.Combine(OutputDir, RunOptions.FileName));
        var model = _pretrained.Model;
        if (_options.Freeze.Count > 0) ParameterFreezing.Apply(model, _options.Freeze);
        var modelGeneration = GenerationConfigJson.ForModel(_pretrained);
        var evaluator = Data.Eval is null ? null : new TrainingEvaluator(Data.Eval,
            _pretrained.Tokenizer, Args, modelGeneration, _options.RougeSplitSentences, _options.PadToMultipleOf);
        var batches = new EpochBatches(Data.Train, Args.PerDeviceTrainBatchSize, _options.Shuffle, Args.Seed, _options.PadToMultipleOf);
        var trainer = new Seq2SeqTrainer(model, Args) { CheckpointWeights = Weights };
        var (_, _, totalSteps) = Plan();
        var evaluations = new List<(long, TrainingEvaluation)>();
        var clock = Stopwatch.StartNew();
        void Emit(RunEventKind kind, long step, double epoch, IReadOnlyDictionary<string, double>? metrics = null, string? path = null) =>
            onEvent?.Invoke(new RunEvent(kind, step, totalSteps, epoch, null, null, 0, clock.Elapsed, null, metrics, path));

        LogHistoryEntry? startEntry = null;
        if (Args.EvalOnStart && evaluator is not null && resumeFromCheckpoint is null)
        {
            var start = evaluator.Evaluate(model);
            evaluations.Add((0, start));
            startEntry = MetricsLog.EvaluationEntry(start.Metrics, 0, 0);
            Emit(RunEventKind.Evaluation, 0, 0, start.Metrics);
        }

        string? lastCheckpoint = resumeFromCheckpoint;
        long lastSavedStep = -1, firstStep = -1;
        bool cancelled = false, earlyStopped = false;
        int patienceCounter = 0;
        double previousEpoch = 0;
        var stepClock = Stopwatch.StartNew();
        long tokensAtStart = 0;

        bool OnStep(StepReport report)
        {
            var state = trainer.State;
            if (startEntry is not null)
            {
                state.LogHistory.Insert(0, startEntry);
                startEntry = null;
            }
            if (firstStep < 0) (firstStep, tokensAtStart) = (report.GlobalStep - 1, 0);
            long done = report.GlobalStep - firstStep;
            double seconds = stepClock.Elapsed.TotalSeconds;
            var eta = TimeSpan.FromSeconds(seconds / done * (totalSteps - report.GlobalStep));
            onEvent?.Invoke(new RunEvent(RunEventKind.Step, report.GlobalStep, totalSteps, report.Epoch, report.Loss,
                report.LearningRateUsed, (batches.TokensServed - tokensAtStart) / Math.Max(seconds, 1e-9), clock.Elapsed, eta));

            bool epochEnded = Math.Floor(report.Epoch + 1e-9) > Math.Floor(previousEpoch + 1e-9);
            previousEpoch = report.Epoch;
            bool Due(string strategy, long interval) =>
                strategy == "steps" ? report.GlobalStep % interval == 0 : strategy == "epoch" && epochEnded;

            IReadOnlyDictionary<string, double>? metrics = null;
            if (evaluator is not null && Due(Args.EvalStrategy, Args.EvalInterval(totalSteps)))
            {
                var evaluation = evaluator.Evaluate(model);
                evaluations.Add((report.GlobalStep, evaluation));
                metrics = evaluation.Metrics;
                state.LogHistory.Add(MetricsLog.EvaluationEntry(metrics, report.Epoch, report.GlobalStep));
                Emit(RunEventKind.Evaluation, report.GlobalStep, report.Epoch, metrics);
                earlyStopped = EarlyStopping(metrics, state.BestMetric, ref patienceCounter);
            }
            MetricsLog.Write(Path.Combine(OutputDir, MetricsLog.FileName), state.LogHistory);

            bool save = Due(Args.SaveStrategy, Args.SaveInterval(totalSteps));
            cancelled = cancellation.IsCancellationRequested;
            if (save || (cancelled && lastSavedStep != report.GlobalStep))
            {
                string dir = Path.Combine(OutputDir, CheckpointRotation.Prefix + report.GlobalStep);
                if (metrics is not null) UpdateBest(state, metrics, dir);
                trainer.SaveCheckpoint(dir, _pretrained.GenerationConfigJson, _pretrained.Directory);
                lastCheckpoint = dir;
                lastSavedStep = report.GlobalStep;
                Emit(RunEventKind.Checkpoint, report.GlobalStep, report.Epoch, path: dir);
                CheckpointRotation.Rotate(OutputDir, Args.SaveTotalLimit, state.BestModelCheckpoint, Args.LoadBestModelAtEnd);
            }
            if (earlyStopped) Emit(RunEventKind.EarlyStop, report.GlobalStep, report.Epoch);
            return cancelled || earlyStopped;
        }

        TrainerState final;
        try
        {
            final = trainer.Train(batches.MicroBatchesPerEpoch, batches.Get, resumeFromCheckpoint, OnStep);
        }
        catch (TrainingException e)
        {
            string kept = lastCheckpoint is null ? "no checkpoint was saved" : $"the last good checkpoint is {lastCheckpoint}";
            throw new TrainingException($"{e.Message}; {kept}", e);
        }
        if (cancelled) return new RunResult(final, evaluations, null, true, false, lastCheckpoint);
        if (earlyStopped) trainer.LogTrainingSummary();
        if (Args.LoadBestModelAtEnd && final.BestModelCheckpoint is { } best) Weights.Load(best);
        MetricsLog.Write(Path.Combine(OutputDir, MetricsLog.FileName), final.LogHistory);
        string finalDir = Path.Combine(OutputDir, FinalDirName);
        if (Lora is null) _pretrained.Save(finalDir);
        else Weights.Save(finalDir);
        final.Save(Path.Combine(finalDir, TrainerState.FileName));
        return new RunResult(final, evaluations, finalDir, false, earlyStopped, lastCheckpoint);
    }

    /// <summary>HF's best-model bookkeeping at a save that follows an evaluation (Trainer._save_checkpoint).</summary>
    void UpdateBest(TrainerState state, IReadOnlyDictionary<string, double> metrics, string checkpointDir)
    {
        if (Args.BestMetricKey is not { } key) return;
        if (!metrics.TryGetValue(key, out double value))
            throw new TrainingException(
                $"metric_for_best_model {Args.MetricForBestModel}: evaluation has no {key} (it has {string.Join(", ", metrics.Keys)}; ROUGE needs predict_with_generate)");
        if (state.BestMetric is null || state.BestModelCheckpoint is null || Better(value, state.BestMetric.Value))
        {
            state.BestMetric = value;
            state.BestModelCheckpoint = checkpointDir;
        }
    }

    bool Better(double value, double best) => Args.ResolvedGreaterIsBetter ? value > best : value < best;

    /// <summary>HF's EarlyStoppingCallback: a metric that doesn't beat the best by more than the threshold adds to the count.</summary>
    bool EarlyStopping(IReadOnlyDictionary<string, double> metrics, double? best, ref int counter)
    {
        if (_options.EarlyStoppingPatience is not int patience || Args.BestMetricKey is not { } key) return false;
        if (!metrics.TryGetValue(key, out double value))
            throw new TrainingException($"early stopping: evaluation has no {key} (it has {string.Join(", ", metrics.Keys)})");
        bool improved = best is null || (Better(value, best.Value) && Math.Abs(value - best.Value) > _options.EarlyStoppingThreshold);
        counter = improved ? 0 : counter + 1;
        return counter >= patience;
    }
}

namespace T5Sharp.Training;

/// <summary>
/// HF's TrainerCallback: hooks into <see cref="Seq2SeqTrainer.Train"/>, each given the arguments, the live trainer state
/// and the <see cref="TrainerControl"/> it may change (to log, evaluate, save or stop), plus the event's payload. Every
/// method does nothing by default, so a callback implements only what it needs. Callbacks run in the order they were
/// added, <see cref="DefaultFlowCallback"/> first.
/// </summary>
public interface ITrainerCallback
{
    /// <summary>Before the first step (after a resumed checkpoint has been loaded into the state).</summary>
    void OnTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control) { }

    /// <summary>After the last step, the closing train_loss log, loading the best model and writing the final model.</summary>
    void OnTrainEnd(TrainingArguments args, TrainerState state, TrainerControl control) { }

    void OnEpochBegin(TrainingArguments args, TrainerState state, TrainerControl control) { }

    /// <summary>After an epoch's micro-batches (or a stop part-way through it), before the epoch's log/evaluate/save.</summary>
    void OnEpochEnd(TrainingArguments args, TrainerState state, TrainerControl control) { }

    /// <summary>After an optimizer step, before its log/evaluate/save; <paramref name="step"/> is what the step did
    /// (<see cref="TrainerState.Speed"/> has tokens/s, elapsed time and the ETA).</summary>
    void OnStepEnd(TrainingArguments args, TrainerState state, TrainerControl control, StepReport step) { }

    /// <summary>After <paramref name="logs"/> was appended to log_history (training logs, evaluations, the train_loss summary).</summary>
    void OnLog(TrainingArguments args, TrainerState state, TrainerControl control, LogHistoryEntry logs) { }

    /// <summary>HF's on_prediction_step: after each evaluation batch; <paramref name="done"/> of <paramref name="total"/>
    /// evaluation examples are through (so a callback can show the evaluation's progress).</summary>
    void OnPredictionStep(TrainingArguments args, TrainerState state, TrainerControl control, int done, int total) { }

    /// <summary>After an evaluation; <paramref name="metrics"/> are HF's eval_* values.</summary>
    void OnEvaluate(TrainingArguments args, TrainerState state, TrainerControl control, IReadOnlyDictionary<string, double> metrics) { }

    /// <summary>After a checkpoint folder was written (and older ones rotated away).</summary>
    void OnSave(TrainingArguments args, TrainerState state, TrainerControl control, string checkpointDir) { }
}

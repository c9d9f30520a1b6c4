namespace T5Sharp.Training;

/// <summary>
/// HF's CallbackHandler: calls every callback in order for an event and resets the control switches the event
/// consumes (a logged entry clears should_log, an evaluation should_evaluate, a save should_save).
/// </summary>
internal sealed class TrainerCallbackHandler(TrainingArguments args)
{
    readonly List<ITrainerCallback> _callbacks = [];

    public TrainerControl Control { get; } = new();
    public IReadOnlyList<ITrainerCallback> Callbacks => _callbacks;

    public void Add(ITrainerCallback callback) => _callbacks.Add(callback);

    public void TrainBegin(TrainerState state)
    {
        Control.ShouldTrainingStop = false;
        foreach (var c in _callbacks) c.OnTrainBegin(args, state, Control);
    }

    public void TrainEnd(TrainerState state)
    {
        foreach (var c in _callbacks) c.OnTrainEnd(args, state, Control);
    }

    public void EpochBegin(TrainerState state)
    {
        Control.ShouldEpochStop = false;
        foreach (var c in _callbacks) c.OnEpochBegin(args, state, Control);
    }

    public void EpochEnd(TrainerState state)
    {
        foreach (var c in _callbacks) c.OnEpochEnd(args, state, Control);
    }

    /// <summary>HF's on_step_begin: a new step starts with nothing to log, evaluate or save.</summary>
    public void StepBegin()
    {
        Control.ShouldLog = false;
        Control.ShouldEvaluate = false;
        Control.ShouldSave = false;
    }

    public void StepEnd(TrainerState state, StepReport step)
    {
        foreach (var c in _callbacks) c.OnStepEnd(args, state, Control, step);
    }

    public void Log(TrainerState state, LogHistoryEntry logs)
    {
        Control.ShouldLog = false;
        foreach (var c in _callbacks) c.OnLog(args, state, Control, logs);
    }

    public void PredictionStep(TrainerState state, int done, int total)
    {
        foreach (var c in _callbacks) c.OnPredictionStep(args, state, Control, done, total);
    }

    public void Evaluate(TrainerState state, IReadOnlyDictionary<string, double> metrics)
    {
        Control.ShouldEvaluate = false;
        foreach (var c in _callbacks) c.OnEvaluate(args, state, Control, metrics);
    }

    public void Save(TrainerState state, string checkpointDir)
    {
        Control.ShouldSave = false;
        foreach (var c in _callbacks) c.OnSave(args, state, Control, checkpointDir);
    }
}

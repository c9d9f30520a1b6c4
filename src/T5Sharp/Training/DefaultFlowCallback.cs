namespace T5Sharp.Training;

/// <summary>
/// HF's DefaultFlowCallback: when to log, evaluate and save, from logging_strategy / eval_strategy / save_strategy and
/// their step intervals (resolved in <see cref="TrainerState"/>): "steps" every N optimizer steps (and step 1 with
/// logging_first_step), "epoch" at each epoch's end; and stop once global_step reaches max_steps.
/// </summary>
public sealed class DefaultFlowCallback : ITrainerCallback
{
    public void OnStepEnd(TrainingArguments args, TrainerState state, TrainerControl control, StepReport step)
    {
        if (state.GlobalStep == 1 && args.LoggingFirstStep) control.ShouldLog = true;
        if (args.LoggingStrategy == "steps" && state.GlobalStep % state.LoggingSteps == 0) control.ShouldLog = true;
        if (args.EvalStrategy == "steps" && state.GlobalStep % state.EvalSteps == 0) control.ShouldEvaluate = true;
        if (args.SaveStrategy == "steps" && state.GlobalStep % state.SaveSteps == 0) control.ShouldSave = true;
        if (state.GlobalStep >= state.MaxSteps) control.ShouldTrainingStop = true;
    }

    public void OnEpochEnd(TrainingArguments args, TrainerState state, TrainerControl control)
    {
        if (args.LoggingStrategy == "epoch") control.ShouldLog = true;
        if (args.EvalStrategy == "epoch") control.ShouldEvaluate = true;
        if (args.SaveStrategy == "epoch") control.ShouldSave = true;
    }
}

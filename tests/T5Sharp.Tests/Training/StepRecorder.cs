using T5Sharp.Training;

namespace T5Sharp.Tests.Training;

/// <summary>A callback that keeps every step's report and, given <c>stopAt</c>, stops training (and saves) at that step.</summary>
internal sealed class StepRecorder(long? stopAt = null, bool saveAtStop = false, Action<StepReport>? onStep = null) : ITrainerCallback
{
    public List<StepReport> Steps { get; } = [];

    public void OnStepEnd(TrainingArguments args, TrainerState state, TrainerControl control, StepReport step)
    {
        Steps.Add(step);
        onStep?.Invoke(step);
        if (step.GlobalStep != stopAt) return;
        control.ShouldTrainingStop = true;
        control.ShouldSave = saveAtStop;
    }
}
